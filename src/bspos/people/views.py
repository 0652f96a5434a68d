"""The account page (name, email, time zone), signing in with a second factor, and managing one's second factor."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django_otp import login as otp_login

from bspos.people import passkeys, reauth, sign_in, two_factor
from bspos.people.forms import ProfileForm
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
@passkeys.full_page
def confirm(request: HttpRequest) -> HttpResponse:
    """Confirm who you are before a sensitive action (password and code, or a passkey), then go back to it."""
    next_url = reauth.safe_next(request)
    error = None
    if request.method == "POST":
        if (locked := sign_in.lockout(request, request.user)) is not None:
            return locked
        error = reauth.confirm_identity(request, password=request.POST.get("password", ""),
                                        code=request.POST.get("code", ""))
        if error is None:
            return redirect(next_url)
    return render(request, "people/confirm.html", {
        "next": next_url, "error": error, "asks_code": two_factor.has_second_factor(request.user),
        "has_passkey": two_factor.passkeys(request.user).exists(),
    }, status=400 if error else 200)


# --- signing in with a second factor (people.sign_in) ----------------------------------------------------------
@method_decorator(passkeys.full_page, name="get")
class SignIn(auth_views.LoginView):
    """The password step; a person with a second factor is not signed in yet but asked for a code next. The page
    also offers signing in with a passkey alone."""

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_second_factor(user):
            return super().form_valid(form)
        sign_in.start(self.request, user, next_url=self.get_success_url())
        return redirect(f"{reverse('login_code')}?{urlencode({'next': self.get_success_url()})}")


@passkeys.full_page
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, a recovery code, or a passkey. Five wrong codes, or five
    minutes, and the password must be typed again; every wrong code counts toward the sign-in throttle."""
    if sign_in.pending(request) is None:
        messages.error(request, "Sign in again: the code step waits five minutes at most.")
        return redirect("login")
    user = sign_in.pending_user(request)
    if user is None:
        sign_in.drop(request)
        return redirect("login")
    next_url = reauth.safe_next(request, settings.LOGIN_REDIRECT_URL)
    error = None
    if request.method == "POST":
        if (locked := sign_in.lockout(request, user)) is not None:
            return locked
        device = two_factor.verify(user, request.POST.get("code", ""))
        if device is not None:
            sign_in.finish(request, user, device)
            return redirect(next_url)
        if sign_in.record_wrong_code(request, user):
            messages.error(request, "Too many wrong codes: sign in again.")
            return redirect("login")
        error = "That code is not right. Type the six digits your app shows now, or one of your recovery codes."
    return render(request, "registration/code.html", {
        "next": next_url, "error": error, "has_passkey": two_factor.passkeys(user).exists(),
        "has_codes": two_factor.authenticators(user).exists() or two_factor.recovery_codes_left(user) > 0,
    }, status=400 if error else 200)


@login_required
@passkeys.full_page
@reauth.reauthentication_required
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Enrol and manage one's second factor: authenticator apps, passkeys and recovery codes (each change asks again
    who you are: the page sits behind the re-authentication)."""
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
            elif action == "remove-passkey":
                two_factor.remove_passkey(user=user, passkey_id=int(request.POST.get("passkey") or 0))
                messages.success(request, "The passkey is removed: it no longer signs you in.")
        except (ValidationError, ValueError) as refused:
            error = " ".join(getattr(refused, "messages", [str(refused)]))
        if error is None and codes is None:
            return redirect("people:two_factor")
    pending = two_factor.pending_authenticator(user)
    return render(request, "people/two_factor.html", {
        "authenticators": two_factor.authenticators(user),
        "passkeys": two_factor.passkeys(user),
        "has_authenticator": two_factor.has_authenticator(user),
        "recovery_left": two_factor.recovery_codes_left(user),
        "pending": pending,
        "qr": two_factor.qr_svg_data_uri(pending) if pending else None,
        "secret": two_factor.secret_text(pending) if pending else None,
        "codes": codes, "error": error,
        "required": settings.BSPOS_REQUIRE_MFA and user.is_msp_staff,
        "must_enrol": two_factor.must_enrol(user),
    }, status=400 if error else 200)
