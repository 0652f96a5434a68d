"""Hardware lifecycle as lifecycle tools do it: per asset type (per client where it differs) a maximum age and a
replacement value (`RefreshPolicy`); each device's replace-by date is its purchase date plus that age.

The report lists every device in use of a type with a policy, with its age, warranty end, replace-by date and
estimated cost, filtered by a due-soon window; devices without a purchase date have no replace-by date and are
listed as unknown in every window, never left out. Filters and totals are worked out in the database.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from bspos.assets.models import OUT_OF_SERVICE, Asset, AssetType
from bspos.clients.models import Client
from bspos.core.dates import add_months, latest_start_ending_by
from bspos.core.money import cents
from bspos.reviews.models import RefreshPolicy

# The due-soon windows a user picks: key → (label, days ahead; 0 is "past due", None every device).
WINDOWS = {"all": ("Every device", None), "past_due": ("Past due", 0), "90": ("Due within 90 days", 90),
           "180": ("Due within 180 days", 180), "365": ("Due within 365 days", 365)}
AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def refresh_policies(client: Client) -> dict[str, RefreshPolicy]:
    """Per asset type: the client's own policy where one is set, else the default."""
    policies: dict[str, RefreshPolicy] = {}
    for policy in RefreshPolicy.objects.filter(Q(client__isnull=True) | Q(client=client)).order_by("client_id"):
        if policy.asset_type not in policies or policy.client_id:
            policies[policy.asset_type] = policy
    return policies


def replaced_by(policies: dict[str, RefreshPolicy], day: date) -> Q:
    """Devices whose replace-by date (purchase + the type's maximum age) is on or before `day`."""
    due = Q(pk__isnull=True)  # nothing, until a policy says how long a type lasts
    for asset_type, policy in policies.items():
        due |= Q(asset_type=asset_type, purchased_on__lte=latest_start_ending_by(day, policy.max_age_months))
    return due


def replacement_value(policies: dict[str, RefreshPolicy]) -> Case:
    """Each device's estimated cost: its type's replacement value."""
    return Case(*[When(asset_type=t, then=Value(p.replacement_value)) for t, p in policies.items()],
                default=Value(Decimal("0.00")), output_field=AMOUNT)


def lifecycle_devices(client: Client, policies: dict[str, RefreshPolicy]) -> QuerySet[Asset]:
    """The client's devices in use (not retired or disposed) of a type with a refresh policy, each with its
    estimated cost; virtual machines and other types without a policy are not hardware to replace."""
    return (Asset.objects.filter(client=client, asset_type__in=list(policies)).exclude(lifecycle__in=OUT_OF_SERVICE)
            .annotate(estimate=replacement_value(policies)))


def in_window(policies: dict[str, RefreshPolicy], window: str, today: date) -> Q:
    """A window's devices: past due is a replace-by date before today; N days is on or before today + N (past due
    included); devices without a purchase date belong to every window (listed as unknown)."""
    days = WINDOWS[window][1]
    if days is None:
        return Q()
    last = today - timedelta(days=1) if days == 0 else today + timedelta(days=days)
    return replaced_by(policies, last) | Q(purchased_on__isnull=True)


@dataclass(frozen=True)
class Device:
    pk: int
    name: str
    asset_type: str
    type_label: str
    purchased_on: date | None
    warranty_expires: date | None
    age_months: int | None
    replace_by: date | None
    days_left: int | None  # negative: past due
    estimate: Decimal

    @property
    def state(self) -> str:
        if self.replace_by is None:
            return "unknown"
        return "past due" if self.days_left < 0 else "due"


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month - (last.day < first.day)


def _device(asset: Asset, policies: dict[str, RefreshPolicy], today: date, labels: dict) -> Device:
    bought = asset.purchased_on
    replace_by = add_months(bought, policies[asset.asset_type].max_age_months) if bought else None
    return Device(asset.pk, asset.name, asset.asset_type, str(labels.get(asset.asset_type, asset.asset_type)),
                  bought, asset.warranty_expires, _months_between(bought, today) if bought else None, replace_by,
                  (replace_by - today).days if replace_by else None, cents(asset.estimate))


def lifecycle_report(client: Client, *, window: str = "all", today: date, page=1, page_size: int | None = None) -> dict:
    """The lifecycle report of one client: totals of the window (devices, estimated cost, past due, unknown) and its
    devices soonest replace-by first, unknown ones last (one page of `page_size` when given; a page number past the
    end is the last page)."""
    if window not in WINDOWS:
        raise ValueError(f"Unknown window {window!r}; pick one of {', '.join(WINDOWS)}.")
    policies = refresh_policies(client)
    devices = lifecycle_devices(client, policies).filter(in_window(policies, window, today))
    past_due = replaced_by(policies, today - timedelta(days=1))
    unknown = Q(purchased_on__isnull=True)
    totals = devices.aggregate(count=Count("pk"), cost=Sum("estimate"),
                               past_due=Count("pk", filter=past_due), unknown=Count("pk", filter=unknown),
                               unknown_estimate=Sum("estimate", filter=unknown),
                               no_warranty=Count("pk", filter=Q(warranty_expires__isnull=True)))
    ages = Case(*[When(asset_type=t, then=Value(p.max_age_months)) for t, p in policies.items()],
                default=Value(0), output_field=IntegerField())
    # sorted by replace-by date in the database: the due month's index, then the purchase day
    ordered = devices.annotate(due_month=ExtractYear("purchased_on") * 12 + ExtractMonth("purchased_on") + ages,
                               due_day=ExtractDay("purchased_on")).order_by(
        F("due_month").asc(nulls_last=True), "due_day", "name", "pk")
    pages = Paginator(range(totals["count"]), page_size or max(totals["count"], 1)).get_page(page)
    rows = ordered[pages.start_index() - 1:pages.end_index()] if totals["count"] else []
    labels = dict(AssetType.choices)
    return {"window": window, "window_label": WINDOWS[window][0], "today": today, "count": totals["count"],
            "estimate": cents(totals["cost"]), "past_due": totals["past_due"], "unknown": totals["unknown"],
            "unknown_estimate": cents(totals["unknown_estimate"]), "no_warranty": totals["no_warranty"],
            "page": pages, "devices": [_device(asset, policies, today, labels) for asset in rows],
            "policies": [{"asset_type": t, "label": str(labels.get(t, t)), "max_age_months": p.max_age_months,
                          "replacement_value": cents(p.replacement_value), "client_specific": p.client_id is not None}
                         for t, p in sorted(policies.items())]}
