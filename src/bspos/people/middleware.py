"""While the install requires a second factor (BSPOS_REQUIRE_MFA), staff without one reach only the enrolment."""

from django.shortcuts import redirect
from django.urls import reverse

from bspos.people import two_factor

OPEN_PATHS = ("/static/", "/health/", "/logout/", "/account/confirm/", "/account/two-factor/", "/account/passkeys/")


class RequireSecondFactor:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(OPEN_PATHS)
                and two_factor.must_enrol(user)):
            return redirect(f"{reverse('people:two_factor')}?required=1")
        return self.get_response(request)
