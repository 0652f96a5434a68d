"""The signed-in person's own API tokens (the account page): create (secret shown once), list, revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bspos.api.models import ApiToken
from bspos.api.services import create_token, revoke_token
from bspos.people.reauth import reauthentication_required


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “RMM sync script”.")
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)


@login_required
@reauthentication_required  # a token is a standing login: creating one asks who you are again
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = create_token(user=request.user, name=form.cleaned_data["name"],
                                      scope=form.cleaned_data["scope"], by=request.user)
        form = TokenForm()
    return render(request, "api/tokens.html", {
        "form": form, "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
    }, status=400 if form.errors else 200)


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)  # only one's own tokens
    revoke_token(token=token, by=request.user)
    messages.success(request, f"Token “{token.name}” revoked: scripts using it are refused from now on.")
    return redirect("api:tokens")
