"""REST endpoints of proposals: account managers and the owner (`vcio`) read them, with the offer, the pricing
guard and the sales figures; a client contact meets 404."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from bspos.core.api import MAX_ID, Pages
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can, can, is_client_contact
from bspos.proposals import selectors
from bspos.proposals.filters import ProposalFilter
from bspos.proposals.models import Proposal

router = Router(tags=["proposals"])
PathId = Path(..., ge=1, le=MAX_ID)


def _seller(request) -> None:
    if not can(request.user, Can.VCIO):
        if is_client_contact(request.user) or not can(request.user, Can.DESK_READ):
            raise Http404("Not found.")
        raise PermissionDenied("Only account managers and the owner read proposals (vcio).")


class ProposalLineOut(Schema):
    description: str
    kind: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    monthly: bool
    amount: Decimal


class ProposalGuardOut(Schema):
    price: Decimal
    direct_cost: Decimal
    floor: Decimal
    ceiling: Decimal | None
    verdict: str


class ProposalOut(Schema):
    id: int
    number: str
    version: int
    title: str
    status: str
    company: str
    lead_id: int | None
    client_id: int | None
    solution_id: int | None
    problem: str
    problem_cost_per_year: Decimal | None
    accentuate: str
    solution_text: str
    transformation: str
    direct_cost_per_month: Decimal | None
    sent_at: datetime | None
    expires_on: date | None
    decided_at: datetime | None
    decided_by_name: str
    monthly_total: Decimal
    one_time_total: Decimal
    guard: ProposalGuardOut
    lines: list[ProposalLineOut]

    @staticmethod
    def resolve_monthly_total(proposal: Proposal) -> Decimal:
        return selectors.totals(proposal)["monthly"]

    @staticmethod
    def resolve_one_time_total(proposal: Proposal) -> Decimal:
        return selectors.totals(proposal)["one_time"]

    @staticmethod
    def resolve_guard(proposal: Proposal) -> dict:
        check = selectors.guard(proposal)
        return {"price": check.price, "direct_cost": check.direct_cost, "floor": check.floor,
                "ceiling": check.ceiling, "verdict": check.verdict}

    @staticmethod
    def resolve_lines(proposal: Proposal) -> list:
        return list(proposal.lines.all())


class SalesFiguresOut(Schema):
    sent: int
    accepted: int
    declined: int
    renegotiated: int
    win_rate: Decimal | None
    pushback_rate: Decimal | None
    days_to_decision: Decimal | None


ProposalQuery = query_schema(ProposalFilter)


@router.get("/proposals", response=list[ProposalOut])
@paginate(Pages)
def list_proposals(request, filters: Query[ProposalQuery]):
    """Proposals, newest first, with their offer and the pricing guard's verdict."""
    _seller(request)
    return api_filter(ProposalFilter, request, Proposal.objects.visible_to(request.user)
                      .prefetch_related("lines").order_by("-created_at", "-id"))


@router.get("/proposals/figures", response=SalesFiguresOut)
def sales_figures(request):
    """The last 12 months: sent, accepted, declined, renegotiated, win rate, pushback and days to a decision."""
    _seller(request)
    today = timezone.localdate()
    return selectors.sales_figures(today - timedelta(days=365), today)


@router.get("/proposals/{int:proposal_id}", response=ProposalOut)
def get_proposal(request, proposal_id: int = PathId):
    _seller(request)
    return get_object_or_404(Proposal.objects.visible_to(request.user), pk=proposal_id)
