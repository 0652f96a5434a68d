"""Reads of the knowledge app; figures are computed in the database."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
)
from django.urls import reverse
from django.utils import timezone

from bspos.assets.filters import AssetFilter
from bspos.assets.models import Asset
from bspos.clients.filters import ClientFilter, ContactFilter
from bspos.clients.models import Client, Contact
from bspos.core.money import to_places
from bspos.knowledge import search
from bspos.knowledge.models import Article, ChecklistKind, ChecklistRun, Problem
from bspos.servicedesk.models import Ticket

ONBOARDING_AIM_DAYS = 14
RECORD_KINDS = ("client", "contact", "asset")


def records_matching(query: str, user, *, kinds: list[str] | None = None, limit: int = 10) -> list[search.Hit]:
    """Clients, contacts and assets whose name (or email, serial, RMM id) contains `query`, for the top bar's
    search: the lists' own search filters (`ClientFilter`, `ContactFilter`, `AssetFilter`), rows `user` may see."""
    wanted = [kind for kind in (kinds or RECORD_KINDS) if kind in RECORD_KINDS]
    if not query.strip() or not wanted:
        return []
    hits: list[search.Hit] = []
    if "client" in wanted:
        found = ClientFilter({"q": query}, queryset=Client.objects.visible_to(user)).qs
        hits += [search.Hit("client", c.pk, 0, c.name, reverse("clients:detail", args=[c.pk]),
                            c.get_status_display(), c) for c in found.order_by("name")[:limit]]
    if "contact" in wanted:
        found = ContactFilter({"q": query}, queryset=Contact.objects.visible_to(user).select_related("client")).qs
        hits += [search.Hit("contact", c.pk, 0, c.name, reverse("clients:detail", args=[c.client_id]),
                            f"{c.client.name} · {c.email}" if c.email else c.client.name, c)
                 for c in found.order_by("last_name", "first_name")[:limit]]
    if "asset" in wanted:
        found = AssetFilter({"q": query}, queryset=Asset.objects.visible_to(user).select_related("client")).qs
        hits += [search.Hit("asset", a.pk, 0, a.name, reverse("assets:detail", args=[a.pk]), a.client.name, a)
                 for a in found.order_by("name")[:limit]]
    return hits


def articles_for(user) -> QuerySet[Article]:
    """The articles `user` may read (`Article.objects.visible_to`), with what the lists show."""
    return Article.objects.visible_to(user).select_related("client", "owner")


def article_rows(articles: QuerySet[Article]) -> QuerySet[Article]:
    """A filtered article list as the page and the API show it: with its ticket count, by title."""
    return articles.annotate(ticket_count=Count("ticket_links", distinct=True)).order_by("title", "id")


def past_review_count(articles: QuerySet[Article]) -> int:
    return articles.filter(review_on__lt=timezone.localdate()).count()


def suggestions(ticket: Ticket, user, limit: int = 5) -> list[search.Hit]:
    """Articles whose words match the ticket's subject (any word), about the ticket's client or global; not
    already linked to it."""
    linked = set(ticket.article_links.values_list("article_id", flat=True))
    allowed = Article.objects.filter(Q(client_id=ticket.client_id) | Q(client__isnull=True)).exclude(
        pk__in=linked).values("id")
    return search.find(ticket.subject, {search.ARTICLE}, {search.ARTICLE: allowed}, limit=limit, any_word=True)


def recurring_problems(tickets: QuerySet[Ticket], *, min_tickets: int = 3) -> QuerySet:
    """Clusters (same client, category and asset) of at least `min_tickets` of `tickets` (the report's filtered
    window, `filters.RecurringFilter`) of which no ticket is explained by a problem record yet, largest first."""
    return (tickets.values("client_id", "client__name", "category", "asset_id", "asset__name")
            .annotate(tickets=Count("id", distinct=True), last=Max("created_at"),
                      explained=Count("problems", distinct=True))
            .filter(tickets__gte=min_tickets, explained=0)
            .order_by("-tickets", "client__name", "category"))


def runs_with_progress(runs: QuerySet[ChecklistRun]) -> QuerySet[ChecklistRun]:
    today = timezone.localdate()
    return runs.select_related("template", "client", "person").annotate(
        total=Count("items", distinct=True),
        done=Count("items", filter=Q(items__done_at__isnull=False), distinct=True),
        overdue=Count("items", filter=Q(items__done_at__isnull=True, items__due_on__lt=today), distinct=True),
    )


def onboarding_measure() -> dict:
    """Seed 001: "a new tech can be onboarded in under two weeks", from the technician-onboarding runs."""
    aim = timedelta(days=ONBOARDING_AIM_DAYS)
    runs = ChecklistRun.objects.filter(kind=ChecklistKind.TECH_ONBOARDING)
    took = ExpressionWrapper(F("completed_at") - F("started_at"), output_field=DurationField())
    figures = runs.aggregate(
        runs=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False)),
        within=Count("id", filter=Q(completed_at__isnull=False, completed_at__lt=F("started_at") + aim)),
        average=Avg(took, filter=Q(completed_at__isnull=False)),
        open_late=Count("id", filter=Q(completed_at__isnull=True, started_at__lt=timezone.now() - aim)),
    )
    each = runs_with_progress(runs.annotate(took=took)).order_by("-started_at")[:50]
    figures["average_days"] = (to_places(Decimal(figures["average"].total_seconds()) / 86400, "0.1")
                               if figures["average"] else None)
    figures["met"] = bool(figures["completed"]) and figures["within"] == figures["completed"] and not figures[
        "open_late"]
    figures["aim_days"] = ONBOARDING_AIM_DAYS
    figures["each"] = each
    return figures


def problem_rows(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    """A filtered problem list as the page and the API show it: with its ticket count."""
    return problems.select_related("client", "owner", "implement_article").annotate(
        ticket_count=Count("tickets", distinct=True)).order_by("-created_at", "-id")  # GROUP BY drops Meta.ordering
