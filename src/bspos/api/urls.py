"""The REST API at /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestValidationError

from bspos.api.auth import BearerToken, Session

api = NinjaAPI(
    title="bspos API", version="1", urls_namespace="api-v1", auth=[BearerToken(), Session()],
    description="Service desk resources of bspos. Authenticate with `Authorization: Bearer <token>` "
                "(create one with `bspos create-token`) or the signed-in session.",
)


def _field(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or "__all__"


@api.exception_handler(RequestValidationError)
def request_invalid(request, error: RequestValidationError):
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        errors.setdefault(_field(tuple(item.get("loc", ()))), []).append(item.get("msg", "Invalid value."))
    return api.create_response(request, {"detail": "The request is not valid.", "errors": errors}, status=422)


@api.exception_handler(ValidationError)
def rule_broken(request, error: ValidationError):
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(request, {"detail": " ".join(error.messages), "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def forbidden(request, error: PermissionDenied):
    return api.create_response(request, {"detail": str(error) or "Not allowed."}, status=403)


@api.exception_handler(Http404)
def not_found(request, error: Http404):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ProtectedError)
@api.exception_handler(RestrictedError)
def still_used(request, error: ProtectedError):
    return api.create_response(request, {"detail": "It is still referenced by other records (e.g. tickets or "
                                                   "time entries); remove or reassign those first."}, status=409)


@api.exception_handler(IntegrityError)
@api.exception_handler(DataError)
def conflict(request, error: Exception):
    return api.create_response(request, {"detail": "The change conflicts with existing data or limits."},
                               status=409)


def _routers() -> None:
    from bspos.agreements.api import router as agreements
    from bspos.assets.api import router as assets
    from bspos.clients.api import router as clients
    from bspos.imports.api import router as imports
    from bspos.intake.api import router as intake
    from bspos.knowledge.api import router as knowledge
    from bspos.mail.api import router as mail
    from bspos.money.api import router as money
    from bspos.reviews.api import router as reviews
    from bspos.servicedesk.api import router as servicedesk
    from bspos.sla.api import router as sla
    from bspos.vcio.api import router as vcio

    for router in (clients, agreements, sla, servicedesk, assets, money, vcio, reviews, knowledge, intake, mail,
                   imports):
        api.add_router("", router)


_routers()
