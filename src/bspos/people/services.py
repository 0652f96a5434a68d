"""People's rates: the rate in force on a day, and setting a rate from a date on (history is kept)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from bspos.people.models import Rate, User


def rate_on(user: User, day: date) -> tuple[Decimal, Decimal]:
    """(cost rate, bill rate) per hour in force for the user on that day; zero when none is set."""
    rate = Rate.objects.filter(user=user, effective_from__lte=day).order_by("-effective_from").first()
    if rate is None:
        return Decimal("0.00"), Decimal("0.00")
    return rate.cost_rate, rate.bill_rate


@transaction.atomic
def set_rate(*, user: User, effective_from: date, cost_rate: Decimal, bill_rate: Decimal,
             rate: Rate | None = None) -> Rate:
    """The user's rates from `effective_from` on (one rate per user and day; `rate` is the row being corrected).

    Time already logged keeps the rates it copied when it was logged."""
    if rate is None:
        rate = Rate.objects.select_for_update().filter(user=user, effective_from=effective_from).first() or Rate()
    rate.user, rate.effective_from, rate.cost_rate, rate.bill_rate = user, effective_from, cost_rate, bill_rate
    rate.full_clean()
    rate.save()
    return rate


@transaction.atomic
def remove_rate(*, rate: Rate) -> None:
    """Remove a rate from the history (entries logged under it keep the rates they copied)."""
    rate.delete()


@transaction.atomic
def update_profile(*, user: User, first_name: str, last_name: str, email: str, time_zone: str) -> User:
    """A person's own name, email and time zone (blank: the MSP's); an unknown zone is refused."""
    fields = ["first_name", "last_name", "email", "time_zone"]
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.email, user.time_zone = email, time_zone
    try:
        user.full_clean(exclude=["password"])
    except ValidationError:
        user.refresh_from_db(fields=fields)  # a refused change leaves the signed-in person as they were
        raise
    user.save(update_fields=fields)
    return user
