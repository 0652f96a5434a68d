"""The account page: a signed-in person sets their name, email and time zone."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login

from bspos.people import reauth, two_factor
from bspos.people.forms import ProfileForm
from bspos.people.models import User
from bspos.people.services import update_profile

PROFILE_FIELDS = ("first_name", "last_name", "email", "time_zone")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None,
                       initial={name: getattr(request.user, name) for name in PROFILE_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            update_profile(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your account is saved.")
            return redirect("people:profile")
    return render(request, "people/profile.html", {"form": form, "now": timezone.now()},
                  status=400 if form.errors else 200)


@login_required
def confirm(request: HttpRequest) -> HttpResponse:
    """Confirm who you are before a sensitive action, then go back to it."""
    next_url = reauth.safe_next(request)
    error = None
    if request.method == "POST":
        error = reauth.confirm_identity(request, password=request.POST.get("password", ""),
                                        code=request.POST.get("code", ""))
        if error is None:
            return redirect(next_url)
    return render(request, "people/confirm.html", {"next": next_url, "error": error,
                                                   "asks_code": two_factor.has_second_factor(request.user)},
                  status=400 if error else 200)


# --- signing in with a second factor ---------------------------------------------------------------------------
PENDING = "bspos_pending_sign_in"  # {"user": pk, "backend": path, "at": epoch, "failures": n}
PENDING_SECONDS = 300
PENDING_FAILURES = 5


class SignIn(auth_views.LoginView):
    """The password step; a person with a second factor is not signed in yet but asked for a code next."""

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_second_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": int(time.time()),
                                         "failures": 0}
        return redirect(f"{reverse('login_code')}?{urlencode({'next': self.get_success_url()})}")


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app or a recovery code. Five wrong codes, or five minutes,
    and the password must be typed again (where the sign-in throttle counts it)."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.error(request, "Sign in again: the code step waits five minutes at most.")
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    next_url = reauth.safe_next(request, settings.LOGIN_REDIRECT_URL)
    error = None
    if user is not None and request.method == "POST":
        device = two_factor.verify(user, request.POST.get("code", ""))
        if device is not None:
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(next_url)
        pending["failures"] += 1
        request.session[PENDING] = pending
        if pending["failures"] >= PENDING_FAILURES:
            del request.session[PENDING]
            messages.error(request, "Too many wrong codes: sign in again.")
            return redirect("login")
        error = "That code is not right. Type the six digits your app shows now, or one of your recovery codes."
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    return render(request, "registration/code.html", {"next": next_url, "error": error},
                  status=400 if error else 200)


@login_required
@reauth.reauthentication_required
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Enrol and manage one's second factor: authenticator apps and recovery codes (each change asks again who you
    are: the page sits behind the re-authentication)."""
    user, codes, error = request.user, None, None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                two_factor.start_authenticator(user=user, name=request.POST.get("name", ""))
            elif action == "confirm":
                codes = two_factor.confirm_authenticator(user=user, code=request.POST.get("code", ""))
                otp_login(request, two_factor.authenticators(user).last())
                messages.success(request, "Your authenticator app is set up: signing in now asks for its code.")
            elif action == "recovery":
                codes = two_factor.new_recovery_codes(user=user)
                messages.success(request, "New recovery codes: the old ones no longer work.")
            elif action == "remove":
                two_factor.remove_authenticator(user=user, device_id=int(request.POST.get("device") or 0))
                messages.success(request, "The authenticator app is removed.")
        except (ValidationError, ValueError) as refused:
            error = " ".join(getattr(refused, "messages", [str(refused)]))
        if error is None and codes is None:
            return redirect("people:two_factor")
    pending = two_factor.pending_authenticator(user)
    return render(request, "people/two_factor.html", {
        "authenticators": two_factor.authenticators(user),
        "recovery_left": two_factor.recovery_codes_left(user),
        "pending": pending,
        "qr": two_factor.qr_svg_data_uri(pending) if pending else None,
        "secret": two_factor.secret_text(pending) if pending else None,
        "codes": codes, "error": error,
        "required": settings.BSPOS_REQUIRE_MFA and user.is_msp_staff,
        "must_enrol": two_factor.must_enrol(user),
    }, status=400 if error else 200)
