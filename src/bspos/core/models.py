from django.db import models


class Sequence(models.Model):
    """A named gap-free counter (ticket numbers, later invoice numbers); see core.services.next_numbers."""

    name = models.CharField(max_length=50, primary_key=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"
