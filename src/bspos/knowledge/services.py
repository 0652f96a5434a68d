"""Writes and rules of the knowledge app: articles and their versions, links to tickets, CESI problem records,
checklist runs. Every function validates, runs in one transaction and returns the object."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from bspos.audit.services import delete_audited, record, snapshot
from bspos.clients.models import Client
from bspos.knowledge.models import (
    Article,
    ArticleKind,
    ArticleTicket,
    ArticleVersion,
    ChecklistItem,
    ChecklistKind,
    ChecklistRun,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Problem,
)
from bspos.people.models import User
from bspos.servicedesk.models import Category, Ticket

ARTICLE_FIELDS = ("title", "kind", "category", "client", "body", "owner", "review_on", "published")


def _check(instance) -> None:
    instance.full_clean(exclude=["version"] if isinstance(instance, Article) else None)


@transaction.atomic
def save_article(*, by: User | None, article: Article | None = None, summary: str = "", **fields) -> Article:
    """Create or change an article; a new version is kept whenever the title or the text changes."""
    unknown = set(fields) - set(ARTICLE_FIELDS) - {"source_ticket"}
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    creating = article is None
    if creating:
        article = Article()
        if fields.get("owner") is None:
            fields["owner"] = by if by and by.is_msp_staff else None  # whoever writes it owns it, unless named
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
    before = None if creating else snapshot(article)
    text_before = None if creating else (article.title, article.body)
    for name, value in fields.items():
        setattr(article, name, value)
    article.title = (article.title or "").strip()
    if not article.title:
        raise ValidationError({"title": "An article needs a title."})
    _check(article)
    text_changed = creating or (article.title, article.body) != text_before
    if text_changed:
        article.version += 1
    article.updated_at = timezone.now()
    article.save()
    if text_changed:
        ArticleVersion.objects.create(article=article, number=article.version, title=article.title,
                                      body=article.body, edited_by=by, summary=summary[:200])
    record(by, article, before)
    return article


@transaction.atomic
def restore_version(*, article: Article, number: int, by: User | None) -> Article:
    """Bring back the exact title and text of version `number`, as a new version (history is never rewritten)."""
    old = ArticleVersion.objects.filter(article=article, number=number).first()
    if old is None:
        raise ValidationError({"version": f"Version {number} of this article does not exist."})
    current = Article.objects.get(pk=article.pk)
    if (current.title, current.body) == (old.title, old.body):
        raise ValidationError({"version": f"The article already reads exactly as version {number}."})
    return save_article(by=by, article=current, title=old.title, body=old.body, summary=f"Restored version {number}")


@transaction.atomic
def link_article(*, ticket: Ticket, article: Article, by: User | None) -> ArticleTicket:
    if article.client_id and article.client_id != ticket.client_id:
        raise ValidationError({"article": "That article is about another client."})
    link, _created = ArticleTicket.objects.get_or_create(article=article, ticket=ticket,
                                                         defaults={"linked_by": by})
    return link


@transaction.atomic
def unlink_article(*, ticket: Ticket, article: Article) -> int:
    return ArticleTicket.objects.filter(article=article, ticket=ticket).delete()[0]


def resolution_text(ticket: Ticket) -> str:
    """The Markdown draft of an article from a ticket: the symptom, then the replies and notes in order."""
    lines = [f"## Symptom\n\n{ticket.description.strip() or ticket.subject}\n", "## Resolution\n"]
    notes = list(ticket.notes.order_by("created_at", "id").values_list("body", flat=True))
    lines += [body.strip() + "\n" for body in notes] or ["_Describe the fix step by step._\n"]
    lines.append(f"\n_Written from ticket #{ticket.number}._\n")
    return "\n".join(lines)


@transaction.atomic
def article_from_ticket(*, ticket: Ticket, by: User | None, title: str = "") -> Article:
    """Create a client-specific KB draft (unpublished) from the ticket's resolution and link it to the ticket."""
    article = save_article(by=by, title=(title or ticket.subject)[:200], body=resolution_text(ticket),
                           kind=ArticleKind.KB, category=ticket.category, client=ticket.client,
                           source_ticket=ticket, summary=f"From ticket #{ticket.number}")
    link_article(ticket=ticket, article=article, by=by)
    return article


# --- problems ---------------------------------------------------------------------------------------------------

PROBLEM_FIELDS = ("title", "client", "category", "asset", "clarify", "explore", "solve", "implement",
                  "implement_article", "owner")


@transaction.atomic
def save_problem(*, by: User | None, problem: Problem | None = None, **fields) -> Problem:
    unknown = set(fields) - set(PROBLEM_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    creating = problem is None
    problem = Problem(owner=by if by and by.is_msp_staff else None) if creating else (
        Problem.objects.select_for_update().get(pk=problem.pk))
    before = None if creating else snapshot(problem)
    for name, value in fields.items():
        setattr(problem, name, value)
    problem.title = (problem.title or "").strip()
    if not problem.title:
        raise ValidationError({"title": "A problem needs a title."})
    if problem.status == Problem.Status.CLOSED and problem.implement_article_id is None:
        raise ValidationError({"implement_article": "A closed problem keeps its Implement article."})
    _check(problem)
    problem.save()
    record(by, problem, before)
    return problem


@transaction.atomic
def link_tickets(*, problem: Problem, tickets: list[Ticket]) -> Problem:
    if problem.client_id and any(t.client_id != problem.client_id for t in tickets):
        raise ValidationError({"tickets": "A client's problem explains only that client's tickets."})
    problem.tickets.add(*tickets)
    return problem


@transaction.atomic
def unlink_tickets(*, problem: Problem, tickets: list[Ticket]) -> Problem:
    """The tickets are no longer explained by the problem (they count again in the recurring-problems report)."""
    problem.tickets.remove(*tickets)
    return problem


@transaction.atomic
def save_checklist_template(template: ChecklistTemplate, *, by: User | None = None) -> ChecklistTemplate:
    """Add or change a playbook; runs already started keep the steps they copied."""
    before = snapshot(ChecklistTemplate.objects.get(pk=template.pk)) if template.pk else None
    template.full_clean()
    template.save()
    record(by, template, before)
    return template


@transaction.atomic
def save_template_item(item: ChecklistTemplateItem, *, by: User | None = None) -> ChecklistTemplateItem:
    before = snapshot(ChecklistTemplateItem.objects.get(pk=item.pk)) if item.pk else None
    item.full_clean()
    item.save()
    record(by, item, before)
    return item


@transaction.atomic
def delete_template_item(item: ChecklistTemplateItem, *, by: User | None = None) -> None:
    delete_audited(item, by)


@transaction.atomic
def close_problem(*, problem: Problem, by: User | None) -> Problem:
    """Closing needs the Implement step done: what was deployed, and the article that documents it."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.status == Problem.Status.CLOSED:
        raise ValidationError("The problem is already closed.")
    errors = {}
    if problem.implement_article_id is None:
        errors["implement_article"] = "Link the article that documents the fix before closing (Implement)."
    if not problem.implement.strip():
        errors["implement"] = "Say what was deployed before closing (Implement)."
    if errors:
        raise ValidationError(errors)
    before = snapshot(problem)
    problem.status, problem.closed_at = Problem.Status.CLOSED, timezone.now()
    problem.save(update_fields=["status", "closed_at"])
    record(by, problem, before)
    return problem


@transaction.atomic
def reopen_problem(*, problem: Problem, by: User | None) -> Problem:
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    before = snapshot(problem)
    problem.status, problem.closed_at = Problem.Status.OPEN, None
    problem.save(update_fields=["status", "closed_at"])
    record(by, problem, before)
    return problem


# --- checklists and playbooks -----------------------------------------------------------------------------------

BUILT_IN_TEMPLATES: list[tuple[str, str, list[tuple[str, int]]]] = [
    (ChecklistKind.CLIENT_ONBOARDING, "Client onboarding", [
        ("Kick-off meeting and contacts in bspos", 0), ("Documentation: network, sites, vendors, passwords vault", 5),
        ("RMM agent on every device; assets reconciled", 7), ("Backups configured and a restore tested", 10),
        ("Security baseline: MFA, EDR, patch policy", 14), ("First review meeting booked", 30)]),
    (ChecklistKind.TECH_ONBOARDING, "Technician onboarding", [
        ("Accounts: bspos, RMM, PSA, password vault", 0), ("Read the SOP index and the top 10 runbooks", 2),
        ("Shadow a senior technician on the desk", 5), ("Handle tier 1 tickets with review", 8),
        ("Client tour: the five biggest clients' documentation", 10), ("Sign-off by the service manager", 13)]),
    (ChecklistKind.OFFBOARDING, "Offboarding", [
        ("Disable accounts and MFA devices", 0), ("Recover devices and keys", 1),
        ("Transfer mailbox and files to the manager", 3), ("Remove from licences (billing) and groups", 3),
        ("Confirm with the client contact", 5)]),
    (ChecklistKind.MONTHLY_MAINTENANCE, "Monthly maintenance", [
        ("Patch compliance report reviewed", 3), ("Backup success and one restore test", 5),
        ("Disk, warranty and lifecycle alerts reviewed", 7), ("Licences against billed users", 10),
        ("Notes for the quarterly review", 14)]),
]


@transaction.atomic
def install_built_in_templates() -> int:
    """The four standard playbooks, when no template of that kind exists yet. Returns how many were created."""
    created = 0
    for kind, name, items in BUILT_IN_TEMPLATES:
        if ChecklistTemplate.objects.filter(kind=kind).exists():
            continue
        template = ChecklistTemplate.objects.create(kind=kind, name=name)
        ChecklistTemplateItem.objects.bulk_create(
            ChecklistTemplateItem(template=template, position=i, text=text, due_after_days=days)
            for i, (text, days) in enumerate(items))
        created += 1
    return created


PERSON_KINDS = {ChecklistKind.TECH_ONBOARDING, ChecklistKind.OFFBOARDING}


@transaction.atomic
def start_run(*, template: ChecklistTemplate, by: User | None, client: Client | None = None,
              person: User | None = None, started_at: datetime | None = None, assignee: User | None = None,
              title: str = "") -> ChecklistRun:
    """Copy a template's items into a new run; due dates count from the start."""
    if not template.active:
        raise ValidationError({"template": "That template is retired."})
    if template.kind == ChecklistKind.TECH_ONBOARDING and person is None:
        raise ValidationError({"person": "Technician onboarding is run for a person: choose who."})
    if template.kind in (ChecklistKind.CLIENT_ONBOARDING, ChecklistKind.MONTHLY_MAINTENANCE) and client is None:
        raise ValidationError({"client": f"{template.get_kind_display()} is run for a client: choose which."})
    if client is None and person is None:
        raise ValidationError({"client": "Choose a client or a person."})
    if person is not None and template.kind == ChecklistKind.TECH_ONBOARDING and not person.is_msp_staff:
        raise ValidationError({"person": "Only MSP staff are onboarded as technicians."})
    started_at = started_at or timezone.now()
    if timezone.is_naive(started_at):
        raise ValidationError({"started_at": "Give the start with its time zone."})
    about = person.get_full_name() or person.username if person else client.name
    run = ChecklistRun.objects.create(template=template, kind=template.kind, client=client, person=person,
                                      title=(title or f"{template.name}: {about}")[:200], started_at=started_at,
                                      created_by=by)
    start_day = timezone.localtime(started_at).date()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(run=run, position=item.position, text=item.text, assignee=assignee,
                      due_on=start_day + timedelta(days=item.due_after_days))
        for item in template.items.all())
    return run


@transaction.atomic
def update_item(*, item: ChecklistItem, by: User | None, done: bool | None = None,
                assignee: User | None | str = "unchanged", due_on: date | None | str = "unchanged",
                at: datetime | None = None) -> ChecklistItem:
    """Tick or untick an item, reassign it or move its due date; the run is complete when every item is done."""
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("run").get(pk=item.pk)
    at = at or timezone.now()
    if done is True and item.done_at is None:
        if at < item.run.started_at:
            raise ValidationError({"done_at": "An item cannot be done before its run started."})
        item.done_at, item.done_by = at, by
    elif done is False:
        item.done_at, item.done_by = None, None
    if assignee != "unchanged":
        if assignee is not None and not assignee.is_msp_staff:
            raise ValidationError({"assignee": "Items are assigned to MSP staff."})
        item.assignee = assignee
    if due_on != "unchanged":
        item.due_on = due_on
    item.save()
    run = item.run
    figures = run.items.aggregate(open=Count("id", filter=Q(done_at__isnull=True)), last=Max("done_at"))
    complete_at = figures["last"] if figures["open"] == 0 else None
    if run.completed_at != complete_at:
        ChecklistRun.objects.filter(pk=run.pk).update(completed_at=complete_at)
        run.completed_at = complete_at
    return item


def category_label(value: str) -> str:
    return dict(Category.choices).get(value, value)
