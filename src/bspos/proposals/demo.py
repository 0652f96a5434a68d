"""A year of the demo MSP's proposals: accepted for the leads that signed, declined or renegotiated (a revised
version) for some that were lost, with the PASTA sections written, and last year's pricing review. Bulk inserts,
choices from the builder's rng; `leads` is the funnel's queryset (the demo passes it in)."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bspos.foundation.models import Solution
from bspos.proposals import selectors
from bspos.proposals.models import PricingReview, Proposal, ProposalLine, Status

PROBLEMS = [("Partners lose billable hours every month to outages and slow systems.", "36000"),
            ("Client files sit on laptops without encryption; one lost laptop is a bar complaint.", "60000"),
            ("Front desk waits on the practice-management system every morning.", "24000"),
            ("Month-end close slips a week because of spreadsheet workarounds.", "30000")]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load_demo_proposals(now: datetime, rng: random.Random, *, leads) -> int:
    today = timezone.localtime(now).date()
    year_ago = today - timedelta(days=365)
    solution = Solution.objects.filter(name="Legal Practice Growth System").first()
    rows, declined = [], 0
    for lead in leads.filter(awareness_on__gte=year_ago).select_related("client").order_by("pk"):
        won = lead.excitement_on is not None
        if not won and (lead.lost_on is None or (declined and rng.random() < 0.6)):
            continue  # most lost leads never got as far as a proposal (the first one did)
        problem, cost = rng.choice(PROBLEMS)
        sent = (lead.conversion_on or lead.excitement_on or lead.lost_on or lead.awareness_on)
        sent = min(max(sent, lead.awareness_on), today)
        decided = min((lead.excitement_on or lead.lost_on or sent) + timedelta(days=rng.randrange(0, 6)), today)
        base = {"title": "Practice Growth System" if lead.vertical == "Legal" else "Business continuity plan",
                "lead": lead, "client": lead.client, "company": lead.name, "contact_email": lead.contact_email,
                "solution": solution if lead.vertical == "Legal" else None, "problem": problem,
                "problem_cost_per_year": Decimal(cost), "accentuate": "Doing nothing keeps the cost, and the risk.",
                "solution_text": "Standard stack, monitored, documented; quarterly business reviews.",
                "transformation": "Lost hours under one a month within 90 days.",
                "direct_cost_per_month": Decimal(rng.randrange(150, 400)), "sent_at": _at(sent),
                "expires_on": sent + timedelta(days=30)}
        if won:
            pushed = rng.random() < 0.3  # renegotiated once before signing
            if pushed:
                rows.append(Proposal(**base, status=Status.REVISED, version=1))
            rows.append(Proposal(**{**base, "sent_at": _at(sent, 15)}, status=Status.ACCEPTED,
                                 version=2 if pushed else 1, decided_at=_at(decided, 16),
                                 decided_by_name=lead.name.split()[0]))
        else:
            declined += 1
            rows.append(Proposal(**base, status=Status.DECLINED, decided_at=_at(decided, 16),
                                 decided_by_name="Managing partner", decision_comment=rng.choice([
                                     "Too expensive for us this year.", "We'll stay with our current provider.",
                                     "Not a priority right now."])))
    Proposal.objects.bulk_create(rows, batch_size=1000)
    proposals = list(Proposal.objects.order_by("pk").only("pk", "version", "direct_cost_per_month"))
    lines = []
    for proposal in proposals:
        price = (proposal.direct_cost_per_month * Decimal(rng.choice(["3.5", "4", "4.5", "5"]))).quantize(
            Decimal("0.01"))
        lines.append(ProposalLine(proposal_id=proposal.pk, description="Managed outcome, per month", unit_price=price,
                                  position=1))
        lines.append(ProposalLine(proposal_id=proposal.pk, description="Onboarding and standardisation",
                                  unit_price=Decimal("1500"), monthly=False, position=2))
    ProposalLine.objects.bulk_create(lines, batch_size=1000)
    # a revised version's successor links back to it
    revised = {p.lead_id: p for p in Proposal.objects.filter(status=Status.REVISED)}
    successors = [p for p in Proposal.objects.filter(status=Status.ACCEPTED, version=2, lead_id__in=revised)]
    for proposal in successors:
        proposal.previous = revised[proposal.lead_id]
    Proposal.objects.bulk_update(successors, ["previous"], batch_size=1000)
    held = date(today.year - 1, 1, 20)
    pushback = selectors.pricing_pushback(held - timedelta(days=365), held)  # as record_pricing_review keeps it
    PricingReview.objects.create(
        year=held.year, held_on=held, decision="Gold and Platinum up 8%; Silver unchanged for existing clients.",
        proposals_sent=pushback["proposals"]["sent"], renewals_due=pushback["renewals"]["due"],
        proposals_pushback=pushback["proposals"]["declined"] + pushback["proposals"]["renegotiated"],
        renewals_pushback=pushback["renewals"]["pushback"], pushback_rate=pushback["rate"])
    return len(rows)
