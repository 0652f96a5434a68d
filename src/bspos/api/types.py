"""Field types shared by the API schemas: bounded ids and numbers, text without NUL bytes, aware datetimes."""

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL bytes.")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Text = Annotated[str, AfterValidator(_no_nul)]


def text(max_length: int, *, min_length: int = 0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_nul)]


def money(max_digits: int = 10):
    return Annotated[Decimal, Field(ge=0, max_digits=max_digits, decimal_places=2)]


Moment = AwareDatetime
