"""Writes and rules of Strategic Business Reviews: the 90-day cadence, holding a review, recommendations that
become roadmap items, suggestions from evidence, and the calendar invite."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from bspos.audit.services import delete_audited, record, snapshot
from bspos.clients.models import Client, ClientStatus
from bspos.core.money import cents
from bspos.core.money import hours as to_hours
from bspos.core.services import absolute_url
from bspos.reviews import selectors
from bspos.reviews.models import (
    AGENDA,
    CADENCE_DAYS,
    MEETING_MINUTES,
    NextStep,
    Recommendation,
    RefreshPolicy,
    Review,
)
from bspos.servicedesk.models import TimeEntry
from bspos.vcio.models import RoadmapItem, RoadmapStatus
from bspos.vcio.work import project_for_item

RECURRING_HOURS = Decimal(8)  # a recurring issue that cost more than this in the period gets a recommendation
GAP_POINTS = Decimal(20)  # an assessment area this far below its target gets a recommendation
FIX_HOURS = Decimal(16)  # the effort assumed to remove a recurring issue's cause (two days), shown in the basis


def plan_reviews(*, clients=None) -> int:
    """Give every active client (of `clients`, ids or rows, when given) without an open review its next one: due
    90 days after the last review held (or the due date of the last one missed), else after onboarding, with the
    vCIO of the client's latest review, else its account manager. Idempotent: one planned review per client is a
    database rule, so a concurrent planner changes nothing.

    Called by what causes a review to be needed (a client becoming active, a review held or missed) and daily by
    `bspos plan-reviews`; never by a page or an API read."""
    active = Client.objects.filter(status=ClientStatus.ACTIVE)
    if clients is not None:
        active = active.filter(pk__in=[getattr(client, "pk", client) for client in clients])
    latest_vcio = (Review.objects.filter(client=OuterRef("pk"), vcio__isnull=False).order_by("-due_on", "-pk")
                   .values("vcio_id")[:1])
    rows = (active.exclude(Exists(Review.objects.filter(client=OuterRef("pk"), status=Review.Status.PLANNED)))
            .annotate(last_held=Max("reviews__held_on", filter=Q(reviews__status=Review.Status.HELD)),
                      last_missed=Max("reviews__due_on", filter=Q(reviews__status=Review.Status.MISSED)),
                      last_vcio=Subquery(latest_vcio))
            .values("pk", "account_manager_id", "client_since", "created_at", "last_held", "last_missed",
                    "last_vcio"))
    planned = []
    for client in rows:
        start = max(filter(None, [client["last_held"], client["last_missed"]]), default=None)
        start = start or client["client_since"] or timezone.localtime(client["created_at"]).date()
        planned.append(Review(client_id=client["pk"], vcio_id=client["last_vcio"] or client["account_manager_id"],
                              due_on=start + timedelta(days=CADENCE_DAYS)))
    Review.objects.bulk_create(planned, ignore_conflicts=True)  # a concurrent planner may have won for some
    return len(planned)


def plan_for_activated_client(sender, *, client: Client, previous: str, status: str, **kwargs) -> None:
    """`clients.signals.client_status_changed` receiver: a client that becomes active gets its first review."""
    if status == ClientStatus.ACTIVE and previous != ClientStatus.ACTIVE:
        plan_reviews(clients=[client])


def _planned(review: Review) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.status != Review.Status.PLANNED:
        raise ValidationError(f"This review is already {locked.get_status_display().lower()}.")
    return locked


def _after_last_held(review: Review, day: date, field: str) -> None:
    last = (Review.objects.filter(client_id=review.client_id, status=Review.Status.HELD).exclude(pk=review.pk)
            .aggregate(day=Max("held_on"))["day"])
    if last and day <= last:
        raise ValidationError({field: f"The previous review was held on {last:%d %b %Y}; this one must come after."})


@transaction.atomic
def schedule(review: Review, *, at: datetime, location: str = "", vcio=None, by=None) -> Review:
    """Put the meeting in the calendar; the data pack then covers the 90 days before it."""
    review = _planned(review)
    if timezone.is_naive(at):
        raise ValidationError({"scheduled_at": "Give the meeting time with its time zone."})
    _after_last_held(review, timezone.localtime(at).date(), "scheduled_at")
    before = snapshot(review)
    review.scheduled_at, review.location = at, location.strip()[:200]
    if vcio is not None:
        review.vcio = vcio
    review.save()
    record(by, review, before)
    return review


@transaction.atomic
def hold(review: Review, *, held_on: date, by=None, today: date | None = None) -> Review:
    """Record the meeting as held: the pack is frozen as presented and the next review falls due 90 days later."""
    review = _planned(review)
    today = today or timezone.localdate()
    if held_on > today:
        raise ValidationError({"held_on": "A review cannot be held in the future."})
    _after_last_held(review, held_on, "held_on")
    before = snapshot(review)
    review.status, review.held_on = Review.Status.HELD, held_on
    period = selectors.review_period(review, today)
    review.period_start, review.period_end = period.start, period.end
    review.pack = jsonable(selectors.data_pack(review, today))
    review.save()
    record(by, review, before)
    plan_reviews(clients=[review.client_id])  # the next one, 90 days after this meeting
    return review


@transaction.atomic
def mark_missed(review: Review, *, by=None) -> Review:
    """The meeting did not happen: it counts against completion; the cadence goes on from its due date."""
    review = _planned(review)
    before = snapshot(review)
    review.status = Review.Status.MISSED
    review.save()
    record(by, review, before)
    plan_reviews(clients=[review.client_id])  # the next one, 90 days after the missed due date
    return review


@transaction.atomic
def publish(review: Review, *, published: bool = True, by=None) -> Review:
    """Show (or withdraw) the held review's report to the client's contacts in the portal."""
    if review.status != Review.Status.HELD:
        raise ValidationError("Only a review that was held can be published to the client.")
    before = snapshot(review)
    review.published_at = timezone.now() if published else None
    review.save(update_fields=["published_at"])
    record(by, review, before)
    return review


@transaction.atomic
def save_refresh_policy(policy: RefreshPolicy, *, by=None) -> RefreshPolicy:
    """Add or change how long a kind of hardware lasts and what replacing it costs (default, or one client's)."""
    before = snapshot(RefreshPolicy.objects.get(pk=policy.pk)) if policy.pk else None
    policy.full_clean()
    policy.save()
    record(by, policy, before)
    return policy


@transaction.atomic
def delete_refresh_policy(policy: RefreshPolicy, *, by=None) -> None:
    delete_audited(policy, by)


def jsonable(value):
    """The pack as JSON: money and scores keep their exact digits as strings."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def update_agenda(review: Review, *, by=None, **fields) -> Review:
    """The notes of the meeting: goals, challenges, observations; kept for held reviews too."""
    allowed = {"business_goals", "business_challenges", "observations", "location"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    before = snapshot(review)
    for name, value in fields.items():
        setattr(review, name, (value or "").strip())
    review.full_clean()
    review.save()
    record(by, review, before)
    return review


@transaction.atomic
def save_recommendation(recommendation: Recommendation, *, by=None) -> Recommendation:
    """Add or change a recommendation; each needs a business problem, an ROI, an investment and a timeline."""
    if recommendation.review.status == Review.Status.MISSED:
        raise ValidationError("A missed review takes no recommendations; add them to the next one.")
    recommendation.full_clean()
    recommendation.quarter = recommendation.review.client.fiscal_quarter(recommendation.quarter).first
    if recommendation.pk is None and not recommendation.position:
        last = recommendation.review.recommendations.aggregate(n=Max("position"))["n"]
        recommendation.position = (last or 0) + 1
    before = snapshot(recommendation) if recommendation.pk else None
    recommendation.save()
    record(by, recommendation, before)
    return recommendation


@transaction.atomic
def decide(recommendation: Recommendation, decision: str, *, by=None) -> Recommendation:
    """Record the client's decision. Accepted: it becomes (or plans) a roadmap item; changed away from accepted:
    a roadmap item it created is cancelled unless work on it has started."""
    if decision not in Recommendation.Decision.values:
        raise ValidationError({"decision": f"Unknown decision “{decision}”."})
    recommendation = (Recommendation.objects.select_for_update(of=("self",)).select_related("review")
                      .get(pk=recommendation.pk))
    before = snapshot(recommendation)
    item = recommendation.roadmap_item
    if decision == Recommendation.Decision.ACCEPTED:
        recommendation.full_clean()  # a suggestion must be completed (problem, ROI, investment) before it is accepted
        if item is None:
            item = RoadmapItem.objects.create(
                client_id=recommendation.review.client_id, area=recommendation.area[:100],
                title=recommendation.title, quarter=recommendation.quarter, one_time=recommendation.one_time,
                monthly=recommendation.monthly, status=RoadmapStatus.PLANNED)
            recommendation.roadmap_item = item
        elif item.status in (RoadmapStatus.PROPOSED, RoadmapStatus.CANCELLED):
            item.status = RoadmapStatus.PLANNED
            item.save(update_fields=["status"])
    elif item is not None and item.status in (RoadmapStatus.PROPOSED, RoadmapStatus.PLANNED):
        came_from_assessment = recommendation.suggestion.startswith("roadmap-")  # the item existed before it
        item.status = RoadmapStatus.PROPOSED if came_from_assessment else RoadmapStatus.CANCELLED
        item.save(update_fields=["status"])
    recommendation.decision = decision
    recommendation.save()
    record(by, recommendation, before)
    return recommendation


def project_for_recommendation(*, recommendation: Recommendation, by=None):
    """One click: an accepted recommendation becomes a project through its roadmap item (`vcio.work`), so the
    review and the roadmap name the same one; the project links back to the review. Returns (project, created)."""
    if recommendation.decision != Recommendation.Decision.ACCEPTED:
        raise ValidationError(f"“{recommendation.title}” is {recommendation.get_decision_display().lower()}: only "
                              "an accepted recommendation becomes a project.")
    if recommendation.roadmap_item_id is None:
        raise ValidationError(f"“{recommendation.title}” is not on the roadmap any more: record “Accepted” again.")
    review = recommendation.review
    held = f"held {review.held_on:%-d %b %Y}" if review.held_on else "planned"
    parts = (recommendation.business_problem, recommendation.roi_basis,
             f"From the Strategic Business Review of {review.client.name} ({held}): "
             f"{absolute_url(reverse('reviews:review', args=[review.pk]))}")
    return project_for_item(item=recommendation.roadmap_item, by=by,
                            made_from=f"SBR recommendation “{recommendation.title}”",
                            made_from_url=reverse("reviews:review", args=[review.pk]) + "#recommendations",
                            description="\n\n".join(part for part in parts if part))


@transaction.atomic
def remove_recommendation(recommendation: Recommendation, *, by=None) -> None:
    """Drop a recommendation that is not on the roadmap; an accepted one must be decided otherwise first."""
    if recommendation.decision == Recommendation.Decision.ACCEPTED:
        raise ValidationError("An accepted recommendation is on the roadmap; change the decision first.")
    delete_audited(recommendation, by)


@transaction.atomic
def add_next_step(review: Review, *, description: str, owner: str, due_on: date | None, by=None) -> NextStep:
    step = NextStep(review=review, description=(description or "").strip(), owner=(owner or "").strip(),
                    due_on=due_on)
    step.full_clean()
    step.save()
    record(by, step, None)
    return step


@transaction.atomic
def set_step_done(step: NextStep, done: bool, *, by=None) -> NextStep:
    before = snapshot(step)
    step.done = done
    step.save(update_fields=["done"])
    record(by, step, before)
    return step


def previous_review(review: Review) -> Review | None:
    """The last review held before this one: its recommendations and next steps are this one's objectives."""
    return (Review.objects.filter(client_id=review.client_id, status=Review.Status.HELD)
            .exclude(pk=review.pk).filter(held_on__lte=review.held_on or review.due_on)
            .order_by("-held_on", "-pk").first())


def previous_objectives(review: Review) -> dict:
    """Carried over from the last SBR: its recommendations (decision and roadmap status) and next steps (done?)."""
    previous = previous_review(review)
    if previous is None:
        return {"review": None, "recommendations": [], "next_steps": []}
    return {"review": previous,
            "recommendations": list(previous.recommendations.select_related("roadmap_item")),
            "next_steps": list(previous.next_steps.all())}


# --- suggestions from evidence -------------------------------------------------------------------------------------


def suggestions(review: Review, pack: dict) -> list[Recommendation]:
    """Recommendations the data argues for; the vCIO edits them before the meeting."""
    quarter = review.client.fiscal_quarter(review.due_on if review.scheduled_at is None
                                           else timezone.localtime(review.scheduled_at).date()).next().first
    rate = Decimal(pack["hours"]["bill_rate"])
    per_year = Decimal(365) / Decimal(pack["period"]["days"])
    found: list[Recommendation] = []
    assets = pack["assets"]
    if assets["count"]:
        asset_hours = _asset_hours(review)
        found.append(Recommendation(
            suggestion="hardware-refresh", area="Continuous", quarter=quarter,
            title=f"Refresh {assets['count']} ageing device{'s' if assets['count'] != 1 else ''}",
            business_problem=(f"{assets['past_warranty']} device(s) are past warranty and {assets['end_of_life']} "
                              f"reach the end of their planned life by {assets['horizon']}: an unplanned failure "
                              "stops people working and is repaired at full cost."),
            one_time=Decimal(assets["refresh_estimate"]),
            roi=cents(asset_hours * rate * per_year),
            roi_basis=f"{asset_hours} h of support on these devices this period × {rate}/h, per year"))
    for row in pack["recurring"]["categories"]:
        hours = Decimal(row["hours"])
        if hours <= RECURRING_HOURS:
            continue
        found.append(Recommendation(
            suggestion=f"recurring-{row['key']}", area="Competent", quarter=quarter,
            title=f"Remove the cause of recurring {row['label'].lower()} issues",
            business_problem=(f"{row['tickets']} {row['label'].lower()} tickets took {hours} h in "
                              f"{pack['period']['days']} days: the same problem keeps interrupting work."),
            one_time=cents(FIX_HOURS * rate),
            roi=cents(hours * rate * per_year),
            roi_basis=f"{hours} h saved per period × {rate}/h, per year; fix assumed {FIX_HOURS} h"))
    latest = pack["assessments"][-1] if pack["assessments"] else None
    for gap in latest["gaps"] if latest else []:
        if Decimal(gap["gap"]) < GAP_POINTS:
            continue
        item = (RoadmapItem.objects.filter(client_id=review.client_id, area=gap["name"],
                                           status__in=selectors.OPEN_ROADMAP)
                .order_by("-priority", "quarter", "pk").first())
        found.append(Recommendation(
            suggestion=f"roadmap-{gap['code']}", area=gap["name"], quarter=item.quarter if item else quarter,
            title=item.title if item else f"Raise {gap['name']} from {gap['score']} to {gap['target']}",
            business_problem=(f"{gap['name']} scores {gap['score']} against a target of {gap['target']} in the "
                              f"{latest['name']}: a gap of {gap['gap']} points."),
            one_time=item.one_time if item else Decimal(0), monthly=item.monthly if item else Decimal(0),
            roadmap_item=item if item and not hasattr(item, "recommendation") else None,
            roi_basis="Risk reduced; put a figure on it with the client"))
    return found


def _asset_hours(review: Review) -> Decimal:
    period = selectors.review_period(review)
    due = selectors.ageing_asset_ids(review.client, period.end)
    minutes = TimeEntry.objects.filter(ticket__asset_id__in=due, started_at__gte=period.since,
                                       started_at__lt=period.until).aggregate(m=Sum("minutes"))["m"]
    return to_hours(minutes, "0.1")


@transaction.atomic
def add_suggestions(review: Review, *, by=None) -> int:
    """Add the evidence-based recommendations not already on the review (one per rule)."""
    if review.status != Review.Status.PLANNED:
        raise ValidationError("Suggestions are made before the meeting, on a planned review.")
    have = set(review.recommendations.exclude(suggestion="").values_list("suggestion", flat=True))
    last = review.recommendations.aggregate(n=Max("position"))["n"] or 0
    added = 0
    for recommendation in suggestions(review, selectors.data_pack(review)):
        if recommendation.suggestion in have:
            continue
        recommendation.review, recommendation.position = review, last + added + 1
        try:
            with transaction.atomic():
                recommendation.save()
        except IntegrityError:  # a roadmap item already tied to another recommendation: keep it unlinked
            recommendation.roadmap_item = None
            recommendation.pk = None
            recommendation.save()
        record(by, recommendation, None)
        added += 1
    return added


# --- the calendar invite -----------------------------------------------------------------------------------------


def invite(review: Review) -> bytes:
    """An iCalendar (RFC 5545) invite: 60 minutes from the scheduled time, the agenda in the description, the vCIO
    as organiser and the client's primary contacts as attendees."""
    from icalendar import Calendar, Event, vCalAddress, vText

    if review.scheduled_at is None:
        raise ValidationError("Schedule the meeting first: the invite needs a date and time.")
    organizer_email = review.vcio.email if review.vcio else ""
    attendees = review.client.contacts.filter(is_active=True, is_primary=True).exclude(email="").values_list(
        "email", flat=True)
    calendar = Calendar()
    calendar.add("prodid", "-//bspos//Strategic Business Review//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"sbr-{review.pk}@bspos")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", review.scheduled_at)
    event.add("dtend", review.scheduled_at + timedelta(minutes=MEETING_MINUTES))
    event.add("summary", f"Strategic Business Review: {review.client.name}")
    if review.location:
        event.add("location", review.location)
    lines = [f"Strategic Business Review with {review.client.name} ({MEETING_MINUTES} minutes)", "", "Agenda:"]
    lines += [f"- {title} ({minutes} min)" for _key, title, minutes in AGENDA]
    event.add("description", "\n".join(lines))
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        organizer.params["cn"] = vText(review.vcio.get_full_name() if review.vcio else organizer_email)
        event["organizer"] = organizer
    for email in attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
