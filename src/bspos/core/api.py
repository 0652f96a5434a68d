"""The API toolkit every router uses: bounded field types, pagination, row helpers, permission checks for
reads and writes, and the one mapping from domain errors to HTTP answers (`handle_errors`).

Tokens themselves (their model, hashing and the bearer authentication) belong to the `api` app; this module
only reads `request.api_token.can_write`, so no app here imports upward.
"""

from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, AwareDatetime, Field

from bspos.core.paging import COUNT_CAP, capped_count
from bspos.core.permissions import Can, can, is_client_contact, require

MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1


def _no_nul(value: str) -> str:
    """Text the database can store: no NUL bytes, no lone surrogates (not valid UTF-8)."""
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL bytes.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Text = Annotated[str, AfterValidator(_no_nul)]


def text(max_length: int, *, min_length: int = 0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_nul)]


def money(max_digits: int = 10):
    return Annotated[Decimal, Field(ge=0, max_digits=max_digits, decimal_places=2)]


Moment = AwareDatetime


class Pages(PageNumberPagination):
    """Page-number pagination, 50 rows a page by default, at most 500; page numbers bounded so a huge one is a
    clear 422 rather than a database overflow. `count` is exact up to COUNT_CAP; above it `count` is the cap and
    `count_capped` is true."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=10_000_000)
        page_size: int | None = Field(None, ge=1, le=500)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"Rows matching, exact up to {COUNT_CAP:,}; past that the cap itself.")
        count_capped: bool = Field(description=f"True when more than {COUNT_CAP:,} rows match (`count` is then "
                                               f"the cap, not the total).")

    def __init__(self, **kwargs) -> None:
        super().__init__(page_size=50, max_page_size=500, **kwargs)

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params) -> dict:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count, capped = capped_count(queryset) if hasattr(queryset, "order_by") else (len(queryset), False)
        return {self.items_attribute: queryset[offset:offset + page_size], "count": count, "count_capped": capped}


# --- rows ---------------------------------------------------------------------------------------------

def existing(model: type[models.Model], pk: int | None, field: str, queryset=None):
    """The referenced row, or a 422 naming the field (a bad reference is bad input, not a missing URL)."""
    if pk is None:
        return None
    row = (queryset if queryset is not None else model.objects).filter(pk=pk).first()
    if row is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} with id {pk}."})
    return row


@transaction.atomic
def save_validated(instance: models.Model, data: dict) -> models.Model:
    """Apply field values, run the model's validation (clear per-field messages), save."""
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


# --- who may call -----------------------------------------------------------------------------------------------

def require_write(request: HttpRequest, capability: Can) -> None:
    """A write needs a write-scoped token (or the session) and the role's capability."""
    token = getattr(request, "api_token", None)
    if token is not None and not token.can_write:
        raise PermissionDenied("This token is read-only; create a write token to change data.")
    require(request.user, capability)


def staff_read(request: HttpRequest) -> None:
    """Reading MSP-wide data: a client contact meets 404 (nothing leaks), other roles without it 403."""
    if not can(request.user, Can.DESK_READ):
        if is_client_contact(request.user):
            raise Http404("Not found.")
        require(request.user, Can.DESK_READ)


def staff_write(request: HttpRequest, capability: Can) -> None:
    staff_read(request)
    require_write(request, capability)


# --- errors -----------------------------------------------------------------------------------------------------

class Problem(Schema):
    """Every refusal: a sentence for people and, for invalid input, the messages per field."""

    detail: str
    errors: dict[str, list[str]] | None = None


def _field(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or "__all__"


def handle_errors(api: NinjaAPI) -> None:
    """Map domain errors to the documented answers: 400, 401, 403, 404, 409 and 422 with a `Problem` body."""

    @api.exception_handler(HttpError)
    def unreadable(request, error: HttpError):  # django-ninja's own: a body it cannot parse, a failed CSRF check
        detail = {400: "The request body is not valid JSON.",
                  403: "CSRF check failed: a write from the signed-in session needs the X-CSRFToken header.",
                  429: "Too many requests: wait the seconds in Retry-After, then send again."}
        return api.create_response(request, {"detail": detail.get(error.status_code, str(error))},
                                   status=error.status_code)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, error):
        return api.create_response(request, {"detail": "Sign in, or send “Authorization: Bearer <token>”."},
                                   status=401)

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


# --- the OpenAPI document ---------------------------------------------------------------------------------------

_REFUSALS = {
    "400": "The request body is not valid JSON.",
    "401": "Not signed in and no valid bearer token.",
    "403": "The role or token may not do this.",
    "404": "No such record, or not visible to the caller (a client contact meets 404 on other companies' data).",
    "409": "The change conflicts with existing data (a unique value, a record still in use).",
    "422": "The input is not valid, or a rule refuses the change; nothing was changed.",
}


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document lists the refusals each operation can give, with the `Problem` body.

    Which ones follow from how the toolkit above answers: every authenticated operation can give 401, 403 and
    404 (a client contact meets 404 on MSP-wide data, and a path names a row that may not exist); one with
    parameters or a body 422; one with a body 400; every write 409."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                codes = []
                if operation.get("security"):  # staff_read answers a client contact 404 on MSP-wide data
                    codes += ["401", "403", "404"]
                if "{" in path:
                    codes.append("404")
                if operation.get("parameters") or operation.get("requestBody") or "{" in path:
                    codes.append("422")
                if operation.get("requestBody"):
                    codes.append("400")
                if method in ("post", "put", "patch", "delete"):
                    codes += ["403", "409", "422"]
                responses = operation.setdefault("responses", {})
                for code in codes:
                    if code in responses or int(code) in responses:  # ninja keys its own by int
                        continue
                    responses.setdefault(code, {"description": _REFUSALS[code], "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
        return schema
