"""Writes for the leadership tools: each validates, runs in a transaction and leaves an audit entry."""

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from bspos.audit.services import delete_audited, record, snapshot
from bspos.core.dates import week_start
from bspos.core.permissions import Can, can, is_client_contact
from bspos.leadership.models import (
    DEFAULT_AGENDA,
    DEFAULT_HATS,
    MAX_ROCKS,
    MEETING_MINUTES,
    Conversation,
    Decision,
    Goal,
    Hat,
    Issue,
    Meeting,
    Metric,
    MetricEntry,
    Plan,
    Rock,
    Todo,
)
from bspos.people.models import Role, User


def can_lead(user) -> bool:
    """The owner and the leadership team edit the Hats Chart, meetings, conversations and the plan."""
    return can(user, Can.DESK_READ) and (user.role == Role.OWNER or user.leadership_team)


def require_lead(user) -> None:
    if is_client_contact(user):
        raise Http404("Not found.")
    if not can_lead(user):
        raise PermissionDenied("Only the owner and the leadership team change this.")


def _save(instance, by, **fields):
    """Validate, save and audit one row: the history shows each field's value before → after."""
    before = snapshot(instance) if instance.pk else None  # taken before the fields change
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        record(by, instance, before)
    return instance


def _delete(instance, by) -> None:
    with transaction.atomic():
        delete_audited(instance, by)


# --- Hats Chart --------------------------------------------------------------------------------------------------

def create_default_hats(*, by=None) -> list[Hat]:
    """The seven core functions, when the chart is empty."""
    with transaction.atomic():
        if Hat.objects.exists():
            return list(Hat.objects.all())
        return [_save(Hat(), by, name=name, responsibilities=text, position=index)
                for index, (name, text) in enumerate(DEFAULT_HATS)]


def save_hat(hat: Hat | None = None, *, by=None, **fields) -> Hat:
    return _save(hat or Hat(), by, **fields)


def add_metric(*, hat: Hat, by=None, **fields) -> Metric:
    return _save(Metric(hat=hat), by, **fields)


def update_metric(metric: Metric, *, by=None, **fields) -> Metric:
    return _save(metric, by, **fields)


def delete_hat(hat: Hat, *, by=None) -> None:
    """A hat and its success metrics (and their weekly numbers) go; the history keeps what they were."""
    with transaction.atomic():
        for metric in hat.metrics.all():
            delete_audited(metric, by)
        delete_audited(hat, by)


def delete_metric(metric: Metric, *, by=None) -> None:
    _delete(metric, by)


def enter_metric(*, metric: Metric, week: date, value, by=None) -> MetricEntry:
    if metric.live:
        raise ValidationError({"metric": "This metric follows a live figure; there is nothing to enter."})
    entry = MetricEntry.objects.filter(metric=metric, week=week_start(week)).first() or MetricEntry(
        metric=metric, week=week_start(week))
    return _save(entry, by, value=value)


def enter_week_numbers(*, week: date, values: dict[Metric, object], by=None) -> list[MetricEntry]:
    """The week's numbers for several entered metrics at once, all or nothing; a blank leaves a metric as it was."""
    with transaction.atomic():
        return [enter_metric(metric=metric, week=week, value=value, by=by)
                for metric, value in values.items() if value is not None]


# --- the weekly meeting ------------------------------------------------------------------------------------------

def validate_agenda(agenda: list) -> list[list]:
    """Sections with whole minutes, summing to the 90-minute meeting."""
    try:
        sections = [[str(name).strip(), int(minutes)] for name, minutes in agenda]
    except (TypeError, ValueError) as error:
        raise ValidationError({"agenda": "Each section needs a name and its minutes."}) from error
    if not sections or any(not name or minutes <= 0 for name, minutes in sections):
        raise ValidationError({"agenda": "Each section needs a name and more than 0 minutes."})
    total = sum(minutes for _, minutes in sections)
    if total != MEETING_MINUTES:
        raise ValidationError({"agenda": f"The sections add up to {total} minutes; the meeting is "
                                         f"{MEETING_MINUTES}."})
    return sections


def schedule_meeting(*, scheduled_at: datetime, agenda: list | None = None, by=None) -> Meeting:
    """A meeting with its agenda; it reads its live figures now, so its page opens without computing them."""
    from bspos.leadership.selectors import frozen_figures

    sections = validate_agenda(agenda if agenda is not None else [list(s) for s in DEFAULT_AGENDA])
    return _save(Meeting(), by, scheduled_at=scheduled_at, agenda=sections,
                 figures=frozen_figures(timezone.localtime(scheduled_at).date()))


def refresh_figures(meeting: Meeting, *, by=None) -> Meeting:
    """Read the live figures again (before or during the meeting; the minutes keep the last reading)."""
    from bspos.leadership.selectors import frozen_figures

    if meeting.ended_at:
        raise ValidationError("This meeting has ended: its minutes keep the figures it reviewed.")
    return _save(meeting, by, figures=frozen_figures(timezone.localtime(meeting.scheduled_at).date()))


def start_meeting(meeting: Meeting, *, attendees: list[User], by=None, at: datetime | None = None) -> Meeting:
    """Start the clock and take the register; the live figures are kept as reviewed, so the page and the minutes
    show what the meeting discussed even if last month's data changes later."""
    from bspos.leadership.selectors import frozen_figures

    if meeting.ended_at:
        raise ValidationError("This meeting has ended.")
    fields = {"started_at": meeting.started_at or at or timezone.now()}
    if not meeting.started_at:
        fields["figures"] = frozen_figures(timezone.localtime(meeting.scheduled_at).date())
    with transaction.atomic():
        meeting = _save(meeting, by, **fields)
        meeting.attendees.set(attendees)
    return meeting


def save_headlines(meeting: Meeting, *, notes: str, by=None) -> Meeting:
    """The headlines (client and staff news, good or bad, in a sentence each) and notes, kept in the minutes."""
    if meeting.ended_at:
        raise ValidationError("This meeting has ended.")
    return _save(meeting, by, notes=notes.strip())


def finish_meeting(meeting: Meeting, *, rating: int, by=None, at: datetime | None = None) -> Meeting:
    if not meeting.started_at:
        raise ValidationError("Start the meeting before concluding it.")
    if not 1 <= int(rating) <= 10:
        raise ValidationError({"rating": "Rate the meeting from 1 to 10."})
    return _save(meeting, by, rating=int(rating), ended_at=meeting.ended_at or at or timezone.now())


def raise_issue(*, title: str, detail: str = "", by=None) -> Issue:
    return _save(Issue(raised_by=by), by, title=title.strip(), detail=detail)


def prioritise(issue: Issue, *, priority: int, by=None) -> Issue:
    if issue.status == Issue.Status.SOLVED:
        raise ValidationError("This issue is solved.")
    return _save(issue, by, priority=max(int(priority), 0))


def discuss(issue: Issue, *, by=None) -> Issue:
    if issue.status == Issue.Status.SOLVED:
        raise ValidationError("This issue is solved.")
    return _save(issue, by, status=Issue.Status.DISCUSSED)


def solve_issue(issue: Issue, *, meeting: Meeting | None, decision: str = "", todos: list[dict] | None = None,
                by=None, today: date | None = None) -> Issue:
    """Identify → discuss → solve: the solution is a decision, to-dos with owners and due dates, or both."""
    todos = [t for t in (todos or []) if (t.get("title") or "").strip()]
    decision = (decision or "").strip()
    if issue.status == Issue.Status.SOLVED:
        raise ValidationError("This issue is solved already.")
    if not decision and not todos:
        raise ValidationError({"decision": "Solving an issue records a decision, a to-do, or both."})
    for todo in todos:
        if not todo.get("owner") or not todo.get("due_on"):
            raise ValidationError({"todos": "Every to-do needs an owner and a due date."})
    today = today or timezone.localdate()
    with transaction.atomic():
        issue = _save(issue, by, status=Issue.Status.SOLVED, solved_in=meeting)
        if decision:
            _save(Decision(issue=issue, meeting=meeting), by, text=decision, decided_on=today)
        for todo in todos:
            _save(Todo(issue=issue, meeting=meeting), by, title=todo["title"].strip(), owner=todo["owner"],
                  due_on=todo["due_on"])
    return issue


def record_decision(*, text: str, meeting: Meeting | None = None, by=None, today: date | None = None) -> Decision:
    return _save(Decision(meeting=meeting), by, text=text.strip(), decided_on=today or timezone.localdate())


def complete_todo(todo: Todo, *, by=None, today: date | None = None) -> Todo:
    return _save(todo, by, done_on=todo.done_on or today or timezone.localdate())


def email_minutes(meeting: Meeting, pdf: bytes) -> int:
    """The minutes PDF to every attendee with an email address (through the outbox)."""
    from django.core.mail import EmailMessage

    addresses = [u.email for u in meeting.attendees.all() if u.email]
    if not addresses:
        return 0
    message = EmailMessage(f"Leadership meeting minutes, {timezone.localtime(meeting.scheduled_at):%Y-%m-%d}",
                           "The minutes of this week's leadership meeting are attached: the decisions, the to-dos "
                           "with their owners and due dates, and the rating.", to=addresses)
    message.attach(f"minutes-{meeting.scheduled_at:%Y-%m-%d}.pdf", pdf, "application/pdf")
    message.send()
    return len(addresses)


# --- one-on-ones and quarterly reviews ---------------------------------------------------------------------------

def schedule_conversation(*, kind: str, person: User, period_start: date, manager=None, by=None) -> Conversation:
    """A 1:1 falls due at the end of its month, a quarterly review at the end of its quarter."""
    from bspos.core.dates import month_end, month_start, quarter_end, quarter_start

    start = month_start(period_start) if kind == Conversation.Kind.ONE_ON_ONE else quarter_start(period_start)
    due = month_end(start) if kind == Conversation.Kind.ONE_ON_ONE else quarter_end(start)
    existing = Conversation.objects.filter(kind=kind, person=person, period_start=start).first()
    if existing:
        return existing
    return _save(Conversation(), by, kind=kind, person=person, period_start=start, due_on=due,
                 manager=manager or by)


def hold_conversation(conversation: Conversation, *, held_on: date, by=None, **answers) -> Conversation:
    allowed = {"person_working", "person_not_working", "person_values", "manager_working", "manager_not_working",
               "manager_values"}
    return _save(conversation, by, status=Conversation.Status.HELD, held_on=held_on,
                 **{k: v for k, v in answers.items() if k in allowed})


def prepare_conversation(conversation: Conversation, *, by=None, **answers) -> Conversation:
    allowed = {"person_working", "person_not_working", "person_values", "manager_working", "manager_not_working",
               "manager_values"}
    return _save(conversation, by, **{k: v for k, v in answers.items() if k in allowed})


def miss_conversation(conversation: Conversation, *, by=None) -> Conversation:
    return _save(conversation, by, status=Conversation.Status.MISSED)


# --- the 365 plan ------------------------------------------------------------------------------------------------

def plan_for(year: int, *, by=None) -> Plan:
    plan = Plan.objects.filter(year=year).first()
    return plan or _save(Plan(), by, year=year)


def save_vision(plan: Plan, *, vision: str, by=None) -> Plan:
    return _save(plan, by, vision=vision)


def add_goal(*, plan: Plan, by=None, **fields) -> Goal:
    return _save(Goal(plan=plan), by, **fields)


def update_goal(goal: Goal, *, by=None, **fields) -> Goal:
    allowed = {"text", "live", "target", "direction"}
    return _save(goal, by, **{k: v for k, v in fields.items() if k in allowed})


def delete_goal(goal: Goal, *, by=None) -> None:
    _delete(goal, by)


def add_rock(*, plan: Plan, quarter: int, title: str, owner: User, by=None, carried_from: Rock | None = None) -> Rock:
    """A quarter holds at most five rocks (seed 000: 3-5); the sixth is refused."""
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one rock count at a time per plan
        if plan.rocks.filter(quarter=quarter).count() >= MAX_ROCKS:
            raise ValidationError({"quarter": f"Q{quarter} already has {MAX_ROCKS} rocks: a quarter holds 3 to 5. "
                                              "Finish or drop one first."})
        return _save(Rock(plan=plan, carried_from=carried_from), by, quarter=quarter, title=title.strip(),
                     owner=owner)


def update_rock(rock: Rock, *, by=None, **fields) -> Rock:
    allowed = {"title", "owner", "on_track", "done"}
    fields = {k: v for k, v in fields.items() if k in allowed}
    if isinstance(fields.get("title"), str):
        fields["title"] = fields["title"].strip()
    return _save(rock, by, **fields)


def delete_rock(rock: Rock, *, by=None) -> None:
    """A rock entered by mistake; a rock carried on from it stays (it no longer points back)."""
    _delete(rock, by)


def close_quarter(*, plan: Plan, quarter: int, by=None) -> list[Rock]:
    """Rocks not done are marked so and carried into the next quarter (the next year's Q1 after Q4)."""
    carried = []
    with transaction.atomic():
        for rock in plan.rocks.filter(quarter=quarter).select_related("owner"):
            if rock.done is None:
                update_rock(rock, by=by, done=False)
            if rock.done is False:
                target_plan, target_q = (plan, quarter + 1) if quarter < 4 else (plan_for(plan.year + 1, by=by), 1)
                if not Rock.objects.filter(carried_from=rock).exists():
                    carried.append(add_rock(plan=target_plan, quarter=target_q, title=rock.title, owner=rock.owner,
                                            by=by, carried_from=rock))
    return carried


def next_monday_at(day: date, hour: int = 9) -> datetime:
    monday = week_start(day) + timedelta(days=7)
    return timezone.make_aware(datetime(monday.year, monday.month, monday.day, hour))
