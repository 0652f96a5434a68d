from django.conf import settings
from django.db import connection

from bspos.core.models import Sequence


def next_numbers(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers of a sequence; gap-free and safe under concurrent callers.

    One `UPDATE … RETURNING` takes them: its row lock (PostgreSQL) or the write lock (SQLite) serialises callers,
    and the caller's transaction keeps the numbers reserved only if it commits. The row is made on first use.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    table = connection.ops.quote_name(Sequence._meta.db_table)
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET last_value = last_value + %s WHERE name = %s RETURNING last_value",
                           [count, name])
            row = cursor.fetchone()
        if row is not None:
            return range(row[0] - count + 1, row[0] + 1)
        Sequence.objects.get_or_create(name=name)
    raise RuntimeError(f"The sequence {name!r} could not be made.")


def absolute_url(path: str) -> str:
    """The address of a page of this install from outside (BSPOS_BASE_URL + path): the links emails carry."""
    return f"{settings.BSPOS_BASE_URL}{path}"
