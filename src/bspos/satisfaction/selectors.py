"""Reads of client satisfaction: the survey behind a link, and the figures (counts and % good) by technician, by
client and for a period against the one before. Everything is counted in the database."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from bspos.core.money import percent
from bspos.satisfaction.models import Score, Survey
from bspos.satisfaction.services import token_hash

_ANSWERED = ~Q(score="")
FIGURES = {
    "sent": Count("pk"),
    "answered": Count("pk", filter=_ANSWERED),
    "good": Count("pk", filter=Q(score=Score.GOOD)),
    "okay": Count("pk", filter=Q(score=Score.OKAY)),
    "bad": Count("pk", filter=Q(score=Score.BAD)),
}


def survey_for_link(token: str) -> Survey | None:
    """The survey a link's token opens, or None when the token is unknown or the link has expired."""
    if not token or len(token) > 100:
        return None
    survey = Survey.objects.select_related("ticket", "contact").filter(token_hash=token_hash(token)).first()
    if survey is None or survey.expired():
        return None
    return survey


def latest_survey(ticket) -> Survey | None:
    return Survey.objects.filter(ticket=ticket).order_by("-sent_at", "-id").first()


def _shaped(row: dict) -> dict:
    return {**row, "good_pct": percent(row["good"], row["answered"]),
            "response_pct": percent(row["answered"], row["sent"])}


def totals(surveys: QuerySet[Survey]) -> dict:
    """Surveys sent, answered, good / okay / bad, % good of the answered and % answered."""
    return _shaped(surveys.aggregate(**FIGURES))


def by_technician(surveys: QuerySet[Survey]) -> list[dict]:
    rows = (surveys.values("technician_id", "technician__username", "technician__first_name",
                           "technician__last_name").annotate(**FIGURES).order_by("technician__username"))
    return [_shaped({**row, "name": " ".join(filter(None, [row["technician__first_name"],
                                                           row["technician__last_name"]]))
                     or row["technician__username"] or "Unassigned"}) for row in rows]


def by_client(surveys: QuerySet[Survey]) -> list[dict]:
    rows = surveys.values("ticket__client_id", "ticket__client__name").annotate(**FIGURES).order_by(
        "ticket__client__name")
    return [_shaped({**row, "name": row["ticket__client__name"]}) for row in rows]


def satisfaction_between(since: datetime, until: datetime, previous_since: datetime, client=None) -> dict:
    """Satisfaction of tickets resolved in [since, until) against [previous_since, since): sent, answered, good,
    % good now and before, and the change in points. One query."""
    surveys = Survey.objects.filter(sent_at__gte=previous_since, sent_at__lt=until)
    if client is not None:
        surveys = surveys.filter(ticket__client=client)
    now, before = Q(sent_at__gte=since), Q(sent_at__lt=since)
    row = surveys.aggregate(**{f"{key}_{span}": Count("pk", filter=figure.filter & condition if figure.filter
                                                       else condition)
                               for key, figure in FIGURES.items()
                               for span, condition in (("now", now), ("before", before))})
    current = _shaped({key: row[f"{key}_now"] for key in FIGURES})
    previous = _shaped({key: row[f"{key}_before"] for key in FIGURES})
    change = (current["good_pct"] - previous["good_pct"]
              if current["good_pct"] is not None and previous["good_pct"] is not None else None)
    return {**current, "previous": previous, "change_points": change}
