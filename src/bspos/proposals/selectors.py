"""Reads for proposals: the offer's totals and the pricing guard (one rule, `money.reports.guard`), catalogue
prices, and the sales figures the funnel and the pricing review read: win rate, pushback, time to decision."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

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


def sales_figures(first: date, last: date) -> dict:
    """Proposals sent in first..last: how many were accepted, declined or renegotiated (revised after sending),
    the win rate (accepted ÷ decided), the pushback rate ((declined + renegotiated) ÷ sent) and the average days
    from sending to the decision."""
    sent = Proposal.objects.filter(sent_at__gte=_since(first), sent_at__lt=_since(last + timedelta(days=1)))
    row = sent.aggregate(sent=Count("pk"), accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
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


def pricing_reviews(today: date) -> list[dict]:
    """Each yearly pricing review with the pushback of the proposals sent in the year before it was held
    (seed 000: none pushing back means underpriced; everyone pushing back means the value story needs proof)."""
    rows = []
    for review in PricingReview.objects.all():
        figures = sales_figures(review.held_on - timedelta(days=365), review.held_on)
        rate = figures["pushback_rate"]
        verdict = ("no proposals sent" if rate is None else "underpriced: nobody pushes back" if rate == 0 else
                   "everyone pushes back: rebuild the proof of value" if rate >= 80 else "some push back: priced "
                   "near the value")
        rows.append({"review": review, "figures": figures, "verdict": verdict})
    return rows


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
    figures = sales_figures(year_ago, today)
    rate = figures["pushback_rate"]
    if review or rate is not None:
        pushing = rate is not None and 0 < rate < 80
        score = (2 if review else 0) + (2 if pushing else 0)
        suggestions["a6"] = (score, (f"Pricing reviewed on {review.held_on:%d %b %Y}" if review else
                                     "No pricing review in the last 12 months")
                             + (f"; {rate}% of proposals met pushback (declined or renegotiated)."
                                if rate is not None else "; no proposals sent."))
    return suggestions
