"""Every CSV file bspos writes goes through here, so a cell a spreadsheet would run as a formula
(`=HYPERLINK(…)`, `+`, `-`, `@`, tab, carriage return) is written as text with a leading apostrophe."""

import csv
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

RISKY = ("=", "+", "-", "@", "\t", "\r")


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def cell(value) -> str:
    """A value as CSV text: dates as ISO, aware times in the installation's zone, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat") and hasattr(value, "tzinfo"):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(RISKY) and not _number(text) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text of header and rows, a line at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow([cell(name) for name in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def _disposition(filename: str, dated: bool) -> str:
    name = f"{filename}-{timezone.localdate():%Y-%m-%d}" if dated else filename
    return f'attachment; filename="{name}.csv"'


def stream(filename: str, header: list[str], rows: Iterable[Iterable], *, dated: bool = True) -> StreamingHttpResponse:
    """A download of any length, written in chunks and never built in memory."""
    response = StreamingHttpResponse(lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename, dated)
    return response


def download(filename: str, header: list[str], rows: Iterable[Iterable], *, dated: bool = False) -> HttpResponse:
    """A small download built at once (e.g. one matrix), so errors surface before the first byte."""
    response = HttpResponse("".join(lines(header, rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename, dated)
    return response
