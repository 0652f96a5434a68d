"""The monthly client summary: last month on one page (tickets and SLA results, alerts, satisfaction, what ends
soon, roadmap progress, the next review), as a PDF emailed to the client's primary contacts.

Opt-in per client (`PlanSettings.monthly_summary`); sent once per client and month (a unique row in
`MonthlySummary`, written in the email's transaction), by the scheduler early each month or from a button.
"""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from bspos.audit.services import record, snapshot
from bspos.clients.models import Client, ClientStatus, Contact
from bspos.core.dates import month_end, month_start, previous_month
from bspos.core.money import cents, percent
from bspos.mail import conf as mail_conf
from bspos.money.models import BillingSettings
from bspos.reviews.models import MonthlySummary, PlanSettings, Review
from bspos.reviews.selectors import Period, alert_figures, documentation_figures, satisfaction_figures, ticket_figures
from bspos.servicedesk.models import Ticket
from bspos.servicedesk.selectors import resolution_sla_met
from bspos.vcio.models import RoadmapItem, RoadmapStatus
from bspos.vcio.selectors import APPROVED

log = logging.getLogger(__name__)


def summary_month(today: date) -> date:
    """The month a summary sent on `today` covers: the last complete one."""
    return previous_month(today)


def roadmap_progress(client: Client) -> dict:
    """The client's roadmap by status (cancelled left out) and the share of approved items done."""
    items = RoadmapItem.objects.filter(client=client).exclude(status=RoadmapStatus.CANCELLED)
    counts = items.aggregate(**{status.value: Count("pk", filter=Q(status=status))
                                for status in RoadmapStatus if status != RoadmapStatus.CANCELLED},
                             approved_one_time=Sum("one_time", filter=Q(status__in=APPROVED)))
    approved = sum(counts[status] for status in APPROVED)
    return {**counts, "approved": approved, "done_pct": percent(counts[RoadmapStatus.DONE], approved),
            "approved_one_time": cents(counts["approved_one_time"]),
            "open": list(items.filter(status__in=[RoadmapStatus.PLANNED, RoadmapStatus.IN_PROGRESS])
                         .values("title", "status", "quarter")[:10])}


def next_review(client: Client) -> dict | None:
    review = Review.objects.filter(client=client, status=Review.Status.PLANNED).first()
    return {"due_on": review.due_on, "scheduled_at": review.scheduled_at} if review else None


def monthly_summary(client: Client, month: date) -> dict:
    """The figures of one client's summary of `month` (any day of it), against the month before where it counts."""
    period = Period(month_start(month), month_end(month))
    sla = resolution_sla_met(Ticket.objects.filter(client=client), period.since, period.until)
    resolved = Ticket.objects.filter(client=client, resolved_at__gte=period.since, resolved_at__lt=period.until)
    return {"client": client, "month": period.start, "period": period,
            "tickets": ticket_figures(client, period), "resolved": resolved.count(), "sla": sla,
            "alerts": alert_figures(client, period), "satisfaction": satisfaction_figures(client, period),
            "documentation": documentation_figures(client, period), "roadmap": roadmap_progress(client),
            "next_review": next_review(client)}


def primary_addresses(client: Client) -> list[str]:
    """Where the summary goes: the client's active primary contacts with an email address."""
    return list(Contact.objects.filter(client=client, is_primary=True, is_active=True).exclude(email="")
                .order_by("pk").values_list("email", flat=True))


def summary_pdf(figures: dict) -> bytes:
    from weasyprint import HTML  # loads Pango only when a PDF is made

    seller = BillingSettings.objects.filter(pk=1).first() or BillingSettings()
    html = render_to_string("reviews/summary_pdf.html", {**figures, "company": seller,
                                                         "currency": seller.currency})
    return HTML(string=html).write_pdf()


def opted_in(client: Client) -> bool:
    return PlanSettings.objects.filter(client=client, monthly_summary=True).exists()


def set_monthly_summary(client: Client, *, enabled: bool, by=None) -> PlanSettings:
    """Turn the client's monthly summary on or off (audited)."""
    return update_plan_settings(client, by=by, monthly_summary=enabled)


@transaction.atomic
def update_plan_settings(client: Client, *, by=None, **fields) -> PlanSettings:
    """Change a client's plan settings (the renewal price rise, the monthly summary opt-in); audited."""
    settings = (PlanSettings.objects.select_for_update(of=("self",)).filter(client=client).first()
                or PlanSettings(client=client))
    before = snapshot(settings) if settings.pk else None
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean(validate_unique=False)
    settings.save()
    record(by, settings, before)
    return settings


def send_monthly_summary(client: Client, *, month: date, by=None) -> MonthlySummary:
    """Email the summary of `month` (PDF attached) to the client's primary contacts, once per client and month.
    Refused with the reason when the client has not opted in, has nobody to send it to, or already had it."""
    month = month_start(month)
    with transaction.atomic():
        settings = PlanSettings.objects.select_for_update(of=("self",)).filter(client=client).first()
        if settings is None or not settings.monthly_summary:
            raise ValidationError(f"{client.name} has not opted in to the monthly summary: turn it on first.")
        sent = MonthlySummary.objects.filter(client=client, month=month).first()
        if sent is not None:
            raise ValidationError(f"The summary of {month:%B %Y} went to {client.name} on "
                                  f"{timezone.localtime(sent.sent_at):%d %b %Y}; it is sent once a month.")
        recipients = primary_addresses(client)
        if not recipients:
            raise ValidationError(f"{client.name} has no active primary contact with an email address.")
        try:
            with transaction.atomic():
                summary = MonthlySummary.objects.create(client=client, month=month, sent_by=by,
                                                        recipients=", ".join(recipients))
        except IntegrityError:  # another sender got there first
            raise ValidationError(f"The summary of {month:%B %Y} has already gone to {client.name}.") from None
        figures = monthly_summary(client, month)
        message = EmailMessage(
            subject=f"{client.name}: your IT summary for {month:%B %Y}",
            body=render_to_string("reviews/summary_email.txt", figures), from_email=mail_conf.from_address(),
            to=recipients)
        message.attach(f"it-summary-{month:%Y-%m}.pdf", summary_pdf(figures), "application/pdf")
        message.send(fail_silently=False)  # into the outbox, in this transaction
        record(by, summary, None)
    return summary


def send_due_summaries(today: date | None = None) -> int:
    """The scheduler's monthly run: last month's summary to every active client that opted in and has not had it.
    A client that cannot be sent to (nobody to send it to) is logged and skipped; running again sends nothing twice."""
    month = summary_month(today or timezone.localdate())
    clients = (Client.objects.filter(status=ClientStatus.ACTIVE, plan_settings__monthly_summary=True)
               .exclude(monthly_summaries__month=month).order_by("pk"))
    sent = 0
    for client in clients:
        try:
            send_monthly_summary(client, month=month)
        except ValidationError as refused:
            log.warning("monthly summary for client %s not sent: %s", client.pk, " ".join(refused.messages))
        else:
            sent += 1
    return sent
