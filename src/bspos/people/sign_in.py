"""Signing in with a second factor, step two: after the right password a person with a second factor is not signed
in yet; the session holds a pending sign-in (five minutes, five wrong codes) until a code or a passkey finishes it.

A wrong code counts toward the sign-in throttle (django-axes) exactly like a wrong password, for the address and the
account, so the 16th failure in ten minutes, passwords and codes together, locks the sign-in out."""

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django_otp import login as otp_login

from bspos.people.models import User

PENDING = "bspos_pending_sign_in"  # {"user": pk, "backend": path, "at": epoch, "failures": n, "next": url}
PENDING_SECONDS = 300
PENDING_FAILURES = 5


def start(request: HttpRequest, user: User, *, next_url: str) -> None:
    """The password was right: remember who is signing in until the second factor is given."""
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": int(time.time()), "failures": 0,
                                "next": next_url}


def pending(request: HttpRequest) -> dict | None:
    """The pending sign-in, or None when there is none or it is older than five minutes (then it is dropped)."""
    state = request.session.get(PENDING)
    if state and time.time() - state["at"] <= PENDING_SECONDS:
        return state
    request.session.pop(PENDING, None)
    return None


def pending_user(request: HttpRequest) -> User | None:
    state = pending(request)
    return User.objects.filter(pk=state["user"], is_active=True).first() if state else None


def finish(request: HttpRequest, user: User, device) -> str:
    """The second factor is right: sign the person in, verified by that device; returns where they were going."""
    state = request.session.pop(PENDING)
    auth_login(request, user, backend=state["backend"])
    otp_login(request, device)
    return state.get("next") or "/"


def drop(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def count_failure(request: HttpRequest, user: User) -> None:
    """Count a wrong code (or a wrong password when confirming) toward the sign-in throttle like a wrong password at
    sign-in: axes listens to Django's user_login_failed; at the limit axes' middleware answers with the lockout page."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def record_wrong_code(request: HttpRequest, user: User) -> bool:
    """A wrong code at sign-in: counted (count_failure); True when the pending sign-in is used up (five wrong codes,
    or the throttle's limit reached) and the password must be typed again."""
    count_failure(request, user)
    state = request.session.get(PENDING)
    if state is None:
        return True
    state["failures"] += 1
    request.session[PENDING] = state
    if state["failures"] >= PENDING_FAILURES or getattr(request, "axes_locked_out", False):
        drop(request)
        return True
    return False


def lockout(request: HttpRequest, user: User) -> HttpResponse | None:
    """The lockout page while the throttle holds this address or account, else None (checked before any code)."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    drop(request)
    return get_lockout_response(request, None, credentials)
