"""REST endpoints of the knowledge app: articles (versions, restore), their links to tickets and suggestions,
CESI problems and the recurring-problems report, checklist templates, runs and items, and the search.

Staff read; roles with desk.write change. A client contact reads only the articles published to their company
(and global published ones), and searches their own company's tickets and those articles; everything else
answers 404."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.assets.models import Asset
from bspos.clients.models import Client
from bspos.core.api import MAX_ID, Id, Moment, Pages, existing, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can, can, contact_client_id
from bspos.knowledge import search as knowledge_search
from bspos.knowledge import selectors, services
from bspos.knowledge.filters import (
    RECURRING_TICKETS,
    ArticleFilter,
    ChecklistRunFilter,
    ProblemFilter,
    RecurringFilter,
)
from bspos.knowledge.markdown import render
from bspos.knowledge.models import (
    Article,
    ArticleKind,
    ChecklistItem,
    ChecklistRun,
    ChecklistTemplate,
    Problem,
)
from bspos.people.models import User
from bspos.servicedesk.models import Category, Ticket

router = Router(tags=["knowledge"])
PathId = Path(..., ge=1, le=MAX_ID)
Title = text(200, min_length=1)
Body = text(200_000)
Kind = Literal[tuple(ArticleKind.values)]
CategoryValue = Literal[tuple(Category.values)]


# --- articles ---------------------------------------------------------------------------------------------------

class ArticleOut(Schema):
    id: int
    title: str
    kind: str
    category: str
    client_id: int | None
    owner_id: int | None
    review_on: date | None
    past_review: bool
    published: bool
    version: int
    updated_at: datetime


class ArticleDetailOut(ArticleOut):
    body: str
    html: str
    source_ticket_number: int | None


class ArticleIn(Schema):
    title: Title
    body: Body = ""
    kind: Kind = ArticleKind.KB
    category: CategoryValue = Category.OTHER
    client_id: Id | None = None
    owner_id: Id | None = None
    review_on: date | None = None
    published: bool = False
    summary: text(200) = ""


class ArticlePatch(Schema):
    title: Title | None = None
    body: Body | None = None
    kind: Kind | None = None
    category: CategoryValue | None = None
    client_id: Id | None = None
    owner_id: Id | None = None
    review_on: date | None = None
    published: bool | None = None
    summary: text(200) = ""


class VersionOut(Schema):
    number: int
    title: str
    body: str
    edited_by_id: int | None
    summary: str
    created_at: datetime


# Required body fields are checked after the permission check, so a contact meets 404 whatever the body.
class RestoreIn(Schema):
    version: int | None = Field(None, ge=1, le=2**31 - 1)


def _required(value, field: str):
    if value is None:
        raise ValidationError({field: "This field is required."})
    return value


def _reader(request) -> None:
    """Staff, or a client contact with a company; anybody else meets 404."""
    if not (can(request.user, Can.DESK_READ) or contact_client_id(request.user)):
        staff_read(request)
        raise Http404("Not found.")


def _detail(article: Article) -> dict:
    return {**{f: getattr(article, f) for f in ArticleOut.model_fields if f != "past_review"},
            "past_review": article.past_review, "body": article.body, "html": str(render(article.body)),
            "source_ticket_number": article.source_ticket.number if article.source_ticket_id else None}


def _article_fields(data: dict) -> dict:
    fields = {k: v for k, v in data.items() if k in services.ARTICLE_FIELDS}
    if "client_id" in data:
        fields["client"] = existing(Client, data["client_id"], "client_id")
    if "owner_id" in data:
        fields["owner"] = existing(User, data["owner_id"], "owner_id", User.objects.filter(
            role__in=["owner", "manager", "technician", "vcio", "finance"]))
    return fields


ArticleQuery = query_schema(ArticleFilter, "ArticleQuery")
ProblemQuery = query_schema(ProblemFilter, "ProblemQuery")
RunQuery = query_schema(ChecklistRunFilter, "ChecklistRunQuery")
RecurringQuery = query_schema(RecurringFilter, "RecurringProblemsQuery")


@router.get("/articles", response=list[ArticleOut])
@paginate(Pages)
def list_articles(request, filters: Query[ArticleQuery]):
    """The articles the caller may read (a contact: published to their company, and global), filtered as the
    knowledge page filters them."""
    _reader(request)
    return selectors.article_rows(api_filter(ArticleFilter, request, selectors.articles_for(request.user)))


@router.post("/articles", response={201: ArticleDetailOut})
def create_article(request, payload: ArticleIn):
    staff_write(request, Can.DESK_WRITE)
    data = payload.dict()
    article = services.save_article(by=request.user, summary=data.pop("summary"), **_article_fields(data))
    return Status(201, _detail(article))


@router.get("/articles/{article_id}", response=ArticleDetailOut)
def get_article(request, article_id: int = PathId):
    _reader(request)
    return _detail(get_object_or_404(selectors.articles_for(request.user).select_related("source_ticket"),
                                     pk=article_id))


@router.patch("/articles/{article_id}", response=ArticleDetailOut)
def update_article(request, payload: ArticlePatch, article_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    article = get_object_or_404(Article, pk=article_id)
    data = payload.dict(exclude_unset=True)
    summary = data.pop("summary", "")
    for required in ("title", "kind", "category", "published"):
        if required in data and data[required] is None:
            raise ValidationError({required: "This field cannot be empty."})
    return _detail(services.save_article(by=request.user, article=article, summary=summary,
                                         **_article_fields(data)))


@router.get("/articles/{article_id}/versions", response=list[VersionOut])
def list_versions(request, article_id: int = PathId):
    staff_read(request)
    return list(get_object_or_404(Article, pk=article_id).versions.all())


@router.post("/articles/{article_id}/restore", response=ArticleDetailOut)
def restore_article(request, payload: RestoreIn, article_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    article = get_object_or_404(Article, pk=article_id)
    return _detail(services.restore_version(article=article, number=_required(payload.version, "version"),
                                            by=request.user))


class LinkedTicketOut(Schema):
    number: int
    subject: str
    client_id: int
    linked_at: datetime


@router.get("/articles/{article_id}/tickets", response=list[LinkedTicketOut])
def article_tickets(request, article_id: int = PathId):
    staff_read(request)
    article = get_object_or_404(Article, pk=article_id)
    return [{"number": link.ticket.number, "subject": link.ticket.subject, "client_id": link.ticket.client_id,
             "linked_at": link.linked_at} for link in article.ticket_links.select_related("ticket")[:500]]


# --- tickets ----------------------------------------------------------------------------------------------------

class ArticleLinkIn(Schema):
    article_id: Id | None = None


class SuggestionOut(Schema):
    id: int
    title: str
    score: float


def _ticket(number: int) -> Ticket:
    return get_object_or_404(Ticket, number=number)


@router.get("/tickets/{number}/articles", response=list[ArticleOut])
def ticket_articles(request, number: int = PathId):
    staff_read(request)
    return list(Article.objects.filter(ticket_links__ticket=_ticket(number)).order_by("title"))


@router.post("/tickets/{number}/articles", response={201: ArticleOut})
def attach_article(request, payload: ArticleLinkIn, number: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    ticket = _ticket(number)
    article = existing(Article, _required(payload.article_id, "article_id"), "article_id")
    services.link_article(ticket=ticket, article=article, by=request.user)
    return Status(201, article)


@router.delete("/tickets/{number}/articles/{article_id}", response={204: None})
def detach_article(request, number: int = PathId, article_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    if not services.unlink_article(ticket=_ticket(number), article=get_object_or_404(Article, pk=article_id)):
        raise Http404("Not found.")
    return Status(204, None)


@router.get("/tickets/{number}/article-suggestions", response=list[SuggestionOut])
def article_suggestions(request, number: int = PathId):
    staff_read(request)
    return [{"id": hit.id, "title": hit.title, "score": hit.score}
            for hit in selectors.suggestions(_ticket(number), request.user, limit=10)]


@router.post("/tickets/{number}/article-from-resolution", response={201: ArticleDetailOut})
def article_from_resolution(request, number: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    return Status(201, _detail(services.article_from_ticket(ticket=_ticket(number), by=request.user)))


# --- problems ---------------------------------------------------------------------------------------------------

class ProblemOut(Schema):
    id: int
    title: str
    client_id: int | None
    category: str
    asset_id: int | None
    clarify: str
    explore: str
    solve: str
    implement: str
    implement_article_id: int | None
    owner_id: int | None
    status: str
    created_at: datetime
    closed_at: datetime | None
    ticket_numbers: list[int]


class ProblemIn(Schema):
    title: Title
    client_id: Id | None = None
    category: CategoryValue = Category.OTHER
    asset_id: Id | None = None
    clarify: Body = ""
    explore: Body = ""
    solve: Body = ""
    implement: Body = ""
    implement_article_id: Id | None = None
    owner_id: Id | None = None
    ticket_numbers: list[Id] = Field(default_factory=list, max_length=500)


class ProblemPatch(Schema):
    title: Title | None = None
    client_id: Id | None = None
    category: CategoryValue | None = None
    asset_id: Id | None = None
    clarify: Body | None = None
    explore: Body | None = None
    solve: Body | None = None
    implement: Body | None = None
    implement_article_id: Id | None = None
    owner_id: Id | None = None


class TicketNumbersIn(Schema):
    ticket_numbers: list[Id] = Field(default_factory=list, max_length=500)


def _problem(problem: Problem) -> dict:
    row = {f: getattr(problem, f) for f in ProblemOut.model_fields if f != "ticket_numbers"}
    row["ticket_numbers"] = list(problem.tickets.order_by("number").values_list("number", flat=True))
    return row


def _problem_fields(data: dict) -> dict:
    fields = {k: v for k, v in data.items() if k in services.PROBLEM_FIELDS}
    for name in ("title", "category", "clarify", "explore", "solve", "implement"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: "This field cannot be empty."})
    for name, model in (("client", Client), ("asset", Asset), ("implement_article", Article), ("owner", User)):
        if f"{name}_id" in data:
            fields[name] = existing(model, data[f"{name}_id"], f"{name}_id")
    return fields


def _numbers(numbers: list[int]) -> list[Ticket]:
    tickets = list(Ticket.objects.filter(number__in=set(numbers)))
    missing = set(numbers) - {t.number for t in tickets}
    if missing:
        raise ValidationError({"ticket_numbers": f"No ticket numbered {', '.join(map(str, sorted(missing)))}."})
    return tickets


@router.get("/problems", response=list[ProblemOut])
@paginate(Pages)
def list_problems(request, filters: Query[ProblemQuery]):
    staff_read(request)
    problems = api_filter(ProblemFilter, request, Problem.objects.visible_to(request.user).prefetch_related("tickets"))
    return [_problem(p) for p in selectors.problem_rows(problems)]


@router.post("/problems", response={201: ProblemOut})
def create_problem(request, payload: ProblemIn):
    staff_write(request, Can.DESK_WRITE)
    data = payload.dict()
    tickets = _numbers(data.pop("ticket_numbers"))
    with transaction.atomic():
        problem = services.save_problem(by=request.user, **_problem_fields(data))
        services.link_tickets(problem=problem, tickets=tickets)
    return Status(201, _problem(problem))


@router.get("/problems/{problem_id}", response=ProblemOut)
def get_problem(request, problem_id: int = PathId):
    staff_read(request)
    return _problem(get_object_or_404(Problem, pk=problem_id))


@router.patch("/problems/{problem_id}", response=ProblemOut)
def update_problem(request, payload: ProblemPatch, problem_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    problem = get_object_or_404(Problem, pk=problem_id)
    return _problem(services.save_problem(by=request.user, problem=problem,
                                          **_problem_fields(payload.dict(exclude_unset=True))))


@router.post("/problems/{problem_id}/tickets", response=ProblemOut)
def link_problem_tickets(request, payload: TicketNumbersIn, problem_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    problem = get_object_or_404(Problem, pk=problem_id)
    if not payload.ticket_numbers:
        raise ValidationError({"ticket_numbers": "Give at least one ticket number."})
    return _problem(services.link_tickets(problem=problem, tickets=_numbers(payload.ticket_numbers)))


@router.post("/problems/{problem_id}/close", response=ProblemOut)
def close_problem(request, problem_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    return _problem(services.close_problem(problem=get_object_or_404(Problem, pk=problem_id), by=request.user))


@router.post("/problems/{problem_id}/reopen", response=ProblemOut)
def reopen_problem(request, problem_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    return _problem(services.reopen_problem(problem=get_object_or_404(Problem, pk=problem_id), by=request.user))


class ClusterOut(Schema):
    client_id: int
    client_name: str
    category: str
    asset_id: int | None
    tickets: int
    last: datetime


@router.get("/recurring-problems", response=list[ClusterOut])
@paginate(Pages)
def recurring_problems(request, filters: Query[RecurringQuery]):
    """Ticket clusters no problem record explains yet (defaults: 3 tickets in 90 days)."""
    staff_read(request)
    tickets = api_filter(RecurringFilter, request, Ticket.objects.all())  # every parameter valid, or 422
    rows = selectors.recurring_problems(tickets, min_tickets=int(filters.min_tickets or RECURRING_TICKETS))
    return [{**row, "client_name": row["client__name"]} for row in rows[:5000]]


# --- checklists -------------------------------------------------------------------------------------------------

class TemplateItemOut(Schema):
    position: int
    text: str
    due_after_days: int


class ChecklistTemplateOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    active: bool
    items: list[TemplateItemOut]


class ItemOut(Schema):
    id: int
    position: int
    text: str
    assignee_id: int | None
    due_on: date | None
    done_at: datetime | None
    done_by_id: int | None


class RunOut(Schema):
    id: int
    template_id: int
    kind: str
    title: str
    client_id: int | None
    person_id: int | None
    started_at: datetime
    completed_at: datetime | None
    total: int
    done: int
    overdue: int


class RunDetailOut(RunOut):
    items: list[ItemOut]


class RunIn(Schema):
    template_id: Id
    client_id: Id | None = None
    person_id: Id | None = None
    assignee_id: Id | None = None
    started_at: Moment | None = None
    title: text(200) = ""


class ItemPatch(Schema):
    done: bool | None = None
    assignee_id: Id | None = None
    due_on: date | None = None


def _run(pk: int) -> ChecklistRun:
    return get_object_or_404(selectors.runs_with_progress(ChecklistRun.objects.prefetch_related("items")), pk=pk)


@router.get("/checklist-templates", response=list[ChecklistTemplateOut])
def list_checklist_templates(request):
    staff_read(request)
    return list(ChecklistTemplate.objects.prefetch_related("items"))


@router.get("/checklist-runs", response=list[RunOut])
@paginate(Pages)
def list_runs(request, filters: Query[RunQuery]):
    staff_read(request)
    runs = api_filter(ChecklistRunFilter, request, ChecklistRun.objects.visible_to(request.user))
    return selectors.runs_with_progress(runs).order_by("-started_at", "-id")


@router.post("/checklist-runs", response={201: RunDetailOut})
def start_run(request, payload: RunIn):
    staff_write(request, Can.DESK_WRITE)
    staff = User.objects.filter(role__in=["owner", "manager", "technician", "vcio", "finance"])
    run = services.start_run(
        template=existing(ChecklistTemplate, payload.template_id, "template_id"), by=request.user,
        client=existing(Client, payload.client_id, "client_id"),
        person=existing(User, payload.person_id, "person_id", staff),
        assignee=existing(User, payload.assignee_id, "assignee_id", staff),
        started_at=payload.started_at, title=payload.title)
    return Status(201, _run(run.pk))


@router.get("/checklist-runs/{run_id}", response=RunDetailOut)
def get_run(request, run_id: int = PathId):
    staff_read(request)
    return _run(run_id)


@router.patch("/checklist-items/{item_id}", response=ItemOut)
def update_item(request, payload: ItemPatch, item_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    item = get_object_or_404(ChecklistItem, pk=item_id)
    data = payload.dict(exclude_unset=True)
    changes: dict = {}
    if "done" in data:
        if data["done"] is None:
            raise ValidationError({"done": "Say true or false."})
        changes["done"] = data["done"]
    if "assignee_id" in data:
        changes["assignee"] = existing(User, data["assignee_id"], "assignee_id")
    if "due_on" in data:
        changes["due_on"] = data["due_on"]
    return services.update_item(item=item, by=request.user, **changes)


class OnboardingOut(Schema):
    aim_days: int
    runs: int
    completed: int
    within: int
    open_late: int
    average_days: float | None
    met: bool


@router.get("/onboarding-measure", response=OnboardingOut)
def onboarding_measure(request):
    staff_read(request)
    return selectors.onboarding_measure()


# --- search -----------------------------------------------------------------------------------------------------

class HitOut(Schema):
    kind: str
    id: int
    title: str
    url: str
    score: float


@router.get("/search", response=list[HitOut])
def search(request, q: text(200, min_length=1), kind: Literal["ticket", "article", "problem"] | None = None,
           limit: int = Query(50, ge=1, le=200)):
    _reader(request)
    return knowledge_search.search(q, request.user, kinds=[kind] if kind else None, limit=limit)

