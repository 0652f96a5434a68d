"""Who is calling: a bearer token (scripts) or the browser session (the UI); read tokens cannot write."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from bspos.api.models import ApiToken
from bspos.api.services import authenticate_token
from bspos.core.permissions import Can, require

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class Session(SessionAuth):
    """The signed-in browser session (CSRF-checked for writes by django-ninja)."""


def require_write(request: HttpRequest, capability: Can) -> None:
    """A write needs a write-scoped token (or the session) and the role's capability."""
    token = getattr(request, "api_token", None)
    if token is not None and token.scope != ApiToken.Scope.WRITE:
        raise PermissionDenied("This token is read-only; create a write token to change data.")
    require(request.user, capability)


def staff_read(request: HttpRequest) -> None:
    """Reading MSP-wide data: a client contact meets 404 (nothing leaks), other roles without it 403."""
    from django.http import Http404

    from bspos.core.permissions import can

    if not can(request.user, Can.DESK_READ):
        if can(request.user, Can.PORTAL):
            raise Http404("Not found.")
        require(request.user, Can.DESK_READ)


def staff_write(request: HttpRequest, capability: Can) -> None:
    staff_read(request)
    require_write(request, capability)
