"""Reads across the documentation: what expires soon, for a page, the client page, the desk and the SBR pack."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset, Lifecycle
from bspos.clients.models import Contact
from bspos.core.filters import parse_id
from bspos.documentation.models import (
    RELATABLE,
    RELATABLE_LABELS,
    Certificate,
    Domain,
    Licence,
    Relation,
    relatable_kind,
)

WINDOWS = (30, 60, 90)
TITLES = {"domains": "Domains", "certificates": "TLS certificates", "licences": "Software licences",
          "networks": "Networks", "records": "Records"}
EXPIRING_KINDS = {"domain": "Domain", "certificate": "Certificate", "licence": "Licence",
                  "warranty": "Asset warranty", "agreement": "Agreement"}


@dataclass(frozen=True)
class Expiring:
    kind: str
    object_id: int
    name: str
    client_id: int
    client_name: str
    expires_on: date
    days_left: int
    path: str

    @property
    def kind_label(self) -> str:
        return EXPIRING_KINDS[self.kind]


def expiring(client=None, *, within_days: int = 30, user, today: date | None = None,
             kinds: list[str] | None = None) -> list[Expiring]:
    """Domains, certificates, licences, warranties of assets not retired, and agreements ending from today up to
    `within_days` days ahead (both days included) that `user` may see, soonest first. Already expired rows are left
    to their pages. `user=None` is the MSP as a whole (the notice job, the SBR pack): every client's rows."""
    today = today or timezone.localdate()
    last = today + timedelta(days=within_days)
    kinds = kinds or list(EXPIRING_KINDS)
    found: list[Expiring] = []

    def scoped(queryset):
        queryset = (queryset if user is None else queryset.visible_to(user)).select_related("client")
        return queryset.filter(client=client) if client is not None else queryset

    def add(kind, rows, name, day, path):
        for row in rows:
            found.append(Expiring(kind, row.pk, name(row), row.client_id, row.client.name, day(row),
                                  (day(row) - today).days, path(row)))

    if "domain" in kinds:
        add("domain", scoped(Domain.objects).filter(expires_on__range=(today, last)), str, lambda r: r.expires_on,
            lambda r: reverse("documentation:detail", args=["domains", r.pk]))
    if "certificate" in kinds:
        rows = [r for r in scoped(Certificate.objects).filter(
            not_after__date__range=(today - timedelta(days=1), last + timedelta(days=1)))
            if today <= timezone.localtime(r.not_after).date() <= last]
        add("certificate", rows, str, lambda r: timezone.localtime(r.not_after).date(),
            lambda r: reverse("documentation:detail", args=["certificates", r.pk]))
    if "licence" in kinds:
        add("licence", scoped(Licence.objects).filter(renews_on__range=(today, last)), str, lambda r: r.renews_on,
            lambda r: reverse("documentation:detail", args=["licences", r.pk]))
    if "warranty" in kinds:
        in_use = scoped(Asset.objects).exclude(lifecycle__in=[Lifecycle.RETIRED, Lifecycle.DISPOSED])
        add("warranty", in_use.filter(warranty_expires__range=(today, last)), str,
            lambda r: r.warranty_expires, lambda r: reverse("assets:detail", args=[r.pk]))
    if "agreement" in kinds:
        add("agreement", scoped(Agreement.objects).filter(end_date__range=(today, last)), lambda r: r.name,
            lambda r: r.end_date, lambda r: reverse("agreements:edit", args=[r.pk]))
    return sorted(found, key=lambda item: (item.expires_on, item.kind, item.client_name, item.name))


SEARCHED = {"domain": ("domains", ["name", "registrar", "notes"]),
            "certificate": ("certificates", ["host", "subject", "issuer", "notes"]),
            "licence": ("licences", ["product", "vendor", "notes"]),
            "network": ("networks", ["name", "subnet", "notes"]),
            "record": ("records", ["name", "notes"])}


# A credential is found by its name, username, URL and tags: its secret, notes and seed are sealed, never searched.
CREDENTIAL_SEARCHED = ["name", "username", "url", "tags"]


def search_documentation(words: list[str], *, user, limit: int = 20) -> list[tuple]:
    """Documentation rows and credentials whose searched fields hold every word, that `user` may see (a credential
    with vault.read, or shared with a contact's company; never by its secret). (kind, id, title, url, client name,
    row) tuples, for the one search box."""
    from django.db.models import Q

    from bspos.documentation.services import KINDS

    if not words:
        return []

    def matching(fields):
        condition = Q()
        for word in words:
            condition &= Q(*[Q(**{f"{field}__icontains": word}) for field in fields], _connector=Q.OR)
        return condition

    found = []
    for kind, (plural, fields) in SEARCHED.items():
        for row in KINDS[plural].objects.visible_to(user).filter(matching(fields)).select_related("client")[:limit]:
            found.append((kind, row.pk, str(row), reverse("documentation:detail", args=[plural, row.pk]),
                          row.client.name, row))
    for row in (RELATABLE["credential"].objects.visible_to(user).filter(matching(CREDENTIAL_SEARCHED))
                .select_related("client").only("pk", "name", "client__name")[:limit]):
        found.append(("credential", row.pk, row.name, reverse("vault:detail", args=[row.pk]), row.client.name, row))
    return found[:limit]


# --- how things connect -----------------------------------------------------------------------------------------

PLURAL = {"domain": "domains", "certificate": "certificates", "licence": "licences", "network": "networks",
          "record": "records"}
CHOICES_PER_KIND = 200


def path_of(kind: str, pk: int) -> str:
    """The page of a relatable record."""
    if kind == "asset":
        return reverse("assets:detail", args=[pk])
    if kind == "contact":
        return reverse("clients:contact", args=[pk])
    if kind == "credential":
        return reverse("vault:detail", args=[pk])
    return reverse("documentation:detail", args=[PLURAL[kind], pk])


def _rows(kind: str, user):
    rows = RELATABLE[kind].objects.visible_to(user)
    return rows.select_related("record_type") if kind == "record" else rows


def label_of(row) -> str:
    """How a related record is named in a list of one client's records (a contact without its company)."""
    return row.name if isinstance(row, Contact) else str(row)


@dataclass(frozen=True)
class Related:
    relation_id: int
    kind: str
    object_id: int
    name: str
    note: str
    path: str

    @property
    def kind_label(self) -> str:
        return RELATABLE_LABELS[self.kind]


def related_records(row, *, user) -> list[Related]:
    """The records related to `row`, from either side, that `user` may see (a credential only with vault.read),
    by kind then name. One query for the relations, one per kind of record on the other side."""
    relations = list(Relation.objects.visible_to(user).of(row))
    if not relations:
        return []
    mine = (ContentType.objects.get_for_model(row).pk, row.pk)
    others = [(r, (r.b_type_id, r.b_id) if (r.a_type_id, r.a_id) == mine else (r.a_type_id, r.a_id))
              for r in relations]
    kinds = {ContentType.objects.get_for_model(model).pk: kind for kind, model in RELATABLE.items()}
    found = {}
    for type_id in {type_id for _, (type_id, _) in others if type_id in kinds}:
        ids = {pk for _, (other_type, pk) in others if other_type == type_id}
        found[type_id] = _rows(kinds[type_id], user).in_bulk(ids)
    related = [Related(relation.pk, kinds[type_id], pk, label_of(found[type_id][pk]), relation.note,
                       path_of(kinds[type_id], pk))
               for relation, (type_id, pk) in others if pk in found.get(type_id, {})]
    order = list(RELATABLE)
    return sorted(related, key=lambda item: (order.index(item.kind), item.name.lower(), item.object_id))


def relatable_choices(row, *, user) -> list[tuple[str, list[tuple[str, str]]]]:
    """What `row` could be related to: the same client's records the user may see, grouped by kind
    ("kind:id" values, up to 200 a kind), for the add form's picker."""
    own = relatable_kind(type(row))
    groups = []
    for kind in RELATABLE:
        rows = _rows(kind, user).filter(client_id=row.client_id)
        if kind == own:
            rows = rows.exclude(pk=row.pk)
        options = [(f"{kind}:{other.pk}", label_of(other)) for other in rows.order_by("pk")[:CHOICES_PER_KIND]]
        if options:
            groups.append((RELATABLE_LABELS[kind], sorted(options, key=lambda option: option[1].lower())))
    return groups


def relatable(reference: str, *, user):
    """The record a "kind:id" reference names, if the user may see it; else None."""
    kind, _, pk = (reference or "").partition(":")
    if kind not in RELATABLE or parse_id(pk) is None:
        return None
    return _rows(kind, user).filter(pk=parse_id(pk)).first()


def documentation_sections(client, *, user, limit: int = 100) -> list[tuple[str, str, list]]:
    """(kind, title, rows) per kind of the client's documentation that `user` may see (a contact: what is shared
    with their company), for the client's documentation page and the portal's."""
    from bspos.documentation.services import KINDS

    sections = []
    for kind, model in KINDS.items():
        rows = model.objects.visible_to(user).of_client(client)
        rows = rows.select_related("record_type") if kind == "records" else rows
        sections.append((kind, TITLES[kind], list(rows[:limit])))
    return sections
