"""Reads across the documentation: what expires soon, for a page, the client page, the desk and the SBR pack."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset
from bspos.documentation.models import Certificate, Domain, Licence

WINDOWS = (30, 60, 90)
EXPIRING_KINDS = {"domain": "Domain", "certificate": "Certificate", "licence": "Licence",
                  "warranty": "Asset warranty", "agreement": "Agreement"}


@dataclass(frozen=True)
class Expiring:
    kind: str
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
    """Domains, certificates, licences, asset warranties and agreements ending from today up to `within_days` days
    ahead (both days included) that `user` may see, soonest first. Already expired rows are left to their pages."""
    today = today or timezone.localdate()
    last = today + timedelta(days=within_days)
    kinds = kinds or list(EXPIRING_KINDS)
    found: list[Expiring] = []

    def scoped(queryset):
        queryset = queryset.visible_to(user).select_related("client")
        return queryset.filter(client=client) if client is not None else queryset

    def add(kind, rows, name, day, path):
        for row in rows:
            found.append(Expiring(kind, name(row), row.client_id, row.client.name, day(row),
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
        add("warranty", scoped(Asset.objects).filter(warranty_expires__range=(today, last)), str,
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


def search_documentation(words: list[str], *, user, limit: int = 20) -> list[tuple]:
    """Documentation rows whose searched fields hold every word, that `user` may see (never a secret: none is
    stored here). (kind, id, title, url, client name, row) tuples, for the one search box."""
    from django.db.models import Q

    from bspos.documentation.services import KINDS

    if not words:
        return []
    found = []
    for kind, (plural, fields) in SEARCHED.items():
        condition = Q()
        for word in words:
            condition &= Q(*[Q(**{f"{field}__icontains": word}) for field in fields], _connector=Q.OR)
        for row in KINDS[plural].objects.visible_to(user).filter(condition).select_related("client")[:limit]:
            found.append((kind, row.pk, str(row), reverse("documentation:detail", args=[plural, row.pk]),
                          row.client.name, row))
    return found[:limit]
