"""Knowledge pages: articles (versions, diff, restore), the ticket panel, CESI problems and the recurring-problems
report, checklists and playbooks, the search box, and the portal's published articles."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.permissions import Can, can, contact_client_id, requires
from bspos.knowledge import selectors, services
from bspos.knowledge.filters import (
    ArticleFilter,
    ChecklistRunFilter,
    PortalArticleFilter,
    ProblemFilter,
    RecurringFilter,
)
from bspos.knowledge.forms import ArticleForm, ProblemForm, SearchForm, staff_choices
from bspos.knowledge.markdown import render as markdown
from bspos.knowledge.models import (
    Article,
    ChecklistItem,
    ChecklistRun,
    ChecklistTemplate,
    Problem,
)
from bspos.knowledge.search import search as run_search
from bspos.servicedesk.models import Category, Ticket


def _errors(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, "Nothing changed: " + " ".join(error.messages))


def _clients():
    return Client.objects.order_by("name").values_list("pk", "name")


# --- articles ---------------------------------------------------------------------------------------------------

def index(request: HttpRequest) -> HttpResponse:
    """The nav link: staff get the article list; a client contact the articles published to them."""
    if request.user.is_authenticated and can(request.user, Can.PORTAL):
        return redirect("knowledge:portal")
    return article_list(request)


@requires(Can.DESK_READ)
def article_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.articles_for(request.user)
    filters = ArticleFilter(request.GET, visible, request=request)
    page = Paginator(selectors.article_rows(filters.qs), 50).get_page(request.GET.get("page"))
    return render(request, "knowledge/article_list.html", {
        "page": page, "filter": filters, "can_write": can(request.user, Can.DESK_WRITE),
        "past_review": selectors.past_review_count(visible)})


@requires(Can.DESK_READ)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.articles_for(request.user), pk=pk)
    return render(request, "knowledge/article.html", {
        "article": article, "html": markdown(article.body), "can_write": can(request.user, Can.DESK_WRITE),
        "tickets": article.ticket_links.select_related("ticket__client").order_by("-linked_at")[:100],
        "problems": article.problems.all()[:20], "versions": article.versions.select_related("edited_by")[:10]})


@requires(Can.DESK_WRITE)
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk) if pk else None
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.ARTICLE_FIELDS}
        try:
            saved = services.save_article(by=request.user, article=article,
                                          summary=form.cleaned_data["summary"], **fields)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"Saved “{saved.title}” (version {saved.version}).")
            return redirect("knowledge:article", pk=saved.pk)
    return render(request, "knowledge/article_form.html", {"form": form, "article": article})


@requires(Can.DESK_READ)
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    versions = list(article.versions.select_related("edited_by"))
    number = request.GET.get("version", "")
    chosen = next((v for v in versions if str(v.number) == number), versions[0] if versions else None)
    diff = []
    if chosen is not None:
        previous = next((v for v in versions if v.number < chosen.number), None)
        old = (f"# {previous.title}\n\n{previous.body}" if previous else "").splitlines()
        new = f"# {chosen.title}\n\n{chosen.body}".splitlines()
        diff = [{"line": line, "kind": "add" if line.startswith("+") else "del" if line.startswith("-") else
                 "at" if line.startswith("@@") else ""}
                for line in difflib.unified_diff(old, new, f"version {previous.number if previous else 0}",
                                                 f"version {chosen.number}", lineterm="")]
    return render(request, "knowledge/article_history.html", {
        "article": article, "versions": versions, "chosen": chosen, "diff": diff,
        "can_write": can(request.user, Can.DESK_WRITE)})


@requires(Can.DESK_WRITE)
@require_POST
def article_restore(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    number = request.POST.get("version", "")
    try:
        if not number.isdigit():
            raise ValidationError("Choose a version to restore.")
        restored = services.restore_version(article=article, number=int(number), by=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("knowledge:history", pk=pk)
    messages.success(request, f"Version {number} restored as version {restored.version}.")
    return redirect("knowledge:article", pk=pk)


# --- tickets ----------------------------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    """The Knowledge card on a ticket page (loaded by htmx): linked articles, suggestions, problems."""
    ticket = get_object_or_404(Ticket, number=number)
    return render(request, "knowledge/_ticket_panel.html", {
        "ticket": ticket, "links": ticket.article_links.select_related("article"),
        "suggestions": selectors.suggestions(ticket, request.user), "problems": ticket.problems.all(),
        "can_write": can(request.user, Can.DESK_WRITE)})


@requires(Can.DESK_WRITE)
@require_POST
def ticket_link(request: HttpRequest, number: int, action: str) -> HttpResponse:
    ticket = get_object_or_404(Ticket, number=number)
    try:
        if action == "from-resolution":
            article = services.article_from_ticket(ticket=ticket, by=request.user)
            messages.success(request, f"Draft article “{article.title}” written from #{ticket.number}; "
                                      "review it, then publish.")
            return redirect("knowledge:edit", pk=article.pk)
        article_id = request.POST.get("article", "")
        article = Article.objects.filter(pk=int(article_id)).first() if article_id.isdigit() else None
        if article is None:
            raise ValidationError("Choose an article.")
        if action == "link":
            services.link_article(ticket=ticket, article=article, by=request.user)
            messages.success(request, f"“{article.title}” attached to #{ticket.number}.")
        elif action == "unlink":
            services.unlink_article(ticket=ticket, article=article)
            messages.success(request, f"“{article.title}” detached from #{ticket.number}.")
        else:
            raise Http404("Not found.")
    except ValidationError as error:
        _errors(request, error)
    return redirect("servicedesk:ticket", number=number)


# --- problems ---------------------------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def problem_list(request: HttpRequest) -> HttpResponse:
    filters = ProblemFilter(request.GET, Problem.objects.visible_to(request.user), request=request)
    page = Paginator(selectors.problem_rows(filters.qs), 50).get_page(request.GET.get("page"))
    return render(request, "knowledge/problem_list.html", {
        "page": page, "filter": filters, "can_write": can(request.user, Can.DESK_WRITE)})


@requires(Can.DESK_READ)
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.visible_to(request.user).select_related(
        "client", "asset", "implement_article", "owner"), pk=pk)
    return render(request, "knowledge/problem.html", {
        "problem": problem, "tickets": problem.tickets.select_related("client").order_by("-number")[:200],
        "can_write": can(request.user, Can.DESK_WRITE)})


@requires(Can.DESK_WRITE)
def problem_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    problem = get_object_or_404(Problem, pk=pk) if pk else None
    initial = {}
    if problem is None and (number := request.GET.get("ticket", "")).isdigit():
        ticket = Ticket.objects.filter(number=int(number)).first()
        if ticket:
            initial = {"title": ticket.subject, "client": ticket.client_id, "category": ticket.category,
                       "clarify": ticket.description}
    elif problem is None and (client := request.GET.get("client", "")).isdigit():
        initial = {"client": int(client)}
    form = ProblemForm(request.POST or None, instance=problem, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PROBLEM_FIELDS}
        try:
            saved = services.save_problem(by=request.user, problem=problem, **fields)
            if problem is None and (number := request.POST.get("ticket", "")).isdigit():
                services.link_tickets(problem=saved, tickets=list(Ticket.objects.filter(number=int(number))))
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"Saved problem “{saved.title}”.")
            return redirect("knowledge:problem", pk=saved.pk)
    return render(request, "knowledge/problem_form.html", {"form": form, "problem": problem,
                                                           "ticket": request.GET.get("ticket", "")})


@requires(Can.DESK_WRITE)
@require_POST
def problem_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem = get_object_or_404(Problem, pk=pk)
    try:
        if action == "close":
            services.close_problem(problem=problem, by=request.user)
            messages.success(request, "Problem closed.")
        elif action == "reopen":
            services.reopen_problem(problem=problem, by=request.user)
            messages.success(request, "Problem reopened.")
        elif action == "tickets":
            numbers = [int(n) for n in request.POST.get("numbers", "").replace(",", " ").replace("#", " ").split()
                       if n.isdigit() and len(n) < 15]
            tickets = list(Ticket.objects.filter(number__in=numbers))
            if not tickets:
                raise ValidationError("No ticket with those numbers.")
            services.link_tickets(problem=problem, tickets=tickets)
            messages.success(request, f"{len(tickets)} ticket(s) linked.")
        elif action == "unlink":
            number = request.POST.get("number", "")
            tickets = list(Ticket.objects.filter(number=int(number))) if number.isdigit() and len(number) < 15 else []
            services.unlink_tickets(problem=problem, tickets=tickets)
            messages.success(request, "Ticket unlinked." if tickets else "No such ticket.")
        else:
            raise Http404("Not found.")
    except ValidationError as error:
        _errors(request, error)
    return redirect("knowledge:problem", pk=pk)


@requires(Can.DESK_READ)
def recurring(request: HttpRequest) -> HttpResponse:
    filters = RecurringFilter(request.GET, Ticket.objects.all(), request=request)
    rows = selectors.recurring_problems(filters.qs, min_tickets=filters.min_tickets_value)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    labels = dict(Category.choices)
    for row in page:  # the 50 rows shown: their category's label
        row["category_label"] = labels.get(row["category"], row["category"])
    return render(request, "knowledge/recurring.html", {
        "page": page, "filter": filters,
        "can_write": can(request.user, Can.DESK_WRITE)})


# --- checklists -------------------------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def checklists(request: HttpRequest) -> HttpResponse:
    filters = ChecklistRunFilter(request.GET, ChecklistRun.objects.visible_to(request.user), request=request)
    page = Paginator(selectors.runs_with_progress(filters.qs).order_by("-started_at", "-id"), 50).get_page(
        request.GET.get("page"))
    return render(request, "knowledge/checklists.html", {
        "page": page, "filter": filters,
        "templates": ChecklistTemplate.objects.filter(active=True).annotate(steps=Count("items")),
        "clients": _clients(), "people": staff_choices(), "measure": selectors.onboarding_measure(),
        "can_write": can(request.user, Can.DESK_WRITE)})


@requires(Can.DESK_WRITE)
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    def pick(model, name):
        value = request.POST.get(name, "")
        return model.objects.filter(pk=int(value)).first() if value.isdigit() else None

    from bspos.people.models import User

    template = pick(ChecklistTemplate, "template")
    try:
        if template is None:
            raise ValidationError("Choose a template.")
        run = services.start_run(template=template, by=request.user, client=pick(Client, "client"),
                                 person=pick(User, "person"), assignee=pick(User, "assignee"))
    except ValidationError as error:
        _errors(request, error)
        return redirect("knowledge:checklists")
    messages.success(request, f"Started “{run.title}”.")
    return redirect("knowledge:run", pk=run.pk)


@requires(Can.DESK_READ)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.runs_with_progress(ChecklistRun.objects.visible_to(request.user)), pk=pk)
    return render(request, "knowledge/run.html", {
        "run": run, "items": run.items.select_related("assignee", "done_by"), "people": staff_choices(),
        "today": timezone.localdate(), "can_write": can(request.user, Can.DESK_WRITE)})


@requires(Can.DESK_WRITE)
@require_POST
def item_update(request: HttpRequest, pk: int) -> HttpResponse:
    from bspos.people.models import User

    item = get_object_or_404(ChecklistItem, pk=pk)
    changes: dict = {}
    if "done" in request.POST:
        changes["done"] = request.POST["done"] == "1"
    if "assignee" in request.POST:
        value = request.POST["assignee"]
        changes["assignee"] = User.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if "due_on" in request.POST:
        from django.utils.dateparse import parse_date

        try:
            changes["due_on"] = parse_date(request.POST["due_on"]) if request.POST["due_on"] else None
        except ValueError:
            changes["due_on"] = None
    try:
        services.update_item(item=item, by=request.user, **changes)
    except ValidationError as error:
        _errors(request, error)
    return redirect("knowledge:run", pk=item.run_id)


# --- search -----------------------------------------------------------------------------------------------------

def search_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not (can(request.user, Can.DESK_READ) or contact_client_id(request.user)):
        raise Http404("Not found.")
    form = SearchForm(request.GET)
    query, kind = form.terms()
    started = timezone.now()
    staff = can(request.user, Can.DESK_READ)
    kinds = [kind] if kind else None
    # The top bar's box: staff also find clients, contacts and assets by name; the full-text index the rest.
    records = selectors.records_matching(query, request.user, kinds=kinds) if staff else []
    searches_text = query.strip() and kind not in selectors.RECORD_KINDS
    hits = run_search(query, request.user, kinds=kinds, limit=50) if searches_text else []
    took = (timezone.now() - started).total_seconds() * 1000
    return render(request, "knowledge/search.html", {"q": query, "kind": kind, "hits": hits, "took": took,
                                                     "records": records, "count": len(hits) + len(records),
                                                     "portal": not staff,
                                                     "problems": [" ".join(m) for m in form.errors.values()]})


# --- portal -----------------------------------------------------------------------------------------------------

def _contact(request: HttpRequest) -> int:
    if not request.user.is_authenticated:
        raise Http404("Not found.")
    company = contact_client_id(request.user)
    if company is None:
        raise Http404("Not found.")
    return company


def portal_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    _contact(request)
    filters = PortalArticleFilter(request.GET, selectors.articles_for(request.user), request=request)
    page = Paginator(filters.qs.order_by("title", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "knowledge/portal_list.html", {"page": page, "filter": filters,
                                                          "q": filters.form.cleaned_data.get("q", "")})


def portal_article(request: HttpRequest, pk: int) -> HttpResponse:
    _contact(request)
    article = get_object_or_404(selectors.articles_for(request.user), pk=pk)
    return render(request, "knowledge/portal_article.html", {"article": article, "html": markdown(article.body)})

