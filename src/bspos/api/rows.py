"""Small persistence steps shared by the API routers: resolve referenced ids, validate and save."""

from django.core.exceptions import ValidationError
from django.db import models, transaction


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
