"""Writes to proposals: each validates, runs in a transaction and leaves an audit entry. The pricing guard is
applied before a proposal can be sent; accepting through the public link creates the client and the agreement in
one transaction, once."""

import hashlib
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from bspos.agreements import services as agreement_services
from bspos.agreements.models import AgreementKind
from bspos.audit.services import audited, delete_audited
from bspos.catalogue.models import QuantityDiscount
from bspos.clients import services as client_services
from bspos.clients.models import Client, ClientStatus
from bspos.core.permissions import Can, can, is_client_contact
from bspos.proposals import selectors
from bspos.proposals.models import LINK_DAYS, LineKind, PricingReview, Proposal, ProposalLine, Status
from bspos.proposals.signals import proposal_accepted, proposal_declined, proposal_sent

SECTIONS = [("problem", "Problem"), ("problem_cost_per_year", "the Problem's cost per year"),
            ("accentuate", "Accentuate (the consequences of doing nothing)"), ("solution_text", "Solution"),
            ("transformation", "Transformation (the measurable after-state)")]


def require_seller(user) -> None:
    if is_client_contact(user):
        raise Http404("Not found.")
    if not can(user, Can.VCIO):
        raise PermissionDenied("Only account managers and the owner write proposals (vcio).")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _save(instance, by, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    with transaction.atomic(), audited(instance, by):
        instance.save()
    return instance


def _draft(proposal: Proposal) -> None:
    if proposal.status != Status.DRAFT:
        raise ValidationError(f"Version {proposal.version} was {proposal.get_status_display().lower()}: revise it "
                              "to change the offer (a new version).")


EDITABLE = {"title", "company", "contact_name", "contact_email", "solution", "problem", "problem_cost_per_year",
            "accentuate", "solution_text", "transformation", "direct_cost_per_month"}


def create_proposal(*, by, title: str, lead=None, client: Client | None = None, **fields) -> Proposal:
    """A draft proposal for a funnel lead or an existing client (the company and contact come from them)."""
    if lead is None and client is None:
        raise ValidationError("A proposal is for a lead in the funnel or an existing client: choose one.")
    if client is None and lead is not None and lead.client_id:
        client = lead.client
    company = fields.pop("company", "") or (client.name if client else lead.name)
    if lead is not None and not fields.get("contact_email"):
        fields["contact_email"] = lead.contact_email
    return _save(Proposal(author=by), by, title=title.strip(), lead=lead, client=client, company=company,
                 **{k: v for k, v in fields.items() if k in EDITABLE})


def update_proposal(proposal: Proposal, *, by, **fields) -> Proposal:
    _draft(proposal)
    return _save(proposal, by, **{k: v for k, v in fields.items() if k in EDITABLE})


def add_line(*, proposal: Proposal, by, kind: str = LineKind.CUSTOM, package=None, service=None, app=None,
             description: str = "", quantity: Decimal = Decimal("1"), unit_price: Decimal | None = None,
             monthly: bool = True) -> ProposalLine:
    """A line of the offer. Prescriptive selling diagnoses first: no offer before the Problem and its yearly cost
    are written. Prices default to the catalogue's; managed apps get the catalogue's quantity discount."""
    _draft(proposal)
    if not proposal.problem.strip() or proposal.problem_cost_per_year is None:
        raise ValidationError("Diagnose first: write the Problem and its cost per year before any offer.")
    item = package or service or app
    if kind != LineKind.CUSTOM and item is None:
        raise ValidationError({"kind": f"Choose the {kind} from the catalogue."})
    if unit_price is None:
        unit_price = selectors.catalogue_price(kind, item, proposal) if item is not None else None
    if unit_price is None:
        raise ValidationError({"unit_price": "Give the price."})
    with transaction.atomic():
        position = (proposal.lines.aggregate(last=Max("position"))["last"] or 0) + 1
        line = _save(ProposalLine(proposal=proposal), by, kind=kind, package=package, service=service, app=app,
                     description=(description or str(item.name if item else "")).strip()[:300],
                     quantity=quantity, unit_price=unit_price, monthly=monthly, position=position)
        apply_quantity_discount(proposal)
    line.refresh_from_db()
    return line


def remove_line(line: ProposalLine, *, by) -> None:
    _draft(line.proposal)
    with transaction.atomic():
        delete_audited(line, by)
        apply_quantity_discount(line.proposal)


def apply_quantity_discount(proposal: Proposal) -> None:
    """Managing more of a client's apps earns the catalogue's discount on every app line (seed 002)."""
    apps = proposal.lines.filter(kind=LineKind.APP)
    count = apps.count()
    tier = QuantityDiscount.objects.filter(min_apps__lte=count).order_by("-min_apps").first()
    apps.update(discount_percent=tier.percent if tier else Decimal("0"))


def send(proposal: Proposal, *, by, override_reason: str = "", expires_on: date | None = None,
         today: date | None = None) -> str:
    """Send the proposal: every PASTA section written, the offer priced and the pricing guard applied. Below the
    floor it is refused unless the owner gives a reason. Returns the public link's token (only its hash is kept);
    the contact is emailed the link when an address is known."""
    _draft(proposal)
    today = today or timezone.localdate()
    missing = [label for name, label in SECTIONS if getattr(proposal, name) in (None, "")]
    if missing:
        raise ValidationError(f"Write every section before sending; missing: {', '.join(missing)}.")
    if not proposal.lines.exists():
        raise ValidationError("The Amazing offer has no lines yet.")
    if proposal.direct_cost_per_month is None:
        raise ValidationError({"direct_cost_per_month": "Estimate the direct cost per month: the pricing guard "
                                                        "needs it."})
    check = selectors.guard(proposal)
    override_reason = (override_reason or "").strip()
    if check.below_floor:
        if not can(by, Can.BUSINESS):
            raise ValidationError(f"Below the floor: {check.price} a month against a floor of {check.floor} "
                                  "(3 × the direct cost). Only the owner can send it, with a reason.")
        if not override_reason:
            raise ValidationError({"override_reason": f"Below the floor ({check.price} < {check.floor}): give the "
                                                      "reason for sending it anyway."})
    expires_on = expires_on or today + timedelta(days=LINK_DAYS)
    if expires_on <= today:
        raise ValidationError({"expires_on": "The link must stay valid for at least a day."})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        _save(proposal, by, status=Status.SENT, sent_at=timezone.now(), expires_on=expires_on,
              token_hash=hash_token(token), override_reason=override_reason if check.below_floor else "",
              override_by=by if check.below_floor else None)
        proposal_sent.send(sender=Proposal, proposal=proposal, by=by)
    return token


def email_link(proposal: Proposal, url: str) -> bool:
    """The link to the contact, through the outbox."""
    if not proposal.contact_email:
        return False
    EmailMessage(f"Our proposal: {proposal.title}",
                 f"Dear {proposal.contact_name or proposal.company},\n\nYou can read our proposal, and accept or "
                 f"decline it, here until {proposal.expires_on:%d %B %Y}:\n\n{url}\n",
                 to=[proposal.contact_email]).send()
    return True


def revise(proposal: Proposal, *, by) -> Proposal:
    """A new draft version with the same sections and lines; the sent or declined one it replaces is kept as
    revised (renegotiation counts as pushback)."""
    if proposal.status not in (Status.SENT, Status.DECLINED, Status.DRAFT):
        raise ValidationError(f"A {proposal.get_status_display().lower()} proposal cannot be revised.")
    if proposal.status == Status.DRAFT:
        return proposal
    with transaction.atomic():
        lines = list(proposal.lines.all())
        new = _save(Proposal(author=by, previous=proposal), by, version=proposal.version + 1,
                    **{name: getattr(proposal, name) for name in EDITABLE | {"lead", "client"}})
        ProposalLine.objects.bulk_create([ProposalLine(
            proposal=new, kind=line.kind, package=line.package, service=line.service, app=line.app,
            description=line.description, quantity=line.quantity, unit_price=line.unit_price, monthly=line.monthly,
            discount_percent=line.discount_percent, position=line.position) for line in lines])
        if proposal.status == Status.SENT:
            _save(proposal, by, status=Status.REVISED, token_hash="")  # its link stops working
    return new


def proposal_for_link(token: str, today: date | None = None) -> Proposal:
    """The proposal a public link opens; unknown, revised or expired links reveal nothing (404)."""
    if not token or len(token) > 100:
        raise Http404("Not found.")
    proposal = Proposal.objects.filter(token_hash=hash_token(token)).first()
    if proposal is None or proposal.status == Status.REVISED or proposal.expired(today or timezone.localdate()):
        raise Http404("Not found.")
    return proposal


def decide(token: str, *, accept: bool, name: str, comment: str = "", today: date | None = None) -> Proposal:
    """The prospect accepts or declines through the link, with their name. Accepting creates the client if needed
    and the agreement from the offer and moves the lead on, in one transaction; a second click changes nothing."""
    today = today or timezone.localdate()
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Type your name to accept or decline."})
    with transaction.atomic():
        found = proposal_for_link(token, today)
        proposal = Proposal.objects.select_for_update().get(pk=found.pk)
        if proposal.status == Status.ACCEPTED and accept:
            return proposal  # a double click: accepted once, nothing created twice
        if proposal.status != Status.SENT:
            raise ValidationError(f"This proposal was {proposal.get_status_display().lower()} already.")
        _save(proposal, None, status=Status.ACCEPTED if accept else Status.DECLINED, decided_at=timezone.now(),
              decided_by_name=name[:200], decision_comment=(comment or "").strip())
        if not accept:
            proposal_declined.send(sender=Proposal, proposal=proposal)
            return proposal
        client, created = _client_for(proposal, today)
        _agreement_for(proposal, client, today)
        if proposal.client_id != client.pk:
            _save(proposal, None, client=client)
        proposal_accepted.send(sender=Proposal, proposal=proposal, client=client, client_created=created)
    return proposal


def _client_for(proposal: Proposal, today: date) -> tuple[Client, bool]:
    client = proposal.client or Client.objects.filter(name__iexact=proposal.company).first()
    if client is None:
        vertical = getattr(proposal.lead, "vertical", "") if proposal.lead_id else ""
        return client_services.create_client(by=None, name=proposal.company, status=ClientStatus.ACTIVE,
                                             client_since=today, vertical=vertical or "",
                                             prospect_since=getattr(proposal.lead, "awareness_on", None)), True
    if client.status != ClientStatus.ACTIVE:
        client = client_services.change_client_status(by=None, client=client, status=ClientStatus.ACTIVE, on=today)
    return client, False


def _agreement_for(proposal: Proposal, client: Client, today: date):
    """The offer's monthly lines become one flat agreement (its scope: the packages' included services and the
    services offered); one-time lines are listed in its notes, to invoice once."""
    totals = selectors.totals(proposal)
    lines = list(proposal.lines.select_related("package", "service").prefetch_related("package__lines__service"))
    services = {line.service for line in lines if line.service_id}
    services |= {pl.service for line in lines if line.package_id for pl in line.package.lines.all() if pl.is_included}
    package = next((line.package for line in lines if line.package_id and line.monthly), None)
    one_time = [f"{line.description}: {line.amount}" for line in lines if not line.monthly]
    value = (proposal.problem_cost_per_year / 12).quantize(Decimal("0.01")) if proposal.problem_cost_per_year else None
    return agreement_services.create_agreement(
        by=None, client=client, included_services=services, name=proposal.title[:200], kind=AgreementKind.FLAT,
        unit_price=totals["monthly"], quantity=Decimal("1"), start_date=today, term_months=12,
        renewal_date=today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29)
        else date(today.year + 1, 2, 28), package=package, solution=proposal.solution, monthly_value=value,
        notes=f"From proposal {proposal.number} v{proposal.version}, accepted by {proposal.decided_by_name}."
              + (" One-time: " + "; ".join(one_time) + "." if one_time else ""))


def record_pricing_review(*, year: int, held_on: date, decision: str, by=None) -> PricingReview:
    """The yearly pricing review (one a year), with the pushback of the 12 months before it kept on the record."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "Record the review once it is held."})
    row = PricingReview.objects.filter(year=year).first() or PricingReview(year=year)
    row.by = by
    pushback = selectors.pricing_pushback(held_on - timedelta(days=365), held_on)
    proposals, renewals = pushback["proposals"], pushback["renewals"]
    return _save(row, by, held_on=held_on, decision=decision.strip(), proposals_sent=proposals["sent"],
                 proposals_pushback=proposals["declined"] + proposals["renegotiated"],
                 renewals_due=renewals["due"], renewals_pushback=renewals["pushback"], pushback_rate=pushback["rate"])
