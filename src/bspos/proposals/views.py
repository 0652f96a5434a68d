"""Proposal pages: the list with the sales figures and the yearly pricing review, a proposal written section by
section with its offer and the pricing guard, its PDF, and the public page where the prospect accepts or
declines."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.filters import parse_id
from bspos.core.permissions import Can, can, requires
from bspos.proposals import selectors, services
from bspos.proposals.filters import ProposalFilter
from bspos.proposals.forms import DecisionForm, LineForm, NewProposalForm, PricingReviewForm, ProposalForm, SendForm
from bspos.proposals.models import Proposal, ProposalLine, Status

LEADS = Proposal._meta.get_field("lead").related_model  # the funnel's leads, referenced by the proposal


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@requires(Can.VCIO)
def proposals(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    found = ProposalFilter(request.GET, Proposal.objects.select_related("lead", "client", "solution"))
    review_form = PricingReviewForm(request.POST or None, initial={"year": today.year, "held_on": today})
    status = 200
    if request.method == "POST":
        if not can(request.user, Can.BUSINESS):
            raise PermissionDenied("Only the owner records the pricing review (business).")
        if review_form.is_valid():
            try:
                services.record_pricing_review(by=request.user, **review_form.cleaned_data)
            except ValidationError as error:
                review_form.add_error(None, error)
            else:
                messages.success(request, "Pricing review recorded.")
                return redirect("proposals:list")
        status = 400
    return render(request, "proposals/list.html", {
        "filter": found, "page": Paginator(found.qs, 50).get_page(request.GET.get("page")),
        "figures": selectors.sales_figures(today - timedelta(days=365), today),
        "reviews": selectors.pricing_reviews(), "review_form": review_form,
        "pushback": selectors.pricing_pushback(today - timedelta(days=365), today),
        "owner": can(request.user, Can.BUSINESS)}, status=status)


@requires(Can.VCIO)
def new(request: HttpRequest) -> HttpResponse:
    lead_id, client_id = parse_id(request.GET.get("lead") or request.POST.get("lead")), parse_id(
        request.GET.get("client") or request.POST.get("client"))
    lead = get_object_or_404(LEADS, pk=lead_id) if lead_id else None
    client = get_object_or_404(Client, pk=client_id) if client_id else None
    form = NewProposalForm(request.POST or None, initial={"lead": lead_id, "client": client_id})
    status = 200
    if request.method == "POST":
        services.require_seller(request.user)
        if form.is_valid():
            try:
                proposal = services.create_proposal(by=request.user, title=form.cleaned_data["title"], lead=lead,
                                                    client=client)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("proposals:detail", pk=proposal.pk)
        status = 400
    leads = LEADS.objects.filter(lost_on__isnull=True, excitement_on__isnull=True).order_by("name")[:200]
    return render(request, "proposals/new.html", {"form": form, "lead": lead, "client": client, "leads": leads},
                  status=status)


def _context(request: HttpRequest, proposal: Proposal, **forms) -> dict:
    return {"proposal": proposal, "lines": list(proposal.lines.select_related("package", "service", "app")),
            "totals": selectors.totals(proposal), "guard": selectors.guard(proposal),
            "form": forms.get("form") or ProposalForm(instance=proposal),
            "line_form": forms.get("line_form") or LineForm(), "send_form": forms.get("send_form") or SendForm(),
            "owner": can(request.user, Can.BUSINESS), "link": forms.get("link"),
            "versions": Proposal.objects.filter(pk__in=_chain(proposal)).order_by("version")}


def _chain(proposal: Proposal) -> list[int]:
    ids, current = [], proposal
    while current is not None:
        ids.append(current.pk)
        current = current.previous
    current = getattr(proposal, "next_version", None)
    while current is not None:
        ids.append(current.pk)
        current = getattr(current, "next_version", None)
    return ids


@requires(Can.VCIO)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("lead", "client", "solution", "previous"), pk=pk)
    return render(request, "proposals/detail.html", _context(request, proposal))


@require_POST
@requires(Can.VCIO)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    by, forms = request.user, {}
    try:
        if action == "save":
            form = ProposalForm(request.POST, instance=Proposal.objects.get(pk=pk))
            forms["form"] = form
            if not form.is_valid():
                raise ValidationError("Nothing was saved: correct the fields marked below.")
            services.update_proposal(proposal, by=by, **form.cleaned_data)
            messages.success(request, "Saved.")
        elif action == "line":
            form = LineForm(request.POST)
            forms["line_form"] = form
            if not form.is_valid():
                raise ValidationError("The line was not added: correct the fields marked below.")
            services.add_line(proposal=proposal, by=by, **form.cleaned_data)
            messages.success(request, "Line added.")
        elif action == "remove":
            services.remove_line(get_object_or_404(ProposalLine, pk=parse_id(request.POST.get("line")),
                                                   proposal=proposal), by=by)
        elif action == "send":
            form = SendForm(request.POST)
            forms["send_form"] = form
            if not form.is_valid():
                raise ValidationError("Not sent: correct the fields marked below.")
            token = services.send(proposal, by=by, **form.cleaned_data)
            link = request.build_absolute_uri(reverse("proposal-public", args=[token]))
            emailed = services.email_link(proposal, link)
            messages.success(request, f"Sent{' to ' + proposal.contact_email if emailed else ''}. The prospect's "
                                      f"link (shown once): {link}")
            return render(request, "proposals/detail.html", _context(request, proposal, link=link))
        elif action == "revise":
            new = services.revise(proposal, by=by)
            messages.success(request, f"Version {new.version} drafted from version {proposal.version}.")
            return redirect("proposals:detail", pk=new.pk)
        else:
            raise Http404("Not found.")
    except ValidationError as error:
        messages.error(request, _errors(error))
        proposal.refresh_from_db()
        return render(request, "proposals/detail.html", _context(request, proposal, **forms), status=400)
    return redirect("proposals:detail", pk=proposal.pk)


def _pdf(request: HttpRequest, proposal: Proposal) -> bytes:
    from weasyprint import HTML  # loads Pango only when a PDF is asked for

    html = render_to_string("proposals/proposal_pdf.html", {"proposal": proposal, "lines": list(proposal.lines.all()),
                                                   "totals": selectors.totals(proposal)}, request=request)
    return HTML(string=html).write_pdf()


@requires(Can.VCIO)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    response = HttpResponse(_pdf(request, proposal), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{proposal.number}-v{proposal.version}.pdf"'
    return response


def public(request: HttpRequest, token: str) -> HttpResponse:
    """The prospect's page (no login): the unguessable link is the key; an expired or unknown one reveals
    nothing."""
    proposal = services.proposal_for_link(token)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.decide(token, accept=request.POST.get("decision") == "accept", **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("proposal-public", token=token)
        status = 400
        proposal.refresh_from_db()
    return render(request, "proposals/public.html", {
        "proposal": proposal, "lines": list(proposal.lines.all()), "totals": selectors.totals(proposal),
        "form": form, "open": proposal.status == Status.SENT}, status=status)
