"""Reads for the intake pages: filtered alerts and deliveries, counts computed in the database."""

from django.db.models import Count, Q, QuerySet

from bspos.intake.models import Alert, Delivery


def alerts(*, queue: str = "", state: str = "", source_id: str = "", q: str = "") -> QuerySet[Alert]:
    rows = Alert.objects.select_related("source", "client", "asset", "ticket").order_by("-last_seen", "-id")
    if queue == "unassigned":
        rows = rows.filter(client__isnull=True)
    if state in Alert.State.values:
        rows = rows.filter(state=state)
    if source_id.isdigit():
        rows = rows.filter(source_id=int(source_id))
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(host__icontains=q) | Q(fingerprint__icontains=q)
                           | Q(client__name__icontains=q))
    return rows


def alert_counts() -> dict:
    return Alert.objects.aggregate(firing=Count("pk", filter=Q(state=Alert.State.FIRING)),
                                   unassigned=Count("pk", filter=Q(client__isnull=True)),
                                   unassigned_firing=Count("pk", filter=Q(client__isnull=True,
                                                                          state=Alert.State.FIRING)),
                                   total=Count("pk"))


def deliveries(*, state: str = "", event: str = "", subscription_id: str = "", q: str = "") -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("subscription").defer("body").order_by("-created_at", "-id")
    if state in Delivery.State.values:
        rows = rows.filter(state=state)
    if event:
        rows = rows.filter(event=event)
    if subscription_id.isdigit():
        rows = rows.filter(subscription_id=int(subscription_id))
    if q:
        rows = rows.filter(Q(delivery_id__icontains=q) | Q(last_error__icontains=q))
    return rows


def delivery_counts() -> dict:
    return Delivery.objects.aggregate(**{state: Count("pk", filter=Q(state=state)) for state in Delivery.State.values})
