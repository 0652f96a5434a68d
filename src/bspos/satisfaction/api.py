"""REST endpoint for client satisfaction ratings (staff only), with the results page's filters."""

from datetime import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from bspos.core.api import Pages, staff_read
from bspos.core.filters import api_filter, query_schema
from bspos.satisfaction.filters import RatingFilter
from bspos.satisfaction.models import Survey

router = Router(tags=["satisfaction"])
RatingQuery = query_schema(RatingFilter)


class RatingOut(Schema):
    id: int
    ticket_id: int
    ticket_number: int
    client_id: int
    contact_id: int | None
    technician_id: int | None
    sent_at: datetime
    score: str | None
    comment: str
    answered_at: datetime | None
    changed_at: datetime | None

    @staticmethod
    def resolve_ticket_number(survey: Survey) -> int:
        return survey.ticket.number

    @staticmethod
    def resolve_client_id(survey: Survey) -> int:
        return survey.ticket.client_id

    @staticmethod
    def resolve_score(survey: Survey) -> str | None:
        return survey.score or None


@router.get("/ratings", response=list[RatingOut])
@paginate(Pages)
def list_ratings(request, filters: Query[RatingQuery]):
    """Satisfaction surveys sent on resolve and their answers (score null while unanswered)."""
    staff_read(request)
    surveys = Survey.objects.visible_to(request.user).select_related("ticket")
    return api_filter(RatingFilter, request, surveys).order_by("-sent_at", "-id")
