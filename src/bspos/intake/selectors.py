"""Reads for the intake pages: the counts above the lists, computed in the database (the lists themselves are
filtered by intake/filters.py)."""

from django.db.models import Count, Q

from bspos.intake.models import Alert, Delivery


def alert_counts(user) -> dict:
    """Firing, unassigned and total alerts the user may see, in one query."""
    return Alert.objects.visible_to(user).aggregate(firing=Count("pk", filter=Q(state=Alert.State.FIRING)),
                                   unassigned=Count("pk", filter=Q(client__isnull=True)),
                                   unassigned_firing=Count("pk", filter=Q(client__isnull=True,
                                                                          state=Alert.State.FIRING)),
                                   total=Count("pk"))


def delivery_counts() -> dict:
    return Delivery.objects.aggregate(**{state: Count("pk", filter=Q(state=state)) for state in Delivery.State.values})
