"""Re-authentication before sensitive actions (creating API tokens, changing roles, revealing vault secrets).

A sign-in, or a confirmation on /account/confirm/, stamps the session; a view wrapped in
`reauthentication_required` (or code asking `recently_authenticated`) accepts a stamp younger than
BSPOS_REAUTH_MINUTES and otherwise sends the person to confirm who they are, then back. Where a second
factor is enrolled, confirming asks for it too (the second-factor check lives in `confirm_identity`).
"""

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "bspos_authenticated_at"


def window_seconds() -> int:
    return int(getattr(settings, "BSPOS_REAUTH_MINUTES", 10)) * 60


def mark_authenticated(request: HttpRequest) -> None:
    """The person has just proved who they are (signed in, or confirmed)."""
    request.session[SESSION_KEY] = int(time.time())


def recently_authenticated(request: HttpRequest) -> bool:
    stamp = request.session.get(SESSION_KEY)
    return bool(request.user.is_authenticated and stamp and time.time() - int(stamp) <= window_seconds())


def confirm_url(next_url: str) -> str:
    return f"{reverse('people:confirm')}?{urlencode({'next': next_url})}"


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return target if allowed else fallback


def reauthentication_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the view run only after a recent sign-in or confirmation; otherwise ask, then come back.

    A GET is sent to the confirmation page and back to the same URL. A POST changes nothing: it is sent
    to confirm and back to the page it came from (htmx gets an HX-Redirect, JSON callers a 403 with the
    link). Guard the GET of a form page too, so nobody types into a form they cannot submit.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if recently_authenticated(request):
            return view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            return redirect(confirm_url(request.get_full_path()))
        back = request.headers.get("Referer") or request.get_full_path()
        target = confirm_url(back if url_has_allowed_host_and_scheme(back, {request.get_host()}) else "/")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=403)
            response["HX-Redirect"] = target
            return response
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"detail": "Confirm your identity first.", "confirm": target}, status=403)
        response = redirect(target)
        response.status_code = 303
        return response

    return guarded


def confirm_identity(request: HttpRequest, *, password: str, code: str = "") -> str | None:
    """Check the signed-in person's password, and the code of their second factor when they have one; None when
    both are right, else what to tell them (a passkey confirms on its own: people.passkeys)."""
    from bspos.people import sign_in, two_factor  # they import the audit app; this module loads with the registry

    if not request.user.check_password(password or ""):
        sign_in.count_failure(request, request.user)  # wrong answers here count toward the sign-in throttle too
        return "That password is not right."
    if two_factor.has_second_factor(request.user) and two_factor.verify(request.user, code) is None:
        sign_in.count_failure(request, request.user)
        return "That code is not right: type the six digits your app shows now, or a recovery code."
    mark_authenticated(request)
    return None


@receiver(user_logged_in, dispatch_uid="bspos.people.reauth.signed_in")
def stamp_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        mark_authenticated(request)
