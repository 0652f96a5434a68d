"""Reads over agreements that are more than a filter: what happened when their terms came up for renewal.

bspos keeps no renewal record of its own: an agreement has a start, a term in months and, once it stops, an end.
So a renewal is read from those (the pricing review's pushback counts it, seed 000: "if no client is pushing back,
you're underpriced"):

- a term ends every `term_months` after the start; one that ends in the period while the agreement goes on is
  **renewed as it stood**;
- an agreement that ended in the period is **renegotiated** when the client's next agreement (starting within
  RENEWAL_GAP_DAYS after the end) costs less a month than it did, **renewed** when that next one costs as much
  or more, and **not renewed** when none follows;
- each agreement counts once a period.
"""

from datetime import date, timedelta

from bspos.agreements.models import Agreement
from bspos.core.dates import add_months

RENEWAL_GAP_DAYS = 31  # a new agreement starting this soon after the old one ended replaces it


def _term_ends_in(start: date, term: int, first: date, last: date) -> date | None:
    """The first day a term of `term` months from `start` ends on in first..last, if one does."""
    months = max((first.year - start.year) * 12 + first.month - start.month, term) // term * term
    end = add_months(start, months)
    while end < first:
        months += term
        end = add_months(start, months)
    return end if end <= last else None


def renewals(first: date, last: date) -> dict[str, int]:
    """Agreements whose term came up in first..last: how many were renewed as they stood or on new paper,
    renegotiated (a cheaper agreement replaced them) or not renewed; `pushback` = renegotiated + not renewed."""
    rows = list(Agreement.objects.filter(start_date__lt=last).exclude(end_date__lt=first).values_list(
        "pk", "client_id", "start_date", "end_date", "term_months", "unit_price", "quantity"))
    ended = [row for row in rows if row[3] is not None and row[3] <= last]
    following: dict[int, list[tuple]] = {}
    for row in Agreement.objects.filter(client_id__in={row[1] for row in ended}, start_date__gte=first).values_list(
            "pk", "client_id", "start_date", "unit_price", "quantity").order_by("start_date", "pk"):
        following.setdefault(row[1], []).append(row)
    counts = {"due": 0, "renewed": 0, "renegotiated": 0, "not_renewed": 0}
    for pk, client_id, start, end, term, price, quantity in rows:
        if end is not None and end <= last:
            monthly = price * quantity
            successor = next((s for s in following.get(client_id, []) if s[0] != pk and start < s[2]
                              and end - timedelta(days=RENEWAL_GAP_DAYS) <= s[2]
                              <= end + timedelta(days=RENEWAL_GAP_DAYS)), None)
            outcome = ("not_renewed" if successor is None else
                       "renegotiated" if successor[3] * successor[4] < monthly else "renewed")
        elif term and _term_ends_in(start, term, first, last):
            outcome = "renewed"
        else:
            continue
        counts["due"] += 1
        counts[outcome] += 1
    counts["pushback"] = counts["renegotiated"] + counts["not_renewed"]
    return counts
