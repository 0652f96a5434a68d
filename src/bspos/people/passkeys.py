"""Passkeys (WebAuthn) through django-otp-webauthn: its ceremonies and browser script, fitted to bspos' sign-in.

Three uses, one pair of endpoints (the library's begin/complete views, specialised here):
- the second factor after the password: the pending sign-in's person (people.sign_in) proves it with a passkey;
- signing in with a passkey alone from the sign-in page (a discoverable credential and user verification: the
  browser asks for the device's PIN or biometrics, so it is two factors in one);
- confirming who you are before a sensitive action (people.reauth), with user verification.
Adding a passkey needs a recent sign-in or confirmation, like every change on the second-factor page.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.helpers import WebAuthnHelper

from bspos.people import reauth, sign_in, two_factor


def relying_party_id(request) -> str:
    """The domain passkeys are bound to: BSPOS_PASSKEY_RP_ID, else the host name this page was served at."""
    if settings.BSPOS_PASSKEY_RP_ID:
        return settings.BSPOS_PASSKEY_RP_ID
    host = request.get_host()  # validated against ALLOWED_HOSTS
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        # the origin the browser reports must be the one this request came to (scheme behind the proxy: settings)
        return [f"{self.request.scheme}://{self.request.get_host()}"]

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        transports = set(device.transports or [])
        device.name = "Security key" if transports & {"usb", "nfc", "ble"} else "Passkey"
        return device


class ConfirmFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "Confirm who you are first: reload the page and sign in or confirm again."
    default_code = "confirm_first"


class SignInLocked(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_detail = "Too many failed sign-ins: wait ten minutes or ask an administrator to unlock your account."
    default_code = "locked"


class RegisterBegin(views.BeginCredentialRegistrationView):
    def check_can_register(self):
        if not reauth.recently_authenticated(self.request):
            raise ConfirmFirst()


class RegisterComplete(views.CompleteCredentialRegistrationView):
    def check_can_register(self):
        if not reauth.recently_authenticated(self.request):
            raise ConfirmFirst()

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            passkey = two_factor.passkeys(self.request.user).order_by("-pk").first()
            two_factor.record_passkey_added(user=self.request.user, passkey=passkey)
        return response


class _WhoIsSigningIn:
    """The person a ceremony is for: the signed-in one (confirming), the pending sign-in's (second factor), or
    nobody yet (a passkey alone)."""

    def get_user(self):
        if self.request.user.is_authenticated:
            return self.request.user
        return sign_in.pending_user(self.request)

    def needs_user_verification(self) -> bool:
        # after the password a passkey is the second factor; alone, or to confirm, it must also check PIN/biometrics
        return self.request.user.is_authenticated or sign_in.pending(self.request) is None


class AuthenticateBegin(_WhoIsSigningIn, views.BeginCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        data, state = self.get_helper().authenticate_begin(
            user=self.get_user(), require_user_verification=self.needs_user_verification())
        self.request.session["otp_webauthn_authentication_state"] = state
        return JsonResponse(data)


class AuthenticateComplete(_WhoIsSigningIn, views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        request = self.request
        if request.user.is_authenticated:  # confirming a sensitive action
            otp_login(request, device)
            reauth.mark_authenticated(request)
            return
        user = sign_in.pending_user(request)
        if user is not None:
            if sign_in.lockout(request, user) is not None:
                raise SignInLocked()
            self.next_url = sign_in.finish(request, user, device)
            return
        user = authenticate(request, webauthn_credential=device)  # the throttle's backend runs first
        if user is None:
            raise SignInLocked()
        auth_login(request, user)
        otp_login(request, device)

    def get_success_url(self):
        next_url = getattr(self, "next_url", None)
        if next_url and url_has_allowed_host_and_scheme(next_url, {self.request.get_host()},
                                                        require_https=self.request.is_secure()):
            return next_url
        return super().get_success_url()


def full_page(view):
    """Pages with the passkey script load whole: htmx-boosted navigation would swap them in without running the
    library's module script (it runs once per document), so a boosted request is told to load the page itself."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.headers.get("HX-Boosted") and request.method == "GET":
            response = HttpResponse()
            response["HX-Redirect"] = request.get_full_path()
            return response
        return view(request, *args, **kwargs)

    return wrapped


app_name = "otp_webauthn"  # the names the library's template tags reverse
urlpatterns = [
    path("registration/begin/", RegisterBegin.as_view(), name="credential-registration-begin"),
    path("registration/complete/", RegisterComplete.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", AuthenticateBegin.as_view(), name="credential-authentication-begin"),
    path("authentication/complete/", AuthenticateComplete.as_view(), name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
