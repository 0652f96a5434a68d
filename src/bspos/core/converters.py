"""Path converters: `<id:pk>` matches an id the database can hold (1 to 18 digits), so an over-long number in a
URL is a 404 like any unknown page instead of an integer overflow in the query (SQLite) or a 500."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
