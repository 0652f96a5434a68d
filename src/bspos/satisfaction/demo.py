"""A year of satisfaction ratings for the demo MSP: a survey for each ticket resolved in the last 12 months whose
contact has an email, about half of them answered, mostly good, with a few comments."""

import random
from datetime import datetime, timedelta

from django.db.models import Max

from bspos.satisfaction.models import Score, Survey
from bspos.servicedesk.models import Ticket

COMMENTS = {Score.GOOD: ["Quick and friendly, thank you!", "Fixed before my coffee got cold."],
            Score.OKAY: ["Fixed, but it took a couple of days.", "Had to explain the problem twice."],
            Score.BAD: ["Nobody called back for three days.", "The same problem came back the next week."]}


def load_demo_ratings(now: datetime, rng: random.Random, insert_rows) -> int:
    """Rows inserted in bulk (`insert_rows`, the demo's COPY); their tokens exist nowhere, so no link opens."""
    tickets = (Ticket.objects.filter(resolved_at__gte=now - timedelta(days=365), resolved_at__lte=now,
                                     contact__isnull=False).exclude(contact__email="")
               .values_list("pk", "contact_id", "assignee_id", "resolved_at").order_by("pk"))
    rows, next_id = [], (Survey.objects.aggregate(last=Max("id"))["last"] or 0) + 1  # COPY takes explicit ids
    for pk, contact_id, assignee_id, resolved_at in tickets.iterator(chunk_size=5000):
        row = {"id": next_id + len(rows), "ticket_id": pk, "contact_id": contact_id, "technician_id": assignee_id,
               "token_hash": f"{rng.getrandbits(256):064x}", "sent_at": resolved_at, "score": "", "comment": ""}
        if rng.random() < 0.45:
            # Technicians differ a little, so the per-technician table has something to show.
            luck = rng.random() + ((assignee_id or 0) % 4) * 0.02
            score = Score.BAD if luck < 0.07 else Score.OKAY if luck < 0.2 else Score.GOOD
            answered = min(resolved_at + timedelta(hours=rng.randrange(1, 72)), now)
            row |= {"score": score, "answered_at": answered,
                    "comment": rng.choice(COMMENTS[score]) if rng.random() < 0.15 else ""}
        rows.append(row)
    insert_rows(Survey, rows)
    return len(rows)
