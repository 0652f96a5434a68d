"""Who is calling: a bearer token (scripts) or the browser session (the UI)."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from bspos.api.services import authenticate_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class Session(SessionAuth):
    """The signed-in browser session, CSRF-checked for writes. A caller who is not signed in is not checked for
    CSRF at all, so an anonymous write meets 401 (not signed in), as docs/api.md says, not 403."""

    def _get_key(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)
