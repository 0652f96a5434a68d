"""Findings to work: a roadmap item (or an assessment's weak answer, through its item) becomes a ticket for the
client in one action, linked both ways; an accepted item (or an SBR recommendation, through its item) becomes a
project in one click; closed work offers to mark the item done."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bspos.audit.services import record, snapshot
from bspos.core.services import absolute_url
from bspos.projects.models import Project
from bspos.projects.services import project_from
from bspos.servicedesk.models import OPEN_STATUSES, Ticket, TicketType
from bspos.servicedesk.services import create_ticket
from bspos.vcio.models import Assessment, RoadmapItem, RoadmapStatus

OPEN_ITEM = [RoadmapStatus.PROPOSED, RoadmapStatus.PLANNED, RoadmapStatus.IN_PROGRESS]
ACCEPTED_ITEM = [RoadmapStatus.PLANNED, RoadmapStatus.IN_PROGRESS]  # the client said yes, the work is not done
PROJECT_ORIGIN = "roadmap-item:"  # + the item's id: `Project.origin`, unique, so one item makes one project


def work_is_closed(item: RoadmapItem) -> bool:
    """The item's ticket is resolved or closed while the item is not done yet: offer to mark it done."""
    return (item.ticket_id is not None and item.ticket.status not in OPEN_STATUSES
            and item.status in OPEN_ITEM)


@transaction.atomic
def ticket_for_item(*, item: RoadmapItem, by=None) -> Ticket:
    """Open a ticket for the item's client that carries it out; a planned item is then in progress. An item whose
    ticket is still open gets no second one."""
    item = RoadmapItem.objects.select_for_update(of=("self",)).select_related("client", "ticket").get(pk=item.pk)
    if item.status in (RoadmapStatus.DONE, RoadmapStatus.CANCELLED):
        raise ValidationError(f"“{item.title}” is {item.get_status_display().lower()}; it needs no work.")
    if item.ticket_id and item.ticket.status in OPEN_STATUSES:
        raise ValidationError(f"“{item.title}” already has ticket #{item.ticket.number}.")
    quarter = item.fiscal_quarter
    description = "\n\n".join(part for part in (
        item.problem, f"From the IT roadmap of {item.client.name}, planned for {quarter.label} ({quarter.span}): "
        f"{absolute_url(reverse('vcio:roadmap', args=[item.client_id]))}") if part)
    ticket = create_ticket(client=item.client, subject=f"Roadmap: {item.title}"[:250], created_by=by,
                           description=description, ticket_type=TicketType.CHANGE
                           if item.one_time or item.monthly else TicketType.SERVICE_REQUEST)
    before = snapshot(item)
    item.ticket = ticket
    if item.status == RoadmapStatus.PLANNED:
        item.status = RoadmapStatus.IN_PROGRESS
    item.save(update_fields=["ticket", "status"])
    record(by, item, before)
    return ticket


@transaction.atomic
def ticket_for_answer(*, assessment: Assessment, question: str, by=None) -> Ticket:
    """A ticket from an assessment's finding: through the question's open roadmap item (proposed from the
    template's action when there is none), so the roadmap shows the work too."""
    found = next(((area, q) for area in assessment.template.data["areas"] for q in area["questions"]
                  if q["code"] == question), None)
    if found is None:
        raise ValidationError(f"No question “{question}” in this assessment.")
    area, spec = found
    item = (RoadmapItem.objects.filter(client=assessment.client, question=question, status__in=OPEN_ITEM)
            .order_by("pk").first())
    if item is None:
        today_quarter = assessment.client.fiscal_quarter(timezone.localdate())
        item = RoadmapItem(client=assessment.client, assessment=assessment, question=question, area=area["name"],
                           title=(spec.get("action") or spec["text"])[:300], problem=spec["text"],
                           quarter=today_quarter.first, status=RoadmapStatus.PLANNED,
                           priority=RoadmapItem.Priority.HIGH if spec.get("weight", 1) > 1
                           else RoadmapItem.Priority.MEDIUM)
        item.full_clean()
        item.save()
        record(by, item, None)
    return ticket_for_item(item=item, by=by)


@transaction.atomic
def mark_done(*, item: RoadmapItem, by=None) -> RoadmapItem:
    """The work is finished: the item is done."""
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if item.status == RoadmapStatus.DONE:
        raise ValidationError(f"“{item.title}” is already done.")
    before = snapshot(item)
    item.status = RoadmapStatus.DONE
    item.save(update_fields=["status"])
    record(by, item, before)
    return item


def item_projects(client_id: int) -> dict[int, Project]:
    """The projects made from a client's roadmap items, by item id (one query for a whole roadmap)."""
    projects = Project.objects.filter(client_id=client_id, origin__startswith=PROJECT_ORIGIN).only(
        "pk", "number", "name", "status", "origin")
    return {int(project.origin.removeprefix(PROJECT_ORIGIN)): project for project in projects}


@transaction.atomic
def project_for_item(*, item: RoadmapItem, by=None, made_from: str = "", made_from_url: str = "",
                     description: str = "") -> tuple[Project, bool]:
    """One click: an accepted roadmap item becomes a project for its client (a planned item is then in progress);
    a second click finds the project the first made. Returns the project and whether it was made now.
    `made_from` and its URL name what the project page links back to (the SBR recommendation, else the item)."""
    item = RoadmapItem.objects.select_for_update(of=("self",)).select_related("client").get(pk=item.pk)
    if item.status not in ACCEPTED_ITEM:
        raise ValidationError(f"“{item.title}” is {item.get_status_display().lower()}: only an accepted (planned or "
                              "in progress) roadmap item becomes a project.")
    quarter = item.fiscal_quarter
    roadmap_url = reverse("vcio:roadmap", args=[item.client_id])
    project, created = project_from(
        origin=f"{PROJECT_ORIGIN}{item.pk}", client=item.client, name=item.title, by=by,
        origin_label=made_from or f"Roadmap item “{item.title}” ({quarter.label})",
        origin_url=made_from_url or roadmap_url,
        description=description or "\n\n".join(part for part in (
            item.problem, f"From the IT roadmap of {item.client.name}, planned for {quarter.label} ({quarter.span}): "
            f"{absolute_url(roadmap_url)}") if part))
    if created and item.status == RoadmapStatus.PLANNED:
        before = snapshot(item)
        item.status = RoadmapStatus.IN_PROGRESS
        item.save(update_fields=["status"])
        record(by, item, before)
    return project, created
