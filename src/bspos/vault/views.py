"""Vault pages: the credential list (per client with ?client=), a credential with its reveal, copy and TOTP
buttons (re-authentication first, every use in the access trail), add/edit/delete, share links and their public
page, the rotation and offboarding reports, and import. Contacts see only what is shared to their company."""

from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from bspos.clients.models import Client
from bspos.core.filters import parse_id
from bspos.core.permissions import Can, can, contact_client_id, requires
from bspos.people.reauth import reauthentication_required
from bspos.vault import importers, selectors, services
from bspos.vault.crypto import VaultKeyError
from bspos.vault.filters import CredentialFilter
from bspos.vault.forms import CredentialForm, ImportForm, ShareForm
from bspos.vault.models import Access, Credential, Folder, ShareLink


def vault_reader(view):
    """Staff with vault.read, or a contact of a company (who then sees only what is shared to it); else 404/403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can(request.user, Can.VAULT_READ):
            if contact_client_id(request.user) is None and request.user.is_msp_staff:
                raise PermissionDenied("Your role cannot open the vault (vault.read).")
            if contact_client_id(request.user) is None:
                raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def key_problem(request: HttpRequest, error: VaultKeyError) -> HttpResponse:
    """The vault key is missing or wrong: say so, show and write nothing."""
    return render(request, "vault/key_error.html", {"error": error}, status=503)


def _credential(request: HttpRequest, pk: int) -> Credential:
    return get_object_or_404(Credential.objects.visible_to(request.user).select_related("client", "folder"), pk=pk)


@vault_reader
def credential_list(request: HttpRequest) -> HttpResponse:
    credentials = Credential.objects.visible_to(request.user)
    filters = CredentialFilter(request.GET, credentials)
    client_id = contact_client_id(request.user) or parse_id(request.GET.get("client"))
    client = Client.objects.filter(pk=client_id).first() if client_id else None
    if client is not None:  # one client's vault: its folders to pick from, the client fixed (no 1,000-row picker)
        filters.filters["folder"].queryset = Folder.objects.filter(client=client)
        filters.form.fields["client"].widget = forms.HiddenInput()
    rows = (filters.qs.with_reuse().select_related("client", "folder")
            .only("pk", "name", "username", "url", "tags", "strength", "rotated_at", "created_at", "has_totp",
                  "shared_with_client", "reuse_hash", "client__name", "folder__name").order_by("name", "pk"))
    return render(request, "vault/list.html", {
        "filter": filters, "page": Paginator(rows, 50).get_page(request.GET.get("page")), "client": client,
        "staff": can(request.user, Can.VAULT_READ), "editing": can(request.user, Can.VAULT_WRITE)})


@vault_reader
def credential_detail(request: HttpRequest, pk: int, *, new_link: str = "", share_form=None) -> HttpResponse:
    credential = _credential(request, pk)
    staff = can(request.user, Can.VAULT_READ)
    context = {"credential": credential, "staff": staff, "editing": can(request.user, Can.VAULT_WRITE),
               "reused": Credential.objects.filter(pk=credential.pk).with_reuse().values_list("reused", flat=True)[0],
               "new_link": new_link, "share_form": share_form or ShareForm()}
    if staff:
        context.update(
            assets=credential.assets.all(), contacts=credential.contacts.all(),
            tickets=credential.tickets.only("pk", "number", "subject"),
            accesses=credential.accesses.select_related("user", "share_link__created_by")[:20],
            shares=credential.share_links.select_related("created_by")[:20])
    return render(request, "vault/detail.html", context, status=400 if share_form else 200)


@requires(Can.VAULT_WRITE)
@reauthentication_required
def credential_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    credential = _credential(request, pk) if pk else None
    client = credential.client if credential else get_object_or_404(Client, pk=parse_id(request.GET.get("client")
                                                                                       or request.POST.get("client")))
    form = CredentialForm(request.POST or None, client=client, instance=Credential.objects.get(pk=pk) if pk else None,
                          initial={} if pk else {"tickets": [t for t in [parse_id(request.GET.get("ticket"))] if t]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        new_folder = data.pop("new_folder")
        if new_folder:
            data["folder"] = services.folder_named(client, new_folder)
        links = {name: data.pop(name) for name in ("assets", "contacts", "tickets")}
        try:
            if credential:
                for name in ("secret", "notes", "totp_seed"):
                    data[name] = data[name] or None
                if data["secret"] is None:
                    data.pop("secret")
                saved = services.update_credential(credential, by=request.user, **links, **data)
            else:
                saved = services.create_credential(by=request.user, client=client, **links, **data)
        except VaultKeyError as error:
            return key_problem(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect("vault:detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "vault/form.html", {"form": form, "credential": credential, "client": client},
                  status=status)


@requires(Can.VAULT_WRITE)
def credential_delete(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _credential(request, pk)
    if request.method != "POST":  # after the lookup: another company's row is 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    client_id = credential.client_id
    services.delete_credential(credential, by=request.user)
    messages.success(request, f"Deleted “{credential.name}”.")
    return redirect(f"{reverse('vault:list')}?client={client_id}")


@vault_reader
@reauthentication_required
def reveal_secret(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _credential(request, pk)
    if request.method != "POST":  # after the lookup: another company's row is 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    try:
        secret = services.reveal(credential, by=request.user, address=services.address_of(request))
        notes = services.open_credential(credential).notes
    except VaultKeyError as error:
        return key_problem(request, error)
    return render(request, "vault/_secret.html", {"credential": credential, "secret": secret, "notes": notes})


@vault_reader
@reauthentication_required
def copied(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _credential(request, pk)
    if request.method != "POST":  # after the lookup: another company's row is 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    Access.objects.create(credential=credential, user=request.user, action=Access.Action.COPY,
                          address=services.address_of(request))
    return HttpResponse(status=204)


@vault_reader
@reauthentication_required
def totp(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _credential(request, pk)
    if not credential.has_totp:
        raise Http404("No TOTP seed.")
    try:
        code, seconds = services.totp_code(credential, by=request.user, address=services.address_of(request))
    except VaultKeyError as error:
        return key_problem(request, error)
    return render(request, "vault/_totp.html", {"credential": credential, "code": code, "seconds": seconds})


@requires(Can.VAULT_WRITE)
def rotated(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _credential(request, pk)
    if request.method != "POST":  # after the lookup: another company's row is 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    services.mark_rotated(credential, by=request.user)
    messages.success(request, f"“{credential.name}” marked rotated today.")
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/vault/")
                    else reverse("vault:detail", args=[credential.pk]))


@requires(Can.VAULT_WRITE)
@reauthentication_required
def share_create(request: HttpRequest, pk: int) -> HttpResponse:
    credential = _credential(request, pk)
    if request.method != "POST":  # after the lookup: another company's row is 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            _link, token = services.create_share_link(
                credential, by=request.user, expires_in=timedelta(minutes=form.cleaned_data["expires_in"]),
                max_views=form.cleaned_data["max_views"], passphrase=form.cleaned_data["passphrase"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return credential_detail(request, pk, new_link=request.build_absolute_uri(
                reverse("vault:shared", args=[token])))
    return credential_detail(request, pk, share_form=form)


@requires(Can.VAULT_WRITE)
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(ShareLink.objects.filter(credential__in=Credential.objects.visible_to(request.user)),
                             pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.revoke_share_link(link, by=request.user)
    messages.success(request, "The share link is revoked: it reveals nothing now.")
    return redirect("vault:detail", pk=link.credential_id)


def shared_secret(request: HttpRequest, token: str) -> HttpResponse:
    """The public page of a share link: no login; a view is counted only when the person presses Reveal."""
    link = services.share_link_for(token)
    context = {"link": link if link and link.is_valid() else None}
    if request.method == "POST" and context["link"]:
        try:
            credential, secret = services.open_share_link(token, passphrase=request.POST.get("passphrase", ""),
                                                          address=services.address_of(request))
        except services.ShareRefused as refusal:
            context["refusal"] = str(refusal)
        except VaultKeyError as error:
            return key_problem(request, error)
        else:
            context.update(credential=credential, secret=secret)
    response = render(request, "vault/shared.html", context, status=200 if context["link"] else 404)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@requires(Can.VAULT_READ)
def rotation_report(request: HttpRequest) -> HttpResponse:
    credentials = Credential.objects.visible_to(request.user)
    client_id = parse_id(request.GET.get("client"))
    if client_id:
        credentials = credentials.filter(client_id=client_id)
    rows = selectors.oldest_rotations(credentials).only("pk", "name", "username", "rotated_at", "created_at",
                                                        "client__name")
    return render(request, "vault/rotation.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "editing": can(request.user, Can.VAULT_WRITE)})


@requires(Can.VAULT_READ)
def offboarding_report(request: HttpRequest) -> HttpResponse:
    return render(request, "vault/offboarding.html", {
        "rows": selectors.at_risk_after_offboarding(Credential.objects.visible_to(request.user)),
        "editing": can(request.user, Can.VAULT_WRITE)})


@requires(Can.VAULT_WRITE)
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"client": parse_id(request.GET.get("client"))})
    result = None
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text.")
        else:
            try:
                result = importers.import_credentials(by=request.user, client=form.cleaned_data["client"],
                                                      kind=form.cleaned_data["kind"], text=text)
            except VaultKeyError as error:
                return key_problem(request, error)
            if not result.errors:
                messages.success(request, f"Imported {result.created} credentials.")
                return redirect(f"{reverse('vault:list')}?client={form.cleaned_data['client'].pk}")
    status = 400 if request.method == "POST" else 200
    return render(request, "vault/import.html", {"form": form, "result": result}, status=status)
