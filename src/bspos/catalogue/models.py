from django.db import models


class SevenCArea(models.TextChoices):
    """The 7C IT management framework areas (seed 002)."""

    CONTINUOUS = "continuous", "Continuous"
    COMPETENT = "competent", "Competent"
    CHARGED = "charged", "Charged"
    CONSCIOUS = "conscious", "Conscious"
    CONTROLLED = "controlled", "Controlled"
    CLEAR = "clear", "Clear"
    COST_EFFECTIVE = "cost_effective", "Cost effective"


class ServiceUnit(models.TextChoices):
    PER_USER = "per_user", "Per user"
    PER_DEVICE = "per_device", "Per device"
    FLAT = "flat", "Flat"
    PER_HOUR = "per_hour", "Per hour"


class Service(models.Model):
    """A catalogue service; an agreement's included services are its scope boundary."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=ServiceUnit.choices, default=ServiceUnit.FLAT)
    area = models.CharField("7C area", max_length=20, choices=SevenCArea.choices, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
