"""One FilterSet per list (django-filter), shared by the page, its CSV export and its API endpoint.

Bad values never reach the database: text with a NUL byte fails the form field's own validator, ids are
digits within the 64-bit range before any query, choices are checked against their list. A page ignores an
invalid filter and shows why; the API refuses the request with 422 naming the parameter (`api_filter`).
"""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters.fields import ModelChoiceField
from ninja import Schema
from pydantic import Field, create_model

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """An id from a query string or form value (digits within the 64-bit range), else None: no query for junk."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= MAX_ID else None


class _BoundedModelChoiceField(ModelChoiceField):
    """A row picked by id: anything but an id in range is "not one of the choices", without a query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(text)


class RowFilter(django_filters.ModelChoiceFilter):
    """Filter by a related row's id (`?client=12`)."""

    field_class = _BoundedModelChoiceField


class IdFilter(django_filters.Filter):
    """Filter by an integer id column (`?ticket=12`) without loading the row."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """Free-text search (`?q=`) over the fields a FilterSet names in `search`, case-insensitive."""

    def __init__(self, *fields: str, placeholder: str = "Search", **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", "Search")
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search", "placeholder": placeholder}))
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        from django.db.models import Q

        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return qs.filter(condition)


class FilterSet(django_filters.FilterSet):
    """A list's filters. Blank values mean "no filter"; `initial` values apply when a parameter is absent."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None:
            data = data.copy()
            for name, field in self.base_filters.items():
                initial = field.extra.get("initial")
                if initial is not None and name not in data:
                    data[name] = initial
        super().__init__(data, queryset, request=request, prefix=prefix)

    @property
    def problems(self) -> list[str]:
        """The invalid filters, as sentences a page shows above its list."""
        return [f"{self.filters[name].label or name}: {' '.join(messages)}" if name in self.filters else
                " ".join(messages) for name, messages in self.errors.items()]

    def params(self) -> str:
        """The valid filters as a query string (for pagination and export links)."""
        from django.utils.http import urlencode

        data = self.form.data if self.is_bound else {}
        return urlencode([(name, data.get(name)) for name in self.filters
                          if data.get(name) not in (None, "") and name not in self.errors])


def api_filter(filterset_class: type[FilterSet], request, queryset: QuerySet) -> QuerySet:
    """The API's use of a FilterSet: every parameter valid, or 422 naming each bad one (nothing is run)."""
    filterset = filterset_class(request.GET, queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.qs


def query_schema(filterset_class: type[FilterSet], name: str | None = None) -> type[Schema]:
    """The FilterSet's parameters as a django-ninja query schema, so the OpenAPI document lists them.

    Only names and descriptions come from here; values are validated by the FilterSet itself (`api_filter`).
    """
    fields: dict[str, Any] = {}
    for filter_name, flt in filterset_class.base_filters.items():
        description = str(flt.label or filter_name)
        choices = flt.extra.get("choices")
        if choices and not callable(choices):
            description += " (one of: " + ", ".join(str(value) for value, _label in choices if value != "") + ")"
        fields[filter_name] = (str | None, Field(None, description=description, max_length=200))
    return create_model(name or f"{filterset_class.__name__}Query", __base__=Schema, **fields)
