"""Writes of client satisfaction: a survey when a ticket is resolved (emailed after commit), and the contact's
one-click answer and comment. Every write validates, runs in a transaction and is audited."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bspos.audit.services import audited, record
from bspos.core.services import absolute_url
from bspos.mail import conf as mail_conf
from bspos.satisfaction.models import COMMENT_LENGTH, RESEND_DAYS, Score, Survey
from bspos.servicedesk.models import Status, Ticket

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def on_ticket_status_changed(sender, ticket: Ticket, previous: str, status: str, by=None, **kwargs) -> None:
    if status == Status.RESOLVED:
        send_survey(ticket)


@transaction.atomic
def send_survey(ticket: Ticket, *, at: datetime | None = None) -> Survey | None:
    """Ask the ticket's contact to rate its resolution; nothing without a contact email, and nothing when the ticket
    had a survey in the last RESEND_DAYS (reopened and resolved again). The email leaves after the commit."""
    at = at or timezone.now()
    contact = ticket.contact
    if contact is None or not contact.email:
        return None
    if Survey.objects.filter(ticket=ticket, sent_at__gt=at - timedelta(days=RESEND_DAYS)).exists():
        return None
    token = secrets.token_urlsafe(32)
    survey = Survey.objects.create(ticket=ticket, contact=contact, technician_id=ticket.assignee_id,
                                   token_hash=token_hash(token), sent_at=at)
    record(None, survey, None)
    transaction.on_commit(lambda: email_survey(survey, token))
    return survey


def rating_links(token: str) -> list[tuple[str, str]]:
    """The three one-click links of a survey email, as (label, absolute URL)."""
    return [(label, absolute_url(reverse("rate", args=[token, value]))) for value, label in Score.choices]


def email_survey(survey: Survey, token: str) -> bool:
    """Send the survey email with its three links; a mail server that is down is logged (the resolve has committed
    and is not undone), and the email is not retried."""
    ticket = survey.ticket
    body = render_to_string("satisfaction/email.txt", {"ticket": ticket, "contact": survey.contact,
                                                       "links": rating_links(token)})
    message = EmailMessage(subject=f"How did we do? [#{ticket.number}] {ticket.subject}", body=body,
                           from_email=mail_conf.from_address(), to=[survey.contact.email])
    try:
        message.send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 (the resolve already committed; the failure must not surface there)
        log.warning("satisfaction survey for #%s not sent: %s", ticket.number, error)
        return False
    return True


@transaction.atomic
def rate(survey: Survey, score: str, *, at: datetime | None = None) -> Survey:
    """Record (or, within the change window, change) the contact's rating."""
    at = at or timezone.now()
    if score not in Score.values:
        raise ValidationError({"score": "Choose good, okay or bad."})
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.changeable(at):
        raise ValidationError({"score": "This rating can no longer be changed."})
    with audited(survey, None):
        if survey.answered_at is None:
            survey.answered_at = at
        elif survey.score != score:
            survey.changed_at = at
        survey.score = score
        survey.save()
    return survey


@transaction.atomic
def add_comment(survey: Survey, comment: str, *, at: datetime | None = None) -> Survey:
    """The optional words after a rating; changeable in the same window as the rating."""
    at = at or timezone.now()
    comment = (comment or "").strip()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.answered_at is None:
        raise ValidationError({"comment": "Choose a rating first."})
    if not survey.changeable(at):
        raise ValidationError({"comment": "This rating can no longer be changed."})
    if len(comment) > COMMENT_LENGTH:
        raise ValidationError({"comment": f"Keep the comment under {COMMENT_LENGTH} characters."})
    if comment != survey.comment:
        with audited(survey, None):
            survey.comment, survey.changed_at = comment, at
            survey.save()
    return survey
