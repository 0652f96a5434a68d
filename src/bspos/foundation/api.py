"""REST endpoints of the foundation: Ideal Client Profiles with their reach, solutions, values and their
decisions, the vision and mission, legal documents, the Construct checklist and the readiness evidence. Staff
read; the owner writes; a client contact meets 404 everywhere."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.core.api import MAX_ID, Pages, require_write, staff_read, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.foundation import selectors, services
from bspos.foundation.filters import SolutionFilter
from bspos.foundation.models import CoreValue, DecisionKind, IdealClientProfile, Solution

router = Router(tags=["foundation"])
PathId = Path(..., ge=1, le=MAX_ID)


def _owner(request) -> None:
    staff_read(request)
    require_write(request, Can.BUSINESS)


class FoundationTrendOut(Schema):
    month: date
    clients: Decimal | None
    revenue: Decimal | None
    leads: Decimal | None


class FoundationReachOut(Schema):
    clients: Decimal | None
    revenue: Decimal | None
    leads: Decimal | None
    trend: list[FoundationTrendOut] = []


class IcpOut(Schema):
    id: int
    name: str
    description: str
    business_problem: str
    congregate_physical: str
    congregate_online: str
    verticals: list[str]
    min_users: int | None
    max_users: int | None
    is_primary: bool
    tests_passed: int = Field(..., ge=0, le=4)
    test_one_sentence: bool
    test_business_problem: bool
    test_congregate: bool
    test_all_marketing: bool
    reach: FoundationReachOut

    @staticmethod
    def resolve_verticals(icp: IdealClientProfile) -> list[str]:
        return icp.vertical_list

    @staticmethod
    def resolve_reach(icp: IdealClientProfile) -> dict:
        return selectors.icp_reach(icp, timezone.localdate())


class IcpIn(Schema):
    name: text(120, min_length=1)
    description: text(300, min_length=1)
    business_problem: text(300, min_length=1)
    congregate_physical: text(300) = ""
    congregate_online: text(300) = ""
    verticals: text(300, min_length=1)
    min_users: int | None = Field(None, ge=0, le=1_000_000)
    max_users: int | None = Field(None, ge=0, le=1_000_000)
    is_primary: bool = False
    test_one_sentence: bool = False
    test_business_problem: bool = False
    test_congregate: bool = False
    test_all_marketing: bool = False


class SolutionOut(Schema):
    id: int
    name: str
    icp_id: int | None
    outcome: str
    measures: list[str]
    package_ids: list[int]
    icp_tool_ids: list[int]
    is_active: bool
    technology_phrases: list[str]

    @staticmethod
    def resolve_measures(solution: Solution) -> list[str]:
        return solution.measure_list

    @staticmethod
    def resolve_package_ids(solution: Solution) -> list[int]:
        return [p.pk for p in solution.packages.all()]

    @staticmethod
    def resolve_icp_tool_ids(solution: Solution) -> list[int]:
        return [a.pk for a in solution.icp_tools.all()]


class FoundationDecisionOut(Schema):
    id: int
    kind: str
    decided_on: date
    people: str
    description: str


class FoundationDecisionIn(Schema):
    kind: DecisionKind
    decided_on: date
    people: text(300, min_length=1)
    description: text(5000, min_length=1)


class ValueOut(Schema):
    id: int
    name: str
    behaviour: str
    would_fire: bool
    marketing_copy: bool
    decisions: list[FoundationDecisionOut]


class FoundationMeasureOut(Schema):
    name: str
    live: str
    target: Decimal
    value: Decimal | None
    progress: Decimal | None


class FoundationVisionOut(Schema):
    bhag: str
    target_date: date
    mission: str
    set_on: date
    measures: list[FoundationMeasureOut]


class FoundationOutdatedOut(Schema):
    client_id: int
    client: str
    version: str
    signed_on: date
    renewal: date | None


class FoundationVersionOut(Schema):
    id: int
    version: str
    effective_on: date
    reviewed_on: date | None
    reviewed_by: str
    describes_operations: bool
    file_url: str


class FoundationDocumentOut(Schema):
    kind: str
    label: str
    title: str | None
    current: FoundationVersionOut | None
    review_overdue: bool
    sla_plan_ids: list[int]
    outdated: list[FoundationOutdatedOut]


class FoundationLineOut(Schema):
    key: str
    text: str
    done: bool
    evidence: str
    source: str


class FoundationChecklistOut(Schema):
    done: bool
    lines: list[FoundationLineOut]


class FoundationEvidenceOut(Schema):
    statement: str
    answer: int = Field(..., ge=0, le=4)
    evidence: str


@router.get("/foundation/icps", response=list[IcpOut])
def list_icps(request):
    """Every Ideal Client Profile (the primary first) with the share of clients, revenue and leads it matches."""
    staff_read(request)
    return list(IdealClientProfile.objects.all())


@router.get("/foundation/icps/{int:icp_id}", response=IcpOut)
def get_icp(request, icp_id: int = PathId):
    staff_read(request)
    return get_object_or_404(IdealClientProfile, pk=icp_id)


@router.post("/foundation/icps", response={201: IcpOut})
def create_icp(request, payload: IcpIn):
    _owner(request)
    return Status(201, services.save_icp(by=request.user, **payload.dict()))


SolutionQuery = query_schema(SolutionFilter)


@router.get("/foundation/solutions", response=list[SolutionOut])
@paginate(Pages)
def list_solutions(request, filters: Query[SolutionQuery]):
    """Solutions, each with the technology phrases its name uses (empty when named for the outcome)."""
    staff_read(request)
    return api_filter(SolutionFilter, request, selectors.solutions()).order_by("name", "pk")


@router.get("/foundation/solutions/{int:solution_id}", response=SolutionOut)
def get_solution(request, solution_id: int = PathId):
    staff_read(request)
    return get_object_or_404(selectors.solutions(), pk=solution_id)


@router.get("/foundation/values", response=list[ValueOut])
def list_values(request):
    """The core values, each with the decisions it drove; one without any is marketing copy."""
    staff_read(request)
    return [{"id": row.value.pk, "name": row.value.name, "behaviour": row.value.behaviour,
             "would_fire": row.value.would_fire, "marketing_copy": row.marketing_copy, "decisions": row.decisions}
            for row in selectors.values_overview()["rows"]]


@router.post("/foundation/values/{int:value_id}/decisions", response={201: FoundationDecisionOut})
def record_decision(request, payload: FoundationDecisionIn, value_id: int = PathId):
    """Record a hiring, firing or conflict decision a value drove."""
    _owner(request)
    value = get_object_or_404(CoreValue, pk=value_id)
    return Status(201, services.record_value_decision(value=value, by=request.user, **payload.dict()))


@router.get("/foundation/vision", response=FoundationVisionOut)
def get_vision(request):
    """The current BHAG with each measure's progress, and the mission."""
    staff_read(request)
    vision = selectors.current_vision()
    if vision is None:
        from django.http import Http404

        raise Http404("No vision yet.")
    measures = [{"name": r["measure"].name, "live": r["measure"].live, "target": r["measure"].target,
                 "value": r["value"], "progress": r["progress"]}
                for r in selectors.vision_progress(vision, timezone.localdate())]
    return {"bhag": vision.bhag, "target_date": vision.target_date, "mission": vision.mission,
            "set_on": vision.set_on, "measures": measures}


@router.get("/foundation/legal", response=list[FoundationDocumentOut])
def list_legal(request):
    """The MSA, SLA and terms: current version, whether its attorney review is overdue (18 months), clients still
    on an older version with their next renewal."""
    staff_read(request)
    rows = []
    for row in selectors.legal_overview(timezone.localdate()):
        document = row["document"]
        rows.append({"kind": row["kind"], "label": row["label"], "title": document.title if document else None,
                     "current": row["current"], "review_overdue": row["overdue"],
                     "sla_plan_ids": [p.pk for p in document.sla_plans.all()] if document else [],
                     "outdated": [{"client_id": s.client_id, "client": s.client.name, "version": s.version.version,
                                   "signed_on": s.signed_on, "renewal": s.renewal} for s in row["outdated"]]})
    return rows


@router.get("/foundation/checklist", response=FoundationChecklistOut)
def get_checklist(request):
    """The Construct-phase "done" checklist; "almost" counts as not done."""
    staff_read(request)
    return selectors.construct_checklist(timezone.localdate())


@router.get("/foundation/readiness", response=list[FoundationEvidenceOut])
def readiness(request):
    """The evidence the readiness statements s1-s5 and c4-c6 are pre-filled from."""
    staff_read(request)
    return [{"statement": code, "answer": answer, "evidence": evidence}
            for code, (answer, evidence) in sorted(selectors.readiness_evidence(timezone.localdate()).items())]
