"""The weekly leadership meeting: a 90-minute agenda, issues solved into decisions and to-dos, minutes as a PDF."""

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from bspos.leadership import selectors, services
from bspos.leadership.models import Decision, Issue, Todo
from bspos.leadership.tests.factories import IssueFactory, MeetingFactory, MetricFactory, PlanFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_agenda_sections_must_sum_to_ninety_minutes():
    at = datetime(2026, 9, 7, 9, tzinfo=UTC)
    assert sum(m for _, m in services.schedule_meeting(scheduled_at=at).agenda) == 90
    with pytest.raises(ValidationError, match="add up to 85 minutes"):
        services.schedule_meeting(scheduled_at=at, agenda=[["Metrics", 25], ["Issues", 60]])
    with pytest.raises(ValidationError):
        services.schedule_meeting(scheduled_at=at, agenda=[["Metrics", 0], ["Issues", 90]])
    meeting = services.schedule_meeting(scheduled_at=at, agenda=[["Metrics", 30], ["Issues", 60]])
    assert meeting.agenda == [["Metrics", 30], ["Issues", 60]]


def test_solving_an_issue_produces_its_decision_and_to_dos_and_everyone_reads_the_decision(client):
    owner = UserFactory(role=Role.OWNER)
    meeting = MeetingFactory()
    issue = IssueFactory(title="Tier 1 is swamped on Mondays")
    with pytest.raises(ValidationError, match="decision, a to-do, or both"):
        services.solve_issue(issue, meeting=meeting, by=owner)
    services.solve_issue(issue, meeting=meeting, decision="Move patching to Wednesdays.", by=owner,
                         todos=[{"title": "Reschedule patch windows", "owner": owner, "due_on": date(2026, 9, 14)}],
                         today=date(2026, 9, 7))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SOLVED and issue.solved_in == meeting
    decision = Decision.objects.get()
    assert (decision.text, decision.issue, decision.meeting, decision.decided_on) == (
        "Move patching to Wednesdays.", issue, meeting, date(2026, 9, 7))
    todo = Todo.objects.get()
    assert (todo.owner, todo.due_on, todo.issue) == (owner, date(2026, 9, 14), issue)
    with pytest.raises(ValidationError):
        services.solve_issue(issue, meeting=meeting, decision="again", by=owner)
    client.force_login(UserFactory(role=Role.FINANCE))  # not on the leadership team, still reads decisions
    assert "Move patching to Wednesdays." in client.get(reverse("leadership:decisions")).content.decode()


def test_on_time_start_attendance_rating_and_to_do_completion_rate():
    owner, tech = UserFactory(role=Role.OWNER), UserFactory()
    meeting = MeetingFactory()
    services.start_meeting(meeting, attendees=[owner, tech], by=owner, at=meeting.scheduled_at + timedelta(minutes=3))
    assert meeting.started_on_time and set(meeting.attendees.all()) == {owner, tech}
    with pytest.raises(ValidationError):
        services.finish_meeting(meeting, rating=11, by=owner)
    services.finish_meeting(meeting, rating=8, by=owner, at=meeting.scheduled_at + timedelta(minutes=93))
    assert meeting.length_minutes == 90 and meeting.rating == 8
    late = MeetingFactory(scheduled_at=datetime(2026, 9, 14, 9, tzinfo=UTC))
    services.start_meeting(late, attendees=[owner], by=owner, at=late.scheduled_at + timedelta(minutes=20))
    assert late.started_on_time is False
    for done_on in (date(2026, 9, 10), date(2026, 9, 20), None):
        Todo.objects.create(title="x", owner=owner, due_on=date(2026, 9, 14), done_on=done_on)
    figures = selectors.todo_completion(date(2026, 9, 1), date(2026, 9, 30))
    assert (figures["due"], figures["done"], figures["rate"]) == (3, 1, Decimal("33.3"))


def test_the_meeting_page_runs_from_metrics_to_a_solved_issue_and_the_minutes_pdf_reads_back(client):
    owner = UserFactory(role=Role.OWNER, username="founder", email="founder@msp.test")
    MetricFactory(hat__name="Sales & marketing", hat__owner=owner, name="Qualified leads", live="", target=5)
    client.force_login(owner)
    client.post(reverse("leadership:meeting-new"))
    meeting = services.Meeting.objects.get()
    page = client.get(reverse("leadership:meeting", args=[meeting.pk])).content.decode()
    assert "Qualified leads" in page and "Sales &amp; marketing" in page
    client.post(reverse("leadership:meeting-act", args=[meeting.pk, "start"]), {"attendees": [owner.pk]})
    client.post(reverse("leadership:issue-raise"), {"title": "Onboarding takes 6 weeks"})
    issue = Issue.objects.get()
    refused = client.post(reverse("leadership:meeting-act", args=[meeting.pk, "solve"]),
                          {"issue": issue.pk, "todo": "Write the playbook"})  # a to-do needs an owner and a date
    assert refused.status_code == 400 and Issue.objects.get().status == Issue.Status.IDENTIFIED
    client.post(reverse("leadership:meeting-act", args=[meeting.pk, "solve"]), {
        "issue": issue.pk, "decision": "Onboarding follows one written playbook.", "todo": "Write the playbook",
        "owner": owner.pk, "due_on": "2026-09-14"})
    client.post(reverse("leadership:meeting-act", args=[meeting.pk, "conclude"]), {"rating": 9})
    pdf = client.get(reverse("leadership:minutes", args=[meeting.pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert pdf["Content-Type"] == "application/pdf"
    assert "Onboarding follows one written playbook." in text and "Write the playbook" in text and "9/10" in text
    client.post(reverse("leadership:minutes-email", args=[meeting.pk]))
    assert mail.outbox[-1].to == ["founder@msp.test"] and mail.outbox[-1].attachments[0][2] == "application/pdf"


def test_any_staff_member_raises_an_issue_but_only_the_leadership_team_runs_the_meeting(client):
    from bspos.clients.tests.factories import ContactFactory

    meeting = MeetingFactory()
    tech = UserFactory(role=Role.TECHNICIAN, first_name="Tia")
    client.force_login(tech)
    url = reverse("leadership:meeting", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(reverse("leadership:issue-raise"), {"title": "Backups fail on Fridays", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    issue = Issue.objects.get()
    assert (issue.title, issue.raised_by) == ("Backups fail on Fridays", tech)
    assert "Backups fail on Fridays" in client.get(url).content.decode()
    refused = client.post(reverse("leadership:issue-raise"), {"title": "   "})  # a blank title: nothing raised
    assert refused.status_code == 302 and Issue.objects.count() == 1
    for action, data in (("solve", {"issue": issue.pk, "decision": "x"}), ("start", {}), ("conclude", {"rating": 8}),
                         ("prioritise", {"issue": issue.pk, "priority": 1})):
        assert client.post(reverse("leadership:meeting-act", args=[meeting.pk, action]), data).status_code == 403
    issue.refresh_from_db()
    assert issue.status == Issue.Status.IDENTIFIED and issue.priority == 0
    client.force_login(ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT)).user)
    assert client.post(reverse("leadership:issue-raise"), {"title": "From a client"}).status_code == 404
    assert Issue.objects.count() == 1


def test_a_rock_is_marked_off_track_from_the_meeting(client):
    owner = UserFactory(role=Role.OWNER)
    meeting = MeetingFactory()  # September 2026: Q3
    plan = PlanFactory()
    rock = services.add_rock(plan=plan, quarter=3, title="Hire a dispatcher", owner=owner, by=owner)
    client.force_login(owner)
    page = client.get(reverse("leadership:meeting", args=[meeting.pk])).content.decode()
    assert "Hire a dispatcher" in page and "Mark off track" in page
    client.post(reverse("leadership:meeting-act", args=[meeting.pk, "rock"]), {"rock": rock.pk, "on_track": "0"})
    rock.refresh_from_db()
    assert rock.on_track is False


def test_a_weekly_number_is_entered_from_the_meeting_page_for_the_meetings_week(client):
    owner = UserFactory(role=Role.OWNER)
    metric = MetricFactory(live="", name="Qualified leads", target=5)
    meeting = MeetingFactory()  # Monday 7 September 2026
    client.force_login(owner)
    url = reverse("leadership:meeting", args=[meeting.pk])
    assert 'aria-label="This week\'s Qualified leads"' in client.get(url).content.decode()
    response = client.post(reverse("leadership:metric-enter", args=[metric.pk]),
                           {"value": "4", "week": "2026-09-07", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert metric.entries.get().week == date(2026, 9, 7) and metric.entries.get().value == 4
    client.post(reverse("leadership:metric-enter", args=[metric.pk]), {"value": "lots", "week": "2026-09-07"})
    assert metric.entries.get().value == 4


def test_ranked_issues_are_worked_first_and_unranked_ones_after_them():
    owner = UserFactory(role=Role.OWNER)
    unranked, second, first = IssueFactory(title="later"), IssueFactory(title="second"), IssueFactory(title="first")
    services.prioritise(second, priority=2, by=owner)
    services.prioritise(first, priority=1, by=owner)
    assert [i.title for i in Issue.objects.all()] == ["first", "second", "later"]
    assert unranked.priority == 0


def test_the_agenda_runs_on_the_clock_from_the_actual_start_and_an_issue_is_discussed_before_solved(client):
    owner = UserFactory(role=Role.OWNER)
    meeting = MeetingFactory()  # scheduled 09:00 UTC
    times = selectors.agenda_times(meeting)
    assert [s["minutes"] for s in times] == [5, 5, 5, 5, 5, 60, 5]
    assert times[0]["starts"] == meeting.scheduled_at and times[-1]["ends"] == meeting.scheduled_at + timedelta(
        minutes=90)
    services.start_meeting(meeting, attendees=[owner], by=owner, at=meeting.scheduled_at + timedelta(minutes=4))
    times = selectors.agenda_times(meeting)
    assert times[5]["name"].startswith("Issues") and times[5]["starts"] == datetime(2026, 9, 7, 9, 29, tzinfo=UTC)
    issue = IssueFactory(title="Quotes take a week")
    client.force_login(owner)
    client.post(reverse("leadership:meeting-act", args=[meeting.pk, "discuss"]), {"issue": issue.pk})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISCUSSED
    page = client.get(reverse("leadership:meeting", args=[meeting.pk])).content.decode()
    assert "Discussed" in page and "09:29" in page
