"""The account page: a signed-in person sets their name, email and time zone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bspos.people import reauth
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
def confirm(request: HttpRequest) -> HttpResponse:
    """Confirm who you are before a sensitive action, then go back to it."""
    next_url = reauth.safe_next(request)
    error = None
    if request.method == "POST":
        error = reauth.confirm_identity(request, password=request.POST.get("password", ""))
        if error is None:
            return redirect(next_url)
    return render(request, "people/confirm.html", {"next": next_url, "error": error},
                  status=400 if error else 200)
