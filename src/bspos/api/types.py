"""Field types shared by the API schemas: bounded ids and numbers, text without NUL bytes, aware datetimes."""

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, AwareDatetime, Field

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
    clear 422 rather than a database overflow."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=10_000_000)
        page_size: int | None = Field(None, ge=1, le=500)

    def __init__(self, **kwargs) -> None:
        super().__init__(page_size=50, max_page_size=500, **kwargs)
