"""Client approval pages: the vCIO sends a link from the roadmap, the client decides through it (no login) or in
the portal. Every write goes through `vcio.approvals`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.permissions import Can, contact_client_id, requires
from bspos.vcio import approvals
from bspos.vcio.models import ApprovalLink, RoadmapDecision


def _id(value) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else 0


def posted_decisions(post) -> dict[int, tuple[str, str]]:
    """decision-<id> = approved|declined (blank: not decided now) and comment-<id>, from the form."""
    return {_id(key.removeprefix("decision-")): (value.strip(), post.get(f"comment-{key.removeprefix('decision-')}",
                                                                        ""))
            for key, value in post.items() if key.startswith("decision-") and _id(key.removeprefix("decision-"))}


@requires(Can.VCIO)
@require_POST
def approval_new(request: HttpRequest, client_id: int) -> HttpResponse:
    company = get_object_or_404(Client, pk=client_id)
    chosen = [_id(value) for value in request.POST.getlist("items") if _id(value)]
    days = _id(request.POST.get("days")) or approvals.LINK_DAYS
    try:
        if not chosen:
            raise ValidationError("Tick the proposed items the client should decide.")
        link, token = approvals.create_approval_link(
            client=company, items=list(company.roadmap.filter(pk__in=chosen)),
            sent_to_name=request.POST.get("sent_to_name", ""),
            sent_to=request.POST.get("sent_to", "")[:254], message=request.POST.get("message", ""),
            by=request.user, days=days)
    except ValidationError as error:
        messages.error(request, "No link created: " + " ".join(error.messages))
    else:
        request.session[f"vcio-approval-{company.pk}"] = request.build_absolute_uri(reverse("approval", args=[token]))
        messages.success(request, f"Approval link created for {link.items.count()} item(s); it works until "
                                  f"{timezone.localtime(link.expires_at):%d %b %Y}"
                                  f"{f' and was emailed to {link.sent_to}' if link.sent_to else ''}.")
    return redirect(reverse("vcio:roadmap", args=[company.pk]) + "#approval")


@requires(Can.VCIO)
@require_POST
def approval_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(ApprovalLink, pk=pk)
    revoked = approvals.revoke_approval_link(link=link, by=request.user)
    messages.success(request, "Link withdrawn." if revoked else "That link was already withdrawn.")
    return redirect(reverse("vcio:roadmap", args=[link.client_id]) + "#approval")


def _with_posted(items, post) -> list:
    """The items, each with what was just posted for it, so a refused form keeps what the person chose and wrote."""
    items = list(items)
    for item in items:
        item.posted_decision = post.get(f"decision-{item.pk}", "")
        item.posted_comment = post.get(f"comment-{item.pk}", "")
    return items


def _decide(request: HttpRequest, link: ApprovalLink, name: str, user=None) -> bool:
    try:
        made = approvals.decide_items(link=link, decisions=posted_decisions(request.POST), name=name, user=user)
    except approvals.ApprovalRefused as refused:
        messages.error(request, str(refused))
        return False
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    approved = sum(row.decision == RoadmapDecision.Decision.APPROVED for row in made)
    messages.success(request, f"Thank you: {approved} approved, {len(made) - approved} declined. "
                              "Your IT partner has been told.")
    return True


def approval(request: HttpRequest, token: str) -> HttpResponse:
    """The decision-maker's page: no login, one client's proposed items; each is approved or declined once."""
    try:
        link = approvals.open_approval_link(token)
    except approvals.ApprovalRefused as refused:
        return render(request, "vcio/link_refused.html", {"message": str(refused)}, status=410)
    if request.method == "POST" and _decide(request, link, request.POST.get("name", "")):
        return redirect("approval", token=token)
    return render(request, "vcio/approval.html", {
        "link": link, "client": link.client,
        "items": _with_posted(approvals.decidable(link).select_related("client"), request.POST),
        "decided": link.decisions.select_related("item", "item__client"),
        "name": request.POST.get("name", link.sent_to_name)}, status=400 if request.method == "POST" else 200)


@requires(Can.PORTAL)
def portal_approvals(request: HttpRequest) -> HttpResponse:
    """A contact with portal access decides their own company's items on the links sent to it."""
    company = get_object_or_404(Client, pk=contact_client_id(request.user) or 0)
    status = 200
    if request.method == "POST":
        link = approvals.open_links(company).filter(pk=_id(request.POST.get("link"))).first()
        if link is None:
            raise Http404("No such open request.")
        name = request.user.contact.name if hasattr(request.user, "contact") else request.user.get_full_name()
        if _decide(request, link, name or request.user.username, user=request.user):
            return redirect("portal:it-plan-approvals")
        status = 400
    links = [{"link": link, "items": _with_posted(approvals.decidable(link).select_related("client"), request.POST)}
             for link in approvals.open_links(company).select_related("created_by")]
    return render(request, "vcio/portal_approvals.html", {
        "client": company, "links": [entry for entry in links if entry["items"]],
        "decided": RoadmapDecision.objects.visible_to(request.user).select_related("item", "item__client")[:50],
    }, status=status)
