"""Reads of the roll-ups: the facts of a window of months, stored rows for the closed months built since their last
change, `rollups.facts` from the raw rows for the others (the current month, a month changed since its build, a
month never built, or every month when the viewer's time zone is not the installation's)."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from bspos.core.dates import add_months, month_span
from bspos.money import reports
from bspos.rollups import facts
from bspos.rollups.models import ClientMonth, DeskMonth, RollupMonth, TechnicianMonth

# A month is built from an hour after it ends: a transaction that began in it has committed by then.
BUILD_GRACE = timedelta(hours=1)


def buildable(month: date, now: datetime | None = None) -> bool:
    """A closed month old enough to store (in the installation's time zone)."""
    with timezone.override(settings.TIME_ZONE):
        return month_span(month)[1] + BUILD_GRACE <= (now or timezone.now())


def stored_months(months: list[date]) -> set[date]:
    """The months of the window whose stored rows are fresh (built since the last change of their inputs)."""
    if not settings.BSPOS_ROLLUPS or timezone.get_current_timezone_name() != settings.TIME_ZONE:
        return set()  # stored months are the installation's months; another zone's months are computed live
    now = timezone.now()
    closed = [m for m in months if buildable(m, now)]
    if not closed:
        return set()
    return set(RollupMonth.objects.filter(month__in=closed, built_changes=F("changes"))
               .values_list("month", flat=True))


def _runs(months: list[date]) -> list[list[date]]:
    """Months in runs of consecutive ones, so each live computation reads one span."""
    runs: list[list[date]] = []
    for month in sorted(months):
        if runs and add_months(runs[-1][-1], 1) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


_reading: ContextVar[dict | None] = ContextVar("rollups_reading", default=None)


@contextmanager
def one_reading():
    """Within it, a month computed from the raw rows is computed once per table, however many figures read it
    (the owner's page reads the same months for a dozen figures)."""
    token = _reading.set({})
    try:
        yield
    finally:
        _reading.reset(token)


def _live(compute, months: list[date], client_ids: list[int] | None) -> list[dict]:
    """`compute` over the months, each month once per reading."""
    cache = _reading.get()
    if cache is None:
        return [row for run in _runs(months) for row in (compute(run) if client_ids is None
                                                          else compute(run, client_ids))]
    key = (compute, tuple(client_ids) if client_ids is not None else None)
    known = cache.setdefault(key, {})
    for run in _runs([m for m in months if m not in known]):
        found = compute(run) if client_ids is None else compute(run, client_ids)
        for month in run:
            known[month] = []
        for row in found:
            known[row["month"]].append(row)
    return [row for month in months for row in known[month]]


def _rows(model, compute, fields: list[str], months: list[date], client_ids: list[int] | None = None) -> list[dict]:
    months = sorted(set(months))
    stored = stored_months(months)
    rows = []
    if stored:
        table = model.objects.filter(month__in=stored)
        if client_ids is not None:
            table = table.filter(client_id__in=client_ids)
        rows = list(table.values("month", *fields))
    return rows + _live(compute, [m for m in months if m not in stored], client_ids)


def _client_facts(months: list[date], client_ids: list[int] | None = None) -> list[dict]:
    rows = facts.client_facts(months)
    return rows if client_ids is None else [row for row in rows if row["client_id"] in set(client_ids)]


def client_months(months: list[date], client_ids: list[int] | None = None) -> list[dict]:
    """Per client and month of the window (rows only where something happened): `facts.client_facts`."""
    return _rows(ClientMonth, _client_facts, ["client_id", *facts.CLIENT_FIGURES], months, client_ids)


def technician_months(months: list[date]) -> list[dict]:
    """Per person and month of the window: `facts.technician_facts`."""
    return _rows(TechnicianMonth, facts.technician_facts, ["technician_id", *facts.TECHNICIAN_FIGURES], months)


def desk_months(months: list[date]) -> list[dict]:
    """Per month, assignee and priority of the window: `facts.desk_facts`."""
    return _rows(DeskMonth, facts.desk_facts, ["assignee_id", "priority", *facts.TICKET_FIGURES], months)


def money_months(months: list[date], client_ids: list[int] | None = None) -> list[dict]:
    """The margin report's figures (`money.reports.month_figures`): stored client months, else the raw rows."""
    return _rows(ClientMonth, reports.live_month_figures, ["client_id", *facts.MONEY_FIGURES], months, client_ids)
