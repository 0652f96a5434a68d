from django.conf import settings
from django.db import transaction

from bspos.core.models import Sequence


def next_numbers(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers of a sequence; gap-free and safe under concurrent callers.

    The row lock (PostgreSQL) or the IMMEDIATE write lock (SQLite) serialises callers, and the caller's
    transaction keeps the numbers reserved only if it commits.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        sequence = Sequence.objects.select_for_update().get(name=name)
        first = sequence.last_value + 1
        sequence.last_value += count
        sequence.save(update_fields=["last_value"])
    return range(first, first + count)


def absolute_url(path: str) -> str:
    """The address of a page of this install from outside (BSPOS_BASE_URL + path): the links emails carry."""
    return f"{settings.BSPOS_BASE_URL}{path}"
