"""Money arithmetic: every amount bspos shows or stores is rounded here, one way.

Commercial rounding (half a cent goes up, ROUND_HALF_UP) for amounts, and the same mode for the one-decimal
figures (percentages, hours) that reports show, so a figure never depends on which page computed it.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ROUNDING = ROUND_HALF_UP


def cents(value) -> Decimal:
    """An amount rounded to the cent (None and database NULLs count as zero)."""
    return to_places(value or 0, CENT)


def to_places(value, places: str | Decimal = "0.1") -> Decimal:
    """A figure rounded to `places` ("0.1", "0.01", "1") with the one rounding mode."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(Decimal(places), rounding=ROUNDING)


def maybe_places(value, places: str | Decimal = "0.1") -> Decimal | None:
    """`to_places`, keeping None (a figure that cannot be computed stays unknown)."""
    return None if value is None else to_places(value, places)


def percent(part, whole, places: str = "0.1") -> Decimal | None:
    """part as a percentage of whole, or None when whole is zero."""
    if not whole:
        return None
    return to_places(Decimal(part or 0) * 100 / Decimal(whole), places)


def hours(minutes, places: str = "0.01") -> Decimal:
    """Minutes as hours."""
    return to_places(Decimal(minutes or 0) / 60, places)
