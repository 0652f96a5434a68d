"""Figures the foundation pages show but a higher app computes (revenue is invoiced in `money`, the desk's SLA
results live in `servicedesk`, technician onboarding in `knowledge`).

Foundation sits low in the layering and imports none of those; the owner's figures (`scorecard`, which reads
everything) supply them here when the project starts (`scorecard.apps`). A figure nobody supplies reads as
unknown, so foundation works on its own.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

_suppliers: dict[str, Callable[..., Any]] = {}

# The figures foundation asks for, and what each supplier is called with and returns.
ICP_REACH = "icp_reach"  # (icp, today) -> {"clients": share, "revenue": share, "leads": share, "trend": [...]}
LIVE_MEASURE = "live_measure"  # (key of LiveMeasure, today) -> Decimal | None
SLA_RESULTS = "sla_results"  # (plan ids, today) -> [{"plan": name, "priority": …, "met": %, "resolved": n}, …]
ONBOARDING_DAYS = "onboarding_days"  # (today) -> {"days": Decimal | None, "runs": n}
RENEWALS = "renewals"  # (client ids, today) -> {client id: next renewal date}


def supply(name: str, function: Callable[..., Any]) -> None:
    """Register the function that computes a figure (called once at start-up by the app that owns the data)."""
    _suppliers[name] = function


def figure(name: str, *args, default: Any = None) -> Any:
    """The figure, or `default` when no app supplies it."""
    supplier = _suppliers.get(name)
    return supplier(*args) if supplier else default


def live_measure(key: str, today: date) -> Decimal | None:
    return figure(LIVE_MEASURE, key, today) if key else None
