"""REST endpoints for Strategic Business Reviews: the cadence, one review with its data pack, scheduling, holding,
recommendations and decisions, next steps, completion per quarter and the invite. Staff read; owner and vCIO write."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.clients.models import Client
from bspos.core.api import MAX_ID, Id, Moment, Pages, money, staff_read, staff_write, text
from bspos.core.dates import parse_month
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.reviews import selectors, services, summary
from bspos.reviews.filters import ReviewFilter
from bspos.reviews.forecast import budget_forecast, for_json
from bspos.reviews.lifecycle import WINDOWS, lifecycle_report
from bspos.reviews.models import NextStep, PlanSettings, Recommendation, Review

router = Router(tags=["reviews"])
PathId = Path(..., ge=1, le=MAX_ID)


class ReviewOut(Schema):
    id: int
    client_id: int
    client: str
    vcio_id: int | None
    status: str
    due_on: date
    scheduled_at: str | None
    location: str
    held_on: date | None
    on_time: bool
    published: bool


def _row(review: Review) -> dict:
    return {"id": review.pk, "client_id": review.client_id, "client": review.client.name,
            "vcio_id": review.vcio_id, "status": review.status, "due_on": review.due_on,
            "scheduled_at": review.scheduled_at.isoformat() if review.scheduled_at else None,
            "location": review.location, "held_on": review.held_on, "on_time": review.on_time,
            "published": review.published_at is not None}


class RecommendationOut(Schema):
    id: int
    title: str
    area: str
    business_problem: str
    roi: Decimal
    roi_basis: str
    one_time: Decimal
    monthly: Decimal
    quarter: date
    decision: str
    suggestion: str
    roadmap_item_id: int | None


class NextStepOut(Schema):
    id: int
    description: str
    owner: str
    due_on: date
    done: bool


class ReviewDetailOut(ReviewOut):
    business_goals: str
    business_challenges: str
    observations: str
    recommendations: list[RecommendationOut]
    next_steps: list[NextStepOut]


def _detail(review: Review) -> dict:
    return {**_row(review), "business_goals": review.business_goals,
            "business_challenges": review.business_challenges, "observations": review.observations,
            "recommendations": list(review.recommendations.all()), "next_steps": list(review.next_steps.all())}


def _review(request, review_id: int) -> Review:
    return get_object_or_404(selectors.reviews_for(request.user), pk=review_id)


ReviewQuery = query_schema(ReviewFilter, "ReviewQuery")


@router.get("/reviews", response=list[ReviewOut])
@paginate(Pages)
def list_reviews(request, filters: Query[ReviewQuery]):
    """The cadence (`show`, default all planned): every active client has its next review (planned when it becomes
    active, when a review is held or missed, and daily by `bspos plan-reviews`)."""
    staff_read(request)
    reviews = api_filter(ReviewFilter, request, selectors.reviews_for(request.user))
    rows = selectors.cadence_list(reviews, filters.show or "planned", timezone.localdate())
    return [_row(review) for review in rows]


class QuarterOut(Schema):
    quarter: date
    label: str
    due: int
    on_time: int
    late: int
    missed: int
    rate: Decimal | None
    meets_line: bool


@router.get("/reviews/completion", response=list[QuarterOut])
def completion(request, quarters: Annotated[int, Field(ge=1, le=20)] = 4, vcio: Id | None = None):
    """Held on time ÷ due, per quarter a review fell due or was held, whichever is earlier (the line is 80%)."""
    staff_read(request)
    reviews = selectors.reviews_for(request.user)
    if vcio:
        reviews = reviews.filter(vcio_id=vcio)
    return selectors.completion_by_quarter(reviews, timezone.localdate(), quarters)


@router.get("/reviews/{review_id}", response=ReviewDetailOut)
def get_review(request, review_id: int = PathId):
    staff_read(request)
    return _detail(_review(request, review_id))


@router.get("/reviews/{review_id}/pack", response=dict)
def get_pack(request, review_id: int = PathId):
    """The data pack: frozen as presented once held, else computed now."""
    staff_read(request)
    return services.jsonable(selectors.pack_of(_review(request, review_id)))


@router.get("/reviews/{review_id}/invite.ics")
def get_invite(request, review_id: int = PathId):
    staff_read(request)
    return HttpResponse(services.invite(_review(request, review_id)), content_type="text/calendar; charset=utf-8")


class ScheduleIn(Schema):
    scheduled_at: Moment
    location: text(200) = ""


@router.post("/reviews/{review_id}/schedule", response=ReviewDetailOut)
def schedule(request, payload: ScheduleIn, review_id: int = PathId):
    staff_write(request, Can.VCIO)
    return _detail(services.schedule(_review(request, review_id), at=payload.scheduled_at, location=payload.location,
                                     by=request.user))


class HoldIn(Schema):
    held_on: date


@router.post("/reviews/{review_id}/hold", response=ReviewDetailOut)
def hold(request, payload: HoldIn, review_id: int = PathId):
    """Record the meeting as held: the pack is frozen and the next review falls due 90 days later."""
    staff_write(request, Can.VCIO)
    return _detail(services.hold(_review(request, review_id), held_on=payload.held_on, by=request.user))


@router.post("/reviews/{review_id}/missed", response=ReviewDetailOut)
def missed(request, review_id: int = PathId):
    staff_write(request, Can.VCIO)
    return _detail(services.mark_missed(_review(request, review_id), by=request.user))


class PublishIn(Schema):
    published: bool = True


@router.post("/reviews/{review_id}/publish", response=ReviewDetailOut)
def publish(request, payload: PublishIn, review_id: int = PathId):
    staff_write(request, Can.VCIO)
    return _detail(services.publish(_review(request, review_id), published=payload.published, by=request.user))


class AgendaIn(Schema):
    business_goals: text(10_000) | None = None
    business_challenges: text(10_000) | None = None
    observations: text(10_000) | None = None


@router.patch("/reviews/{review_id}", response=ReviewDetailOut)
def update_agenda(request, payload: AgendaIn, review_id: int = PathId):
    staff_write(request, Can.VCIO)
    fields = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    return _detail(services.update_agenda(_review(request, review_id), by=request.user, **fields))


@router.post("/reviews/{review_id}/suggestions", response=ReviewDetailOut)
def suggest(request, review_id: int = PathId):
    """Add the recommendations the data argues for (each rule once)."""
    staff_write(request, Can.VCIO)
    review = _review(request, review_id)
    services.add_suggestions(review, by=request.user)
    return _detail(review)


class RecommendationIn(Schema):
    title: text(300, min_length=1)
    area: text(100, min_length=1) = "General"
    business_problem: text(5000) = ""
    roi: money(12) = Decimal("0")
    roi_basis: text(300) = ""
    one_time: money(12) = Decimal("0")
    monthly: money(12) = Decimal("0")
    quarter: date


@router.post("/reviews/{review_id}/recommendations", response={201: RecommendationOut})
def add_recommendation(request, payload: RecommendationIn, review_id: int = PathId):
    staff_write(request, Can.VCIO)
    recommendation = Recommendation(review=_review(request, review_id), **payload.dict())
    return Status(201, services.save_recommendation(recommendation, by=request.user))


class DecisionIn(Schema):
    decision: Recommendation.Decision


@router.post("/recommendations/{recommendation_id}/decision", response=RecommendationOut)
def decide(request, payload: DecisionIn, recommendation_id: int = PathId):
    """Accepted: onto the roadmap; moved away from accepted: the roadmap item it created is cancelled."""
    staff_write(request, Can.VCIO)
    recommendation = get_object_or_404(Recommendation.objects.visible_to(request.user), pk=recommendation_id)
    return services.decide(recommendation, payload.decision, by=request.user)


class NextStepIn(Schema):
    description: text(300, min_length=1)
    owner: text(100, min_length=1)
    due_on: date


@router.post("/reviews/{review_id}/next-steps", response={201: NextStepOut})
def add_next_step(request, payload: NextStepIn, review_id: int = PathId):
    staff_write(request, Can.VCIO)
    return Status(201, services.add_next_step(_review(request, review_id), by=request.user, **payload.dict()))


class DoneIn(Schema):
    done: bool


@router.post("/next-steps/{step_id}/done", response=NextStepOut)
def step_done(request, payload: DoneIn, step_id: int = PathId):
    staff_write(request, Can.VCIO)
    step = get_object_or_404(NextStep.objects.visible_to(request.user), pk=step_id)
    return services.set_step_done(step, payload.done, by=request.user)


# --- a client's plan: lifecycle, budget forecast, plan settings, the monthly summary -------------------------------

def _company(request, client_id: int) -> Client:
    staff_read(request)
    return get_object_or_404(Client, pk=client_id)


class DeviceOut(Schema):
    id: int
    name: str
    asset_type: str
    purchased_on: date | None
    warranty_expires: date | None
    age_months: int | None
    replace_by: date | None
    days_left: int | None
    state: str
    estimate: Decimal


class LifecycleOut(Schema):
    window: str
    count: int
    estimate: Decimal
    past_due: int
    unknown: int
    unknown_estimate: Decimal
    page: int
    pages: int
    devices: list[DeviceOut]


@router.get("/clients/{client_id}/lifecycle", response=LifecycleOut)
def get_lifecycle(request, client_id: int = PathId, window: Literal[tuple(WINDOWS)] = "all",
                  page: Annotated[int, Field(ge=1, le=100_000)] = 1):
    """Every device in use with its age, warranty end, replace-by date and estimated cost, soonest first; `window`
    past_due, 90, 180 or 365 (days ahead, past due included); devices without a purchase date are in every window
    with `state` unknown. 100 devices a page."""
    report = lifecycle_report(_company(request, client_id), window=window, today=timezone.localdate(), page=page,
                              page_size=100)
    return {**report, "page": report["page"].number, "pages": report["page"].paginator.num_pages,
            "devices": [{**vars(d), "id": d.pk, "state": d.state} for d in report["devices"]]}


class ForecastQuarterOut(Schema):
    label: str
    span: str
    first: date
    agreements: Decimal
    one_time: Decimal
    monthly: Decimal
    hardware: Decimal
    devices: int
    total: Decimal


class ForecastYearOut(Schema):
    label: str
    first: date
    last: date
    agreements: Decimal
    one_time: Decimal
    monthly: Decimal
    hardware: Decimal
    total: Decimal


class UnknownDevicesOut(Schema):
    count: int
    estimate: Decimal


class ForecastOut(Schema):
    renewal_increase: Decimal
    quarters: list[ForecastQuarterOut]
    years: list[ForecastYearOut]
    total: Decimal
    unknown_devices: UnknownDevicesOut


@router.get("/clients/{client_id}/forecast", response=ForecastOut)
def get_forecast(request, client_id: int = PathId):
    """Three fiscal years of the client by quarter: agreements as they renew, approved roadmap items, hardware
    replacements from the lifecycle report."""
    return for_json(budget_forecast(_company(request, client_id), today=timezone.localdate()))


class PlanSettingsOut(Schema):
    renewal_increase: Decimal
    monthly_summary: bool


class PlanSettingsIn(Schema):
    renewal_increase: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None = None
    monthly_summary: bool | None = None


@router.get("/clients/{client_id}/plan-settings", response=PlanSettingsOut)
def get_plan_settings(request, client_id: int = PathId):
    company = _company(request, client_id)
    return PlanSettings.objects.filter(client=company).first() or PlanSettings(client=company)


@router.patch("/clients/{client_id}/plan-settings", response=PlanSettingsOut)
def update_plan_settings(request, payload: PlanSettingsIn, client_id: int = PathId):
    """The price rise at each agreement renewal (the forecast) and the monthly summary opt-in."""
    company = _company(request, client_id)
    staff_write(request, Can.VCIO)
    fields = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    return summary.update_plan_settings(company, by=request.user, **fields)


@router.get("/clients/{client_id}/monthly-summary", response=dict)
def get_monthly_summary(request, client_id: int = PathId,
                        month: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")] | None = None):
    """The figures of the monthly summary of `month` (YYYY-MM; default the last complete month)."""
    company = _company(request, client_id)
    day = parse_month(month) if month else summary.summary_month(timezone.localdate())
    figures = summary.monthly_summary(company, day)
    return services.jsonable({key: value for key, value in figures.items() if key not in ("client", "period")})


class SummarySentOut(Schema):
    month: date
    sent_at: Moment
    recipients: str


@router.post("/clients/{client_id}/monthly-summary/send", response={201: SummarySentOut})
def send_monthly_summary(request, client_id: int = PathId):
    """Email last month's summary to the client's primary contacts now: refused (422) when the client has not opted
    in, has nobody to send it to, or already had this month's."""
    company = _company(request, client_id)
    staff_write(request, Can.VCIO)
    return Status(201, summary.send_monthly_summary(company, month=summary.summary_month(timezone.localdate()),
                                                    by=request.user))
