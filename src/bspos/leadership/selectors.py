"""Reads for the leadership pages: live figures from the owner's scorecard selectors (never recomputed here),
the meeting's metrics, the conversations cadence and its completion, readiness evidence for e1-e4."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from bspos.core.dates import (
    add_months,
    month_span,
    month_start,
    previous_month,
    quarter_label,
    quarter_start,
    quarters_ending,
    week_start,
)
from bspos.core.money import maybe_places
from bspos.leadership.models import (
    MAX_ROCKS,
    MIN_ROCKS,
    Conversation,
    Hat,
    Meeting,
    Metric,
    MetricEntry,
    Plan,
    Rock,
    Todo,
)
from bspos.money import reports
from bspos.people.models import STAFF_ROLES, Role, User
from bspos.reviews import selectors as review_selectors
from bspos.reviews.models import Review
from bspos.scorecard import services as scorecard
from bspos.servicedesk.models import Ticket
from bspos.servicedesk.selectors import resolution_sla_met

SERIES_FIGURES = ("utilisation", "logo_churn", "escalation_rate", "scope_creep")  # per month in monthly_series


def metrics_window(day: date) -> list[date]:
    """The months a meeting on `day` reads its live figures over: the last complete month."""
    return [previous_month(month_start(day))]


def live_figures(months: list[date], today: date) -> dict[str, Decimal | None]:
    """Every live figure a metric can follow, over whole months, from the same selectors as the owner's page.

    The scorecard's figures (revenue per client, gross margin, tenure, sales cycle, founder hours) come from
    `scorecard.scorecard`; utilisation, churn, escalation and scope creep from `scorecard.monthly_series` (a
    one-month window reads that month's value); SLA met from the desk's own rule
    (`servicedesk.selectors.resolution_sla_met`, tickets resolved in the window); SBR completion from the reviews
    cadence's quarter.
    """
    margin = reports.margin_report(months)
    work, tickets = scorecard.work_by_person_month(months), scorecard.tickets_by_month(months)
    card = scorecard.scorecard(months, margin, today, work)
    figures: dict[str, Decimal | None] = {f.key: f.value for f in card["figures"]}
    series = scorecard.monthly_series(months, work, tickets)
    for key in SERIES_FIGURES:
        figures[key] = series[key].get(months[-1])
    since, until = month_span(months[0])[0], month_span(months[-1])[1]
    figures["sla_met"] = resolution_sla_met(Ticket.objects.all(), since, until)["rate"]
    sbr = review_selectors.completion_by_quarter(Review.objects.all(), today, quarters=1)
    figures["sbr_completion"] = sbr[-1]["rate"] if sbr else None
    return figures


def _metric_rows(metrics: list[Metric], figures: dict, entries: dict[int, Decimal]) -> list[dict]:
    rows = []
    for metric in metrics:
        value = figures.get(metric.live) if metric.live else entries.get(metric.pk)
        rows.append({"metric": metric, "value": value, "on_target": metric.on_target(value)})
    return rows


def frozen_figures(day: date) -> dict[str, str | None]:
    """The live figures a meeting on `day` reads, JSON-ready, to keep on the meeting as reviewed."""
    return {key: None if value is None else str(value)
            for key, value in live_figures(metrics_window(day), day).items()}


def hats_with_metrics(day: date, kept: dict | None = None) -> list[dict]:
    """Every hat with its success metrics for the week of `day`: value and on/off target, in a fixed number of
    queries whatever the number of hats (live figures once, the week's entered numbers once). `kept`: the
    figures a started meeting kept as reviewed, read instead of computing them again."""
    hats = list(Hat.objects.select_related("owner").prefetch_related("metrics"))
    metrics = [m for hat in hats for m in hat.metrics.all()]
    if kept:
        figures = {key: None if value is None else Decimal(value) for key, value in kept.items()}
    else:
        figures = live_figures(metrics_window(day), day) if any(m.live for m in metrics) else {}
    entries = dict(MetricEntry.objects.filter(metric__in=[m.pk for m in metrics if not m.live],
                                              week=week_start(day)).values_list("metric_id", "value"))
    return [{"hat": hat, "metrics": _metric_rows(list(hat.metrics.all()), figures, entries)} for hat in hats]


SCORECARD_WEEKS = 13  # a quarter of weeks, as on an EOS scorecard


def scorecard_weeks(today: date, weeks: int = SCORECARD_WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, ending with this week."""
    this_week = week_start(today)
    return [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weekly_scorecard(today: date, weeks: int = SCORECARD_WEEKS) -> dict:
    """Every hat's success metrics by week over the last 13 weeks, against target: an entered metric shows the
    number entered for that week; a live one the figure that week's meeting read — the figures it kept when it
    started, else the last complete month before the week's Monday (`metrics_window`, as of the last of those
    Mondays reading it) — so a row matches the meetings it was reviewed in. A fixed number of queries whatever
    the number of hats: the entries and the meetings once, the live figures once per month read and not kept."""
    mondays = scorecard_weeks(today, weeks)
    hats = list(Hat.objects.select_related("owner").prefetch_related("metrics"))
    metrics = [m for hat in hats for m in hat.metrics.all()]
    read = {monday: metrics_window(monday)[0] for monday in mondays}
    kept = {}  # a week whose meeting kept its figures shows exactly those
    if any(m.live for m in metrics):
        for scheduled, figures in Meeting.objects.filter(
                started_at__isnull=False, scheduled_at__date__gte=mondays[0]).exclude(figures={}).order_by(
                "scheduled_at").values_list("scheduled_at", "figures"):
            kept[week_start(timezone.localtime(scheduled).date())] = {
                key: None if value is None else Decimal(value) for key, value in figures.items()}
    as_of = {read[monday]: monday for monday in mondays if monday not in kept}  # the last Monday reading each month
    per_month = {month: live_figures([month], day) for month, day in as_of.items()} if any(
        m.live for m in metrics) else {}
    entered = {(e["metric_id"], e["week"]): e["value"] for e in MetricEntry.objects.filter(
        metric__in=[m.pk for m in metrics if not m.live], week__gte=mondays[0], week__lte=mondays[-1]).values(
        "metric_id", "week", "value")}
    rows = []
    for hat in hats:
        for metric in hat.metrics.all():
            cells = []
            for monday in mondays:
                if metric.live:
                    value = (kept[monday] if monday in kept else per_month[read[monday]]).get(metric.live)
                else:
                    value = entered.get((metric.pk, monday))
                cells.append({"week": monday, "value": value, "on_target": metric.on_target(value)})
            judged = [c for c in cells if c["on_target"] is not None]
            rows.append({"hat": hat, "metric": metric, "cells": cells,
                         "on_target": sum(1 for c in judged if c["on_target"]), "judged": len(judged)})
    return {"weeks": mondays, "rows": rows, "entered": [m for m in metrics if not m.live]}


def chart(hats: QuerySet[Hat] | None = None) -> dict:
    """The Hats Chart: every seat, how many hats each person wears, and whether the founder wears most."""
    hats = list((hats or Hat.objects.all()).select_related("owner").prefetch_related("metrics"))
    wearers: dict[int, dict] = {}
    for hat in hats:
        if hat.owner_id:
            wearers.setdefault(hat.owner_id, {"person": hat.owner, "hats": 0})["hats"] += 1
    people = sorted(wearers.values(), key=lambda w: -w["hats"])
    founder = next((w for w in people if w["person"].role == "owner"), None)
    founder_most = bool(founder and hats and founder["hats"] * 2 > len(hats))
    return {"hats": hats, "people": people, "founder": founder, "founder_most": founder_most,
            "unowned": [h for h in hats if not h.owner_id], "without_metrics": [h for h in hats if not h.metrics.all()]}


# --- one-on-ones and quarterly reviews ---------------------------------------------------------------------------

def direct_reports() -> QuerySet[User]:
    """The people held to a hat: active staff other than the owner wearing at least one (the owner holds their
    conversations)."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES, hats__isnull=False).exclude(
        role=Role.OWNER).distinct().order_by("first_name", "username")


def completion_rate(on_time: int, due: int) -> Decimal | None:
    """Share of conversations that fell due and were held on time, in percent to one place."""
    return maybe_places(Decimal(on_time * 100) / due, "0.1") if due else None


def completion_by_quarter(today: date, kind: str | None = None, quarters: int = 4) -> list[dict]:
    """Per quarter: conversations that fell due (or were held or missed), held on time, missed, and the rate."""
    starts = quarters_ending(today, quarters)
    rows = Conversation.objects.filter(Q(due_on__lt=today) | ~Q(status=Conversation.Status.PLANNED),
                                       due_on__gte=starts[0], due_on__lte=today)
    if kind:
        rows = rows.filter(kind=kind)
    held = Q(status=Conversation.Status.HELD)
    found = {}
    for row in rows.annotate(quarter=TruncQuarter("due_on")).values("quarter").annotate(
            due=Count("pk"), on_time=Count("pk", filter=held & Q(held_on__lte=F("due_on"))),
            missed=Count("pk", filter=Q(status=Conversation.Status.MISSED))):
        quarter = row["quarter"].date() if hasattr(row["quarter"], "date") else row["quarter"]
        found[quarter] = row
    result = []
    for start in starts:
        row = found.get(start, {"due": 0, "on_time": 0, "missed": 0})
        result.append({"quarter": start, "label": quarter_label(start), "due": row["due"], "on_time": row["on_time"],
                       "missed": row["missed"], "rate": completion_rate(row["on_time"], row["due"])})
    return result


def cadence(today: date) -> dict:
    """Next due and overdue conversations (planned ones past their due date are overdue)."""
    planned = Conversation.objects.filter(status=Conversation.Status.PLANNED).select_related("person", "manager")
    return {"overdue": list(planned.filter(due_on__lt=today)),
            "upcoming": list(planned.filter(due_on__gte=today, due_on__lte=today + timedelta(days=45)))}


def core_values() -> list[dict]:
    """The company's core values a review asks about ("core values lived"), from the foundation app; none set:
    each side answers in free text."""
    from bspos.foundation.models import CoreValue

    return [{"name": v.name, "description": v.behaviour} for v in CoreValue.objects.order_by("position", "name")]


def company_vision():
    """The foundation's current vision (BHAG, target date), shown at the top of the 365 plan."""
    from bspos.foundation.selectors import current_vision

    return current_vision()


def conversation_figures(conversation: Conversation, today: date) -> list[dict]:
    """The person's hats' metrics for each month of the period, against target, from the live figures."""
    months = [conversation.period_start] if conversation.kind == Conversation.Kind.ONE_ON_ONE else [
        add_months(conversation.period_start, i) for i in range(3)]
    months = [m for m in months if m < month_start(today)] or [previous_month(month_start(today))]
    metrics = list(Metric.objects.filter(hat__owner=conversation.person).select_related("hat"))
    per_month = {m: live_figures([m], today) for m in months} if any(x.live for x in metrics) else {}
    entered = {(e.metric_id, month_start(e.week)): e.value for e in MetricEntry.objects.filter(
        metric__in=metrics, week__gte=months[0], week__lt=add_months(months[-1], 1))}
    rows = []
    for metric in metrics:
        values = []
        for m in months:
            value = per_month[m].get(metric.live) if metric.live else entered.get((metric.pk, m))
            values.append({"month": m, "value": value, "on_target": metric.on_target(value)})
        rows.append({"metric": metric, "values": values})
    return rows


# --- the weekly meeting and the plan -----------------------------------------------------------------------------

def agenda_times(meeting: Meeting) -> list[dict]:
    """Each agenda section with the clock time it starts and ends: from the actual start once started, else from
    the scheduled time."""
    at = meeting.started_at or meeting.scheduled_at
    sections = []
    for name, minutes in meeting.agenda:
        sections.append({"name": name, "minutes": minutes, "starts": at, "ends": at + timedelta(minutes=minutes)})
        at += timedelta(minutes=minutes)
    return sections


def todo_completion(since: date, today: date) -> dict:
    """To-dos due in [since, today]: how many were done by their due date."""
    due = Todo.objects.filter(due_on__gte=since, due_on__lte=today).aggregate(
        due=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False, done_on__lte=F("due_on"))))
    return {**due, "rate": completion_rate(due["done"], due["due"])}


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def rocks_warning(count: int) -> str:
    if count < MIN_ROCKS:
        return f"Only {count} rock{'s' if count != 1 else ''} this quarter: a quarter needs 3 to 5."
    return ""


def quarter_close(plan: Plan, quarter: int) -> dict:
    """Done rate of a quarter's rocks and the rocks carried into the next quarter."""
    rocks = list(plan.rocks.filter(quarter=quarter).select_related("owner"))
    decided = [r for r in rocks if r.done is not None]
    done = sum(1 for r in decided if r.done)
    carried = list(Rock.objects.filter(carried_from__in=[r.pk for r in rocks]).select_related("plan"))
    return {"rocks": rocks, "done": done, "decided": len(decided),
            "rate": completion_rate(done, len(decided)), "carried": carried,
            "warning": rocks_warning(len(rocks)), "full": len(rocks) >= MAX_ROCKS}


def meetings_since(day: date) -> QuerySet[Meeting]:
    return Meeting.objects.filter(scheduled_at__date__gte=day, started_at__isnull=False)


def readiness_evidence(today: date) -> dict[str, tuple[int, str]]:
    """Suggested answers for the readiness statements e1-e4 and the evidence behind them."""
    suggestions: dict[str, tuple[int, str]] = {}
    hats = Hat.objects.aggregate(n=Count("pk", distinct=True),
                                 ready=Count("pk", distinct=True, filter=Q(owner__isnull=False, metrics__isnull=False)))
    if hats["n"]:
        ready = hats["ready"]
        score = 4 if ready >= 7 and ready == hats["n"] else 3 if ready >= 5 else 2 if ready >= 3 else 1
        suggestions["e1"] = (score, f"{ready} of {hats['n']} hats have an owner and a success metric.")
    quarters = [q for q in completion_by_quarter(today) if q["rate"] is not None]
    if quarters:
        last = quarters[-1]
        rate = float(last["rate"])
        suggestions["e2"] = (4 if rate >= 95 else 3 if rate >= 80 else 2 if rate >= 50 else 1 if rate else 0,
                             f"{last['rate']}% of the one-on-ones and reviews due in {last['label']} were held on "
                             f"time ({last['on_time']} of {last['due']}).")
    held = list(meetings_since(today - timedelta(weeks=8)).filter(ended_at__isnull=False).values_list(
        "started_at", "ended_at"))
    if held or Meeting.objects.exists():
        minutes = [(end - start).total_seconds() / 60 for start, end in held]
        average = round(sum(minutes) / len(minutes)) if minutes else 0
        long_enough = average >= 75
        score = 4 if len(held) >= 7 and long_enough else 3 if len(held) >= 6 else 2 if len(held) >= 4 else \
            1 if held else 0
        suggestions["e3"] = (score, f"{len(held)} leadership meetings held in the last 8 weeks, "
                                    f"{average} minutes on average.")
    year, quarter = quarter_of(today)
    plan = Plan.objects.filter(year=year).first()
    if plan is not None or Plan.objects.exists():
        rocks = plan.rocks.filter(quarter=quarter).count() if plan else 0
        one_page = bool(plan and (plan.vision or plan.goals.exists()))
        score = 4 if one_page and MIN_ROCKS <= rocks <= MAX_ROCKS else 2 if (one_page or rocks) else 0
        suggestions["e4"] = (score, f"The {year} plan {'has' if one_page else 'lacks'} a vision or goals and "
                                    f"{rocks} rocks this quarter.")
    return suggestions


def quarter_start_of(year: int, quarter: int) -> date:
    return quarter_start(date(year, 3 * quarter - 2, 1))


def now_local() -> date:
    return timezone.localdate()
