from datetime import date
from decimal import Decimal

from bspos.people.models import Rate, User


def rate_on(user: User, day: date) -> tuple[Decimal, Decimal]:
    """(cost rate, bill rate) per hour in force for the user on that day; zero when none is set."""
    rate = Rate.objects.filter(user=user, effective_from__lte=day).order_by("-effective_from").first()
    if rate is None:
        return Decimal("0.00"), Decimal("0.00")
    return rate.cost_rate, rate.bill_rate
