"""Read endpoints for the owner's figures, so a dashboard tool can pull them: the business scorecard, the monthly
health series, the diagnostic signals, the maturity level, the sales funnel and the readiness evidence. The owner
only (`business`); a client contact meets 404."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field, field_validator

from bspos.core.api import staff_read
from bspos.core.dates import last_month, months_ending
from bspos.core.permissions import Can, can
from bspos.money import reports
from bspos.scorecard import services
from bspos.scorecard.models import ReadinessRun

router = Router(tags=["owner"])


def _owner(request) -> None:
    staff_read(request)
    if not can(request.user, Can.BUSINESS):
        raise PermissionDenied("Only the owner reads the owner's figures (business).")


class OwnerWindow(Schema):
    months: int = Field(12, ge=3, le=12, description="Complete months the figures cover, ending last month: 3, 6 "
                                                     "or 12.")

    @field_validator("months")
    @classmethod
    def one_of_the_windows(cls, value: int) -> int:
        if value not in (3, 6, 12):
            raise ValueError("Choose 3, 6 or 12 months.")
        return value


class OwnerFigureOut(Schema):
    key: str
    label: str
    value: Decimal | None
    unit: str
    place: str
    note: str


class OwnerScorecardOut(Schema):
    months: list[date]
    figures: list[OwnerFigureOut]
    multiple: str
    multiple_why: str


class OwnerMonthOut(Schema):
    month: date
    revenue_per_client: Decimal | None
    gross_margin: Decimal | None
    escalation_rate: Decimal | None
    scope_creep: Decimal | None
    founder_hours: Decimal | None
    utilisation: Decimal | None
    logo_churn: Decimal | None
    revenue_churn: Decimal | None


class OwnerSignalOut(Schema):
    title: str
    on: bool
    evidence: str


class OwnerSignalsOut(Schema):
    count: int
    verdict: str
    signals: list[OwnerSignalOut]


class OwnerTraitOut(Schema):
    text: str
    ok: bool


class OwnerLevelOut(Schema):
    number: int
    name: str
    met: bool
    traits: list[OwnerTraitOut]


class OwnerMaturityOut(Schema):
    level: int = Field(..., ge=1, le=5)
    levels: list[OwnerLevelOut]


class OwnerStepOut(Schema):
    code: str
    label: str
    reached: int
    conversion: Decimal | None


class OwnerFunnelOut(Schema):
    first: date
    last: date
    total: int
    lost: int
    steps: list[OwnerStepOut]


class OwnerEvidenceOut(Schema):
    statement: str
    answer: int = Field(..., ge=0, le=4)
    evidence: str


class OwnerReadinessOut(Schema):
    suggestions: list[OwnerEvidenceOut]
    last_run_at: str | None
    last_scores: dict[str, int] | None


def _months(window: OwnerWindow) -> list[date]:
    return months_ending(last_month(), window.months)


@router.get("/owner/scorecard", response=OwnerScorecardOut)
def scorecard(request, window: Query[OwnerWindow]):
    """The five scorecard figures against the MSP and BSP bands, and the sellable multiple they place you at."""
    _owner(request)
    months = _months(window)
    card = services.scorecard(months, reports.margin_report(months), timezone.localdate())
    return {"months": months, "multiple": card["multiple"], "multiple_why": card["multiple_why"],
            "figures": [{"key": f.key, "label": f.band.label, "value": f.value, "unit": f.band.unit,
                         "place": f.place, "note": f.note} for f in card["figures"]]}


@router.get("/owner/health", response=list[OwnerMonthOut])
def health(request, window: Query[OwnerWindow]):
    """The operating-model health figures per month."""
    _owner(request)
    months = _months(window)
    series = services.monthly_series(months)
    margin = {m.month: m.margin_pct for m in reports.margin_report(months).series}
    keys = ("revenue_per_client", "escalation_rate", "scope_creep", "founder_hours", "utilisation", "logo_churn",
            "revenue_churn")
    return [{"month": m, "gross_margin": margin.get(m), **{key: series[key].get(m) for key in keys}}
            for m in months]


@router.get("/owner/signals", response=OwnerSignalsOut)
def signals(request, window: Query[OwnerWindow]):
    """The five diagnostic signals, which are on, and the verdict."""
    _owner(request)
    months = _months(window)
    found = services.diagnostic_signals(months, reports.margin_report(months), services.monthly_series(months))
    return {"count": found["count"], "verdict": found["verdict"],
            "signals": [{"title": s.title, "on": s.on, "evidence": s.evidence} for s in found["signals"]]}


@router.get("/owner/maturity", response=OwnerMaturityOut)
def maturity(request, window: Query[OwnerWindow]):
    """The operational maturity level (1-5) and the traits each level checks."""
    _owner(request)
    level = services.owner_view(_months(window), timezone.localdate())["maturity"]
    return {"level": level["level"], "levels": [
        {"number": lv.number, "name": lv.name, "met": lv.met,
         "traits": [{"text": text, "ok": ok} for text, ok in lv.traits]} for lv in level["levels"]]}


@router.get("/owner/funnel", response=OwnerFunnelOut)
def funnel(request):
    """Leads that entered in the last year: how many reached each of the six steps and the conversion."""
    _owner(request)
    today = timezone.localdate()
    first = today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) else date(
        today.year - 1, 2, 28)
    return {"first": first, "last": today, **services.funnel(first, today)}


@router.get("/owner/readiness", response=OwnerReadinessOut)
def readiness(request):
    """The answers the data suggests for the readiness statements, with evidence, and the last run's scores."""
    _owner(request)
    today = timezone.localdate()
    suggestions = services.readiness_suggestions(services.readiness_context(today))
    last = ReadinessRun.objects.first()
    return {"suggestions": [{"statement": code, "answer": answer, "evidence": evidence}
                            for code, (answer, evidence) in sorted(suggestions.items())],
            "last_run_at": last.taken_at.isoformat() if last else None, "last_scores": last.scores if last else None}


