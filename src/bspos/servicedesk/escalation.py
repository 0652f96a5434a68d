"""The SLA job: at-risk and breach moments, the plans' escalation rules and the waiting-on-client follow-ups, each
fired once per ticket and threshold.

Finding what is due takes a constant number of queries, whatever the number of tickets: the stored due and at-risk
times bound each rule's threshold moment in SQL (a rule at or below the plan's at-risk share has crossed once the
at-risk time passed; any rule once the due time passed; one above the at-risk share cannot have crossed before
it), and only the rows the bounds cannot settle get the exact business-clock check in Python. A fired mark
(`SlaMark`, unique per ticket and key) is inserted with ignore-conflicts before acting, so two runs at once act
once. Actions go through the desk's services with `by=None` (the system).
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import BooleanField, Case, DateTimeField, Exists, F, FilteredRelation, OuterRef, Q, Value, When
from django.utils import timezone

from bspos.core.business_time import BusinessClock
from bspos.people.models import Role, User
from bspos.servicedesk import services, signals
from bspos.servicedesk.models import OPEN_STATUSES, SlaMark, Status, Ticket
from bspos.sla.models import Clock, EscalationRule, Priority, RaisePriority, SlaPlan
from bspos.sla.services import add_business_days, business_clock, threshold_minutes

logger = logging.getLogger(__name__)

AT_RISK, BREACHED, RULE, REMIND, RESOLVE = "at_risk", "breached", "rule", "remind", "resolve"


@dataclass
class Firing:
    """One threshold due on one ticket."""

    ticket: Ticket
    kind: str
    target: str = ""
    rule: EscalationRule | None = None
    paused_at: datetime | None = None  # the waiting period a reminder or auto-resolve belongs to
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.target = str(self.target)  # a plain "first_response" / "resolution" for the signals' receivers
        if self.kind == RULE:
            self.key = f"rule:{self.rule.pk}"
        elif self.kind in (REMIND, RESOLVE):
            self.key = f"waiting:{self.kind}:{self.paused_at.astimezone(UTC).isoformat()}"
        else:
            self.key = f"{self.target}:{self.kind}"


class Plans:
    """Every SLA plan with its calendar's clock, targets and rules, loaded in a fixed number of queries."""

    def __init__(self) -> None:
        plans = SlaPlan.objects.select_related("calendar").prefetch_related(
            "calendar__working_hours", "targets")  # business_clock reads closure days itself: one query per calendar
        self.plans = {plan.pk: plan for plan in plans}
        clocks: dict[int, BusinessClock] = {}
        for plan in self.plans.values():
            if plan.calendar_id not in clocks:
                clocks[plan.calendar_id] = business_clock(plan.calendar)
        self.clocks = {pk: clocks[plan.calendar_id] for pk, plan in self.plans.items()}
        self.targets = {(plan.pk, target.priority): target for plan in self.plans.values()
                        for target in plan.targets.all()}
        self.rules = EscalationRule.objects.select_related("notify_user", "reassign_to").in_bulk()


def _marked(key: str) -> Exists:
    return Exists(SlaMark.objects.filter(ticket=OuterRef("pk"), key=key))


def clock_moments(now: datetime) -> list[Firing]:
    """At-risk and breach moments passed on open tickets and not yet told, per target (with or without rules).

    The resolution clock stands still while waiting on the client: a paused ticket crossed a moment only if it
    did so before the pause began.
    """
    resolution_now = Case(When(sla_paused_at__isnull=False, then=F("sla_paused_at")), default=Value(now),
                          output_field=DateTimeField())
    conditions = {
        (Clock.FIRST_RESPONSE, AT_RISK): Q(first_response_at__isnull=True, first_response_warning_at__lte=now),
        (Clock.FIRST_RESPONSE, BREACHED): Q(first_response_at__isnull=True, first_response_due__lte=now),
        (Clock.RESOLUTION, AT_RISK): Q(resolution_warning_at__lte=F("resolution_now")),
        (Clock.RESOLUTION, BREACHED): Q(resolution_due__lte=F("resolution_now")),
    }
    # The marks are LEFT JOINed (at most one per ticket and key): the planner hashes them, where NOT EXISTS per row
    # would be costed high enough for PostgreSQL's JIT to cost more than the query itself.
    marks = {f"mark_{target}_{kind}": FilteredRelation("sla_marks", condition=Q(sla_marks__key=f"{target}:{kind}"))
             for target, kind in conditions}
    unmarked = {f"unmarked_{target}_{kind}": Case(When(Q(**{f"mark_{target}_{kind}": None}), then=Value(True)),
                                                  default=Value(False), output_field=BooleanField())
                for target, kind in conditions}
    passed = {f"due_{target}_{kind}": Case(When(condition & Q(**{f"unmarked_{target}_{kind}": True}),
                                                then=Value(True)), default=Value(False), output_field=BooleanField())
              for (target, kind), condition in conditions.items()}
    any_due = Q()
    for name in passed:
        any_due |= Q(**{name: True})
    tickets = (Ticket.objects.filter(status__in=OPEN_STATUSES, sla_plan__isnull=False)
               .annotate(resolution_now=resolution_now, **marks).annotate(**unmarked).annotate(**passed)
               .filter(any_due))
    return [Firing(ticket, kind, target) for ticket in tickets for target, kind in conditions
            if getattr(ticket, f"due_{target}_{kind}")]


def rules_crossed(now: datetime, plans: Plans) -> list[Firing]:
    """Escalation rules whose share of the target is used on an open ticket and that have not fired there yet."""
    rule = "sla_plan__escalation_rules"
    first_response = Q(rule_target=Clock.FIRST_RESPONSE)
    rows = (Ticket.objects.filter(status__in=OPEN_STATUSES, sla_plan__isnull=False)
            .annotate(rule_id=F(f"{rule}__id"), rule_target=F(f"{rule}__target"), rule_percent=F(f"{rule}__percent"),
                      at_risk_percent=F("sla_plan__at_risk_percent"))
            .filter(rule_id__isnull=False)
            .annotate(
                clock_now=Case(When(first_response, then=Value(now)),
                               When(sla_paused_at__isnull=False, then=F("sla_paused_at")),
                               default=Value(now), output_field=DateTimeField()),
                due=Case(When(first_response, then=F("first_response_due")), default=F("resolution_due")),
                warning=Case(When(first_response, then=F("first_response_warning_at")),
                             default=F("resolution_warning_at")))
            .filter(~Exists(SlaMark.objects.filter(ticket=OuterRef("pk"), rule=OuterRef("rule_id"))),
                    due__isnull=False)
            .filter(Q(rule_target=Clock.RESOLUTION) | Q(first_response_at__isnull=True))
            .filter(Q(rule_percent__lt=F("at_risk_percent"))
                    | Q(rule_percent__lt=100, warning__lte=F("clock_now"))
                    | Q(due__lte=F("clock_now"))))
    firings = []
    for ticket in rows:
        settled = ticket.due <= ticket.clock_now or (ticket.rule_percent <= ticket.at_risk_percent
                                                     and ticket.warning <= ticket.clock_now)
        if settled or threshold_moment(ticket, ticket.rule_target, ticket.rule_percent, plans) <= ticket.clock_now:
            firings.append(Firing(ticket, RULE, ticket.rule_target, rule=plans.rules[ticket.rule_id]))
    return firings


def threshold_moment(ticket: Ticket, target: str, percent: int, plans: Plans) -> datetime:
    """When `percent` of the ticket's target is used: the same arithmetic as `sla.services.compute_clocks`."""
    minutes = plans.targets[(ticket.sla_plan_id, ticket.priority)]
    if target == Clock.FIRST_RESPONSE:
        return plans.clocks[ticket.sla_plan_id].add(ticket.created_at,
                                                    threshold_minutes(minutes.first_response_minutes, percent))
    return plans.clocks[ticket.sla_plan_id].add(
        ticket.created_at, threshold_minutes(minutes.resolution_minutes, percent) + ticket.sla_paused_minutes)


def _waited(kind: str) -> Exists:
    """Done during the current wait: a mark of that kind fired since the wait began."""
    return Exists(SlaMark.objects.filter(ticket=OuterRef("pk"), key__startswith=f"waiting:{kind}:",
                                         fired_at__gte=OuterRef("sla_paused_at")))


def waiting_follow_ups(now: datetime, plans: Plans) -> list[Firing]:
    """Tickets waiting on the client long enough for their plan's reminder or auto-resolve, not yet done for this
    wait. Any reply from the client moves the ticket out of waiting (portal, mail), so still waiting = no answer."""
    steps: dict[int, list[tuple[str, int]]] = {}
    due = Q(pk__in=[])
    for plan in plans.plans.values():
        remind = plan.remind_after_days or 0
        steps[plan.pk] = [(kind, days) for kind, days in ((REMIND, plan.remind_after_days),
                                                          (RESOLVE, plan.resolve_after_days and
                                                           remind + plan.resolve_after_days)) if days]
        for kind, days in steps[plan.pk]:
            # N business days are at least N calendar days less an hour of daylight saving: a sound SQL bound.
            due |= Q(sla_plan=plan.pk, sla_paused_at__lte=now - timedelta(days=days, hours=-1), **{kind: False})
    waiting = (Ticket.objects.filter(status=Status.WAITING_ON_CLIENT, sla_paused_at__isnull=False)
               .annotate(**{REMIND: _waited(REMIND), RESOLVE: _waited(RESOLVE)}).filter(due))
    firings = []
    for ticket in waiting:
        clock = plans.clocks[ticket.sla_plan_id]
        for kind, days in steps[ticket.sla_plan_id]:
            if not getattr(ticket, kind) and add_business_days(clock, ticket.sla_paused_at, days) <= now:
                firings.append(Firing(ticket, kind, paused_at=ticket.sla_paused_at))
    return firings


def due_firings(now: datetime, plans: Plans | None = None) -> list[Firing]:
    """Everything the SLA job should fire now (constant number of queries)."""
    plans = plans or Plans()
    return [*clock_moments(now), *rules_crossed(now, plans), *waiting_follow_ups(now, plans)]


def run_sla_job(now: datetime | None = None) -> int:
    """Fire what is due: claim each mark (ignore-conflicts), then act on the claimed ones; the number fired."""
    now = now or timezone.now()
    plans = Plans()
    due = due_firings(now, plans)
    if not due:
        return 0
    run = uuid.uuid4().hex
    with transaction.atomic():
        # A concurrent run inserting the same marks waits on the unique index until this one commits, then skips.
        _insert_marks(due, run, now)
        claimed = set(SlaMark.objects.filter(run=run).values_list("ticket_id", "key"))
        fired = [firing for firing in due if (firing.ticket.pk, firing.key) in claimed]
        managers = list(User.objects.filter(role=Role.SERVICE_MANAGER, is_active=True).order_by("pk"))
        for firing in fired:
            try:
                with transaction.atomic():
                    _apply(firing, plans, managers, now)
            except Exception:  # one ticket's failure (mail server down, say) must not stop the others
                logger.exception("SLA job: %s on ticket #%s failed; retried next run", firing.key,
                                 firing.ticket.number)
                # Its changes were rolled back with the savepoint (and the signals' on_commit work with them).
                SlaMark.objects.filter(ticket=firing.ticket, key=firing.key).delete()
    return len(fired)


def _insert_marks(due: list[Firing], run: str, now: datetime) -> None:
    SlaMark.objects.bulk_create([SlaMark(ticket=f.ticket, key=f.key, rule=f.rule, run=run, fired_at=now)
                                 for f in due], ignore_conflicts=True, batch_size=2000)


def mark_as_fired(now: datetime) -> int:
    """Record everything due at `now` as fired without acting: for history loaded in bulk (the demo), whose past
    thresholds nobody needs telling about. Returns how many were due."""
    due = due_firings(now)
    _insert_marks(due, "history", now)
    return len(due)


def _apply(firing: Firing, plans: Plans, managers: list[User], now: datetime) -> None:
    ticket = (Ticket.objects.select_for_update(of=("self",))
              .select_related("sla_plan__calendar", "assignee", "contact").get(pk=firing.ticket.pk))
    if not ticket.is_open:
        return
    if firing.kind == AT_RISK:
        signals.sla_at_risk.send(sender=Ticket, ticket=ticket, target=firing.target)
    elif firing.kind == BREACHED:
        signals.sla_breached.send(sender=Ticket, ticket=ticket, target=firing.target)
        label = Clock(firing.target).label
        signals.sla_escalated.send(sender=Ticket, ticket=ticket, target=firing.target, percent=100, users=managers,
                                   text=f"{label} target of #{ticket.number} breached: {ticket.subject}")
    elif firing.kind == RULE:
        _escalate(ticket, firing, managers)
    elif ticket.status == Status.WAITING_ON_CLIENT and ticket.sla_paused_at == firing.paused_at:
        plan = plans.plans[ticket.sla_plan_id]
        if firing.kind == REMIND:
            _remind(ticket, plan)
        else:
            _auto_resolve(ticket, plan, now)


def raised_priority(current: int, how: str) -> int:
    """The priority after a rule's raise: one step up (P4 → P3 …) or to a level; never lowered."""
    if how == RaisePriority.ONE_STEP:
        return max(Priority.CRITICAL, current - 1)
    return min(current, int(how))


def _escalate(ticket: Ticket, firing: Firing, managers: list[User]) -> None:
    rule = firing.rule
    done = []
    if rule.reassign_to_id and rule.reassign_to.is_active and ticket.assignee_id != rule.reassign_to_id:
        services.update_ticket(ticket, assignee=rule.reassign_to, by=None)
        done.append(f"reassigned to {rule.reassign_to}")
    if rule.raise_priority:
        new = raised_priority(ticket.priority, rule.raise_priority)
        if new != ticket.priority:
            services.change_priority(ticket, priority=new, by=None)
            done.append(f"priority raised to {ticket.get_priority_display()}")
    users = [ticket.assignee] if rule.notify_assignee and ticket.assignee else []
    users += managers if rule.notify_managers else []
    users += [person for person in (rule.notify_user, rule.reassign_to) if person is not None and person.is_active]
    users = list({person.pk: person for person in users}.values())
    if users:
        done.append("told " + ", ".join(str(person) for person in users))
    text = (f"SLA escalation: {rule.percent}% of the {Clock(firing.target).label.lower()} target used"
            f"{' — ' + '; '.join(done) if done else ''}.")
    services.add_note(ticket, author=None, body=text, is_internal=True)
    signals.sla_escalated.send(sender=Ticket, ticket=ticket, target=firing.target, percent=rule.percent,
                               users=users, text=f"#{ticket.number} {ticket.subject}: {text}")


def _remind(ticket: Ticket, plan: SlaPlan) -> None:
    email = ticket.contact.email if ticket.contact else ""
    if not email:
        services.add_note(ticket, author=None, is_internal=True,
                          body="No reminder sent: the ticket has no contact with an email address.")
        return
    days = plan.remind_after_days
    EmailMessage(
        subject=f"Re: [#{ticket.number}] {ticket.subject}",
        body=(f"Hello {ticket.contact.first_name},\n\nWe are waiting for your reply on ticket "
              f"#{ticket.number} “{ticket.subject}” ({days} business day{'s' if days != 1 else ''} so far). "
              f"Reply to this email so we can carry on."
              + (f" Without a reply we will resolve the ticket in {plan.resolve_after_days} more business "
                 f"day{'s' if plan.resolve_after_days != 1 else ''}." if plan.resolve_after_days else "")),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[email],
    ).send()
    services.add_note(ticket, author=None, is_internal=True, body=f"Waiting-on-client reminder sent to {email}.")


def _auto_resolve(ticket: Ticket, plan: SlaPlan, now: datetime) -> None:
    days = (plan.remind_after_days or 0) + plan.resolve_after_days
    services.add_note(ticket, author=None, at=now, body=(
        f"We have not heard back from you for {days} business days, so we are resolving this ticket. "
        f"Reply to reopen it."))
    services.change_status(ticket, Status.RESOLVED, at=now, by=None, resolution=ticket.resolution or (
        f"Resolved without an answer from the client after {days} business days waiting."))
