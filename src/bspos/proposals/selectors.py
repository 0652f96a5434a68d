"""Reads for proposals: the offer's totals and the pricing guard (one rule, `money.reports.guard`), catalogue
prices, and the sales figures the funnel and the pricing review read: win rate, pushback, time to decision, and
the pushback of proposals and renewals together."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bspos.agreements import selectors as agreement_selectors
from bspos.catalogue.models import AppFee
from bspos.core.money import cents, maybe_places
from bspos.money import reports
from bspos.proposals.models import LineKind, PricingReview, Proposal, Status


def catalogue_price(kind: str, item, proposal: Proposal) -> Decimal | None:
    """The catalogue's price: a service's list price; a package's, the sum of its included services' prices; a
    managed app's, the class fee (with the offer's package, else without one) plus the licence."""
    if kind == LineKind.SERVICE:
        return item.price
    if kind == LineKind.PACKAGE:
        return cents(sum((line.service.price for line in item.lines.select_related("service")
                          if line.is_included), Decimal(0)))
    if kind == LineKind.APP:
        package = proposal.lines.filter(kind=LineKind.PACKAGE).values_list("package_id", flat=True).first()
        fee = (AppFee.objects.filter(app_class=item.app_class, package_id=package).first()
               or AppFee.objects.filter(app_class=item.app_class, package__isnull=True).first())
        return cents((fee.fee_per_user if fee else Decimal(0)) + item.licence_price)
    return None


AMOUNT = ExpressionWrapper(F("quantity") * F("unit_price") * (Value(100) - F("discount_percent")) / Value(100),
                           output_field=DecimalField(max_digits=18, decimal_places=4))


def with_monthly_total(proposals):
    """Proposals annotated with their offer's monthly total (`monthly_total`), summed in the same query."""
    amount = ExpressionWrapper(F("lines__quantity") * F("lines__unit_price") * (Value(100) - F(
        "lines__discount_percent")) / Value(100), output_field=DecimalField(max_digits=18, decimal_places=4))
    return proposals.annotate(monthly_total=Coalesce(Sum(amount, filter=Q(lines__monthly=True)), Value(Decimal(0))))


def totals(proposal: Proposal) -> dict[str, Decimal]:
    """The offer's monthly and one-time totals, summed in the database."""
    sums = proposal.lines.aggregate(
        monthly_total=Coalesce(Sum(AMOUNT, filter=Q(monthly=True)), Value(Decimal(0))),
        one_time_total=Coalesce(Sum(AMOUNT, filter=Q(monthly=False)), Value(Decimal(0))))
    return {"monthly": cents(sums["monthly_total"]), "one_time": cents(sums["one_time_total"])}


def guard(proposal: Proposal) -> reports.Guard:
    """The pricing guard on the offer's monthly price (seed 000): floor 3 × the estimated direct cost per month,
    ceiling one third of the value, the value being the Problem's cost (per year ÷ 12)."""
    monthly = totals(proposal)["monthly"]
    cost = proposal.direct_cost_per_month or Decimal(0)
    value = proposal.problem_cost_per_year / 12 if proposal.problem_cost_per_year is not None else None
    return reports.guard(monthly, cost * 3, value)  # guard() takes three months of cost


def _since(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def sent_between(first: date, last: date):
    """Proposals sent in first..last, newest first (each with its status and days to a decision)."""
    return Proposal.objects.filter(sent_at__gte=_since(first), sent_at__lt=_since(last + timedelta(days=1))).order_by(
        "-sent_at", "-pk")


def sales_figures(first: date, last: date) -> dict:
    """Proposals sent in first..last: how many were accepted, declined or renegotiated (revised after sending),
    the win rate (accepted ÷ decided), the pushback rate ((declined + renegotiated) ÷ sent) and the average days
    from sending to the decision."""
    row = sent_between(first, last).order_by().aggregate(
        sent=Count("pk"), accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=Status.DECLINED)),
        renegotiated=Count("pk", filter=Q(status=Status.REVISED)),
        days=Avg(ExpressionWrapper(F("decided_at") - F("sent_at"), output_field=DurationField()),
                 filter=Q(decided_at__isnull=False)))
    decided = row["accepted"] + row["declined"]
    row["win_rate"] = maybe_places(Decimal(row["accepted"] * 100) / decided, "0.1") if decided else None
    row["pushback_rate"] = maybe_places(Decimal((row["declined"] + row["renegotiated"]) * 100) / row["sent"],
                                        "0.1") if row["sent"] else None
    row["days_to_decision"] = maybe_places(Decimal(row.pop("days").total_seconds()) / 86400, "0.1") \
        if row["days"] else row.pop("days")
    return row


def pricing_pushback(first: date, last: date) -> dict:
    """Pushback on price in first..last from both sides of the sale: proposals declined or renegotiated, and
    agreements renegotiated cheaper or not renewed at the end of a term (`agreements.selectors.renewals`), over
    the proposals sent and the renewals due; the rate in percent, None when there was neither."""
    proposals, renewals = sales_figures(first, last), agreement_selectors.renewals(first, last)
    pushed = proposals["declined"] + proposals["renegotiated"] + renewals["pushback"]
    asked = proposals["sent"] + renewals["due"]
    return {"proposals": proposals, "renewals": renewals, "pushed": pushed, "asked": asked,
            "rate": maybe_places(Decimal(pushed * 100) / asked, "0.1") if asked else None}


# seed 000: none pushing back means underpriced; everyone pushing back means the value story needs proof
UNDERPRICED, OVERPRICED_AT = Decimal(0), Decimal(80)


def pushback_verdict(rate: Decimal | None) -> str:
    return ("no proposals sent and no renewals due" if rate is None else
            "underpriced: nobody pushes back" if rate == UNDERPRICED else
            "everyone pushes back: rebuild the proof of value" if rate >= OVERPRICED_AT else
            "some push back: priced near the value")


def pricing_reviews() -> list[dict]:
    """Each yearly pricing review with the pushback it was held against (kept on the record) and its verdict."""
    return [{"review": review, "verdict": pushback_verdict(review.pushback_rate)}
            for review in PricingReview.objects.select_related("by")]


def readiness_evidence(today: date) -> dict[str, tuple[int, str]]:
    """Suggested answers for s8 (prescriptive selling) and a6 (the yearly pricing review with pushback)."""
    suggestions: dict[str, tuple[int, str]] = {}
    year_ago = today - timedelta(days=365)
    sent = Proposal.objects.filter(sent_at__gte=_since(year_ago)).aggregate(
        n=Count("pk"), diagnosed=Count("pk", filter=~Q(problem="") & Q(problem_cost_per_year__isnull=False)
                                       & Q(problem_cost_per_year__gt=0)))
    if sent["n"]:
        share = sent["diagnosed"] / sent["n"]
        suggestions["s8"] = (4 if share >= 0.95 else 3 if share >= 0.8 else 2 if share >= 0.5 else 1,
                             f"{sent['diagnosed']} of {sent['n']} proposals sent this year diagnosed the problem and "
                             "its yearly cost before the offer.")
    review = PricingReview.objects.filter(held_on__gte=year_ago).order_by("-held_on").first()
    rate = pricing_pushback(year_ago, today)["rate"]
    if review or rate is not None:
        pushing = rate is not None and UNDERPRICED < rate < OVERPRICED_AT
        score = (2 if review else 0) + (2 if pushing else 0)
        suggestions["a6"] = (score, (f"Pricing reviewed on {review.held_on:%d %b %Y}" if review else
                                     "No pricing review in the last 12 months")
                             + (f"; {rate}% of proposals and renewals met pushback (declined, renegotiated or "
                                "not renewed)." if rate is not None else "; no proposals sent, no renewals due."))
    return suggestions
