"""The demo MSP's leadership records: the Hats Chart with the founder wearing four hats, a year of weekly
meetings (issues solved, some carried from week to week), one-on-ones with some missed, a 365 plan with rocks
done and missed. Bulk inserts, choices from the builder's rng."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from bspos.core.dates import add_months, month_end, month_start, quarter_end, quarter_start, week_start
from bspos.leadership.models import (
    DEFAULT_AGENDA,
    DEFAULT_HATS,
    Conversation,
    Decision,
    Hat,
    Issue,
    Meeting,
    Metric,
    MetricEntry,
    Plan,
    Rock,
    Todo,
)
from bspos.leadership.selectors import frozen_figures, metrics_window

ISSUES = ["Tier 1 swamped on Mondays", "Onboarding takes six weeks", "Two clients below the pricing floor",
          "Backups of the dental practices unverified", "Founder still the escalation path", "Sales cycle creeping up",
          "Out-of-scope work not billed", "Technician turnover in tier 2", "Quoting takes too long",
          "SBRs slipping at the smaller clients", "Documentation gaps on firewall configs", "No referral system"]
ROCKS = ["Hire a service manager", "Raise every agreement above the floor", "Written onboarding playbook",
         "Referral programme live", "Standard stack at every client", "SBR with every client this quarter",
         "Founder under 45 hours a week", "Documented SOP for every recurring task", "Price review letters sent",
         "Second vCIO trained", "Lead magnet for law firms", "Close the books in 5 days"]


def load_demo_leadership(now: datetime, rng: random.Random, staff: dict) -> int:
    """Rows for the leadership pages; `staff` maps the demo's usernames to users."""
    owner, manager, vcio, finance = staff["owner"], staff["manager"], staff["vcio"], staff["finance"]
    for person in (manager, vcio):
        person.leadership_team = True
        person.save(update_fields=["leadership_team"])
    wearers = [owner, owner, manager, vcio, finance, owner, owner]  # the founder wears four of the seven
    Hat.objects.bulk_create([Hat(name=name, responsibilities=text, position=i, owner=wearers[i])
                             for i, (name, text) in enumerate(DEFAULT_HATS)])
    hats = list(Hat.objects.order_by("position"))
    metrics = [Metric(hat=hats[0], name="Founder hours per week", live="founder_hours", target=Decimal("45"),
                      direction="lower"),
               Metric(hat=hats[1], name="Qualified leads this week", live="", target=Decimal("3")),
               Metric(hat=hats[1], name="Sales cycle (weeks)", live="sales_cycle", target=Decimal("10"),
                      direction="lower"),
               Metric(hat=hats[2], name="Technician utilisation", live="utilisation", target=Decimal("70")),
               Metric(hat=hats[2], name="Escalation rate", live="escalation_rate", target=Decimal("10"),
                      direction="lower"),
               Metric(hat=hats[2], name="Resolution SLA met", live="sla_met", target=Decimal("90")),
               Metric(hat=hats[3], name="SBRs held on time", live="sbr_completion", target=Decimal("80")),
               Metric(hat=hats[3], name="Logo churn", live="logo_churn", target=Decimal("2"), direction="lower"),
               Metric(hat=hats[4], name="Gross margin", live="gross_margin", target=Decimal("55")),
               Metric(hat=hats[4], name="Revenue per client", live="revenue_per_client", target=Decimal("4500")),
               Metric(hat=hats[5], name="Open roles filled this week", live="", target=Decimal("1")),
               Metric(hat=hats[6], name="Out-of-scope share of ticket time", live="scope_creep", target=Decimal("5"),
                      direction="lower")]
    Metric.objects.bulk_create(metrics)
    entered = [m for m in Metric.objects.filter(live="")]
    today = timezone.localtime(now).date()
    first_monday = week_start(today) - timedelta(weeks=52)
    mondays = [first_monday + timedelta(weeks=w) for w in range(52)]
    MetricEntry.objects.bulk_create([MetricEntry(metric=m, week=monday, value=Decimal(rng.randrange(0, 6)))
                                     for m in entered for monday in mondays + [week_start(today)]])
    zone = timezone.get_current_timezone()
    meetings = []
    for monday in mondays:
        scheduled = datetime(monday.year, monday.month, monday.day, 9, 0, tzinfo=zone)
        if rng.random() < 0.06:  # a holiday week: no meeting
            meetings.append(Meeting(scheduled_at=scheduled, agenda=[list(s) for s in DEFAULT_AGENDA]))
            continue
        started = scheduled + timedelta(minutes=rng.choice([0, 0, 0, 2, 4, 12]))
        meetings.append(Meeting(scheduled_at=scheduled, agenda=[list(s) for s in DEFAULT_AGENDA], started_at=started,
                                ended_at=started + timedelta(minutes=rng.randrange(75, 96)),
                                rating=rng.choice([7, 8, 8, 9, 9, 10])))
    Meeting.objects.bulk_create(meetings)
    meetings = list(Meeting.objects.order_by("scheduled_at"))
    # The last 13 weeks' meetings kept the live figures they reviewed (as starting one does), one reading per
    # month read, so the weekly scorecard shows them without recomputing.
    since = week_start(today) - timedelta(weeks=12)
    recent = [m for m in meetings if m.started_at and timezone.localtime(m.scheduled_at).date() >= since]
    readings: dict = {}
    for meeting in recent:
        day = timezone.localtime(meeting.scheduled_at).date()
        month = metrics_window(day)[0]
        meeting.figures = readings[month] if month in readings else readings.setdefault(month, frozen_figures(day))
    Meeting.objects.bulk_update(recent, ["figures"])
    team = [owner, manager, vcio]
    Meeting.attendees.through.objects.bulk_create([
        Meeting.attendees.through(meeting_id=m.pk, user_id=u.pk) for m in meetings if m.started_at
        for u in team + ([finance] if rng.random() < 0.5 else [])])
    issues, solved_in = [], []
    for index, meeting in enumerate(meetings):
        if not meeting.started_at:
            continue
        for _ in range(rng.randrange(1, 4)):
            title = rng.choice(ISSUES)
            carried = rng.random() < 0.2 or index >= len(meetings) - 2  # some stay open, carried to next week
            issues.append(Issue(title=title, raised_by=rng.choice(team), priority=rng.randrange(1, 6),
                                status=Issue.Status.DISCUSSED if carried and index < len(meetings) - 2
                                else Issue.Status.IDENTIFIED if carried else Issue.Status.SOLVED,
                                solved_in=None if carried else meeting))
            solved_in.append(meeting)
    Issue.objects.bulk_create(issues)
    decisions, todos = [], []
    for issue in Issue.objects.filter(status=Issue.Status.SOLVED).select_related("solved_in"):
        day = timezone.localtime(issue.solved_in.scheduled_at).date()
        decisions.append(Decision(text=f"{issue.title}: agreed owner and fix, reviewed next week.", decided_on=day,
                                  meeting=issue.solved_in, issue=issue))
        due = day + timedelta(days=7)
        done = due - timedelta(days=rng.randrange(0, 5)) if rng.random() < 0.82 else None
        todos.append(Todo(title=f"Act on: {issue.title}", owner=rng.choice(team), due_on=due,
                          done_on=done if due <= today else None, issue=issue, meeting=issue.solved_in))
    Decision.objects.bulk_create(decisions)
    Todo.objects.bulk_create(todos)
    # Monthly one-on-ones and quarterly reviews for everyone wearing a hat other than the owner, some missed.
    conversations = []
    reports = [manager, vcio, finance]
    for months_back in range(12, -1, -1):
        start = month_start(add_months(today, -months_back))
        for person in reports:
            past = month_end(start) < today
            status = (Conversation.Status.MISSED if past and rng.random() < 0.15 else
                      Conversation.Status.HELD if past else Conversation.Status.PLANNED)
            conversations.append(Conversation(
                kind=Conversation.Kind.ONE_ON_ONE, person=person, manager=owner, period_start=start,
                due_on=month_end(start), status=status,
                held_on=month_end(start) - timedelta(days=rng.randrange(0, 10)) if status == "held" else None,
                person_working="Clear priorities from the weekly meeting." if status == "held" else "",
                manager_working="Figures on target most weeks." if status == "held" else ""))
            if start == quarter_start(start):
                q_past = quarter_end(start) < today
                conversations.append(Conversation(
                    kind=Conversation.Kind.QUARTERLY, person=person, manager=owner, period_start=start,
                    due_on=quarter_end(start), status="held" if q_past else "planned",
                    held_on=quarter_end(start) - timedelta(days=3) if q_past else None))
    Conversation.objects.bulk_create(conversations)
    # The 365 plan: this year's, with the quarters behind closed (rocks done and missed).
    plan = Plan.objects.create(year=today.year, vision="The trusted technology partner of 60 professional firms "
                                                       "in the region, at 60% gross margin, by 2030.")
    plan.goals.create(text="Gross margin at 55% or more", live="gross_margin", target=Decimal("55"))
    plan.goals.create(text="Founder at 45 hours a week or less", live="founder_hours", target=Decimal("45"),
                      direction="lower")
    plan.goals.create(text="Ten new ideal clients signed", target=Decimal("10"))
    current = (today.month - 1) // 3 + 1
    rocks, names = [], iter(rng.sample(ROCKS, len(ROCKS)))
    for quarter in range(1, current + 1):
        for _ in range(rng.randrange(3, 5) if quarter < current else 4):
            name = next(names, None) or rng.choice(ROCKS)
            done = (rng.random() < 0.7) if quarter < current else None
            rocks.append(Rock(plan=plan, quarter=quarter, title=name, owner=rng.choice(team),
                              on_track=done is not False and rng.random() < 0.8, done=done))
    Rock.objects.bulk_create(rocks)
    return len(meetings) + len(issues) + len(conversations) + len(rocks)
