"""Minimal foundation rows for tests."""

from datetime import date

import factory

from bspos.foundation.models import CoreValue, IdealClientProfile, LegalDocument, LegalVersion, Solution, Vision


class IcpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdealClientProfile

    name = factory.Sequence(lambda n: f"Profile {n}")
    description = "Law firms of 10 to 50 people in the city, run by their partners."
    business_problem = "Billable hours lost when systems stop."
    verticals = "Legal"


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution

    name = factory.Sequence(lambda n: f"Practice Growth System {n}")
    outcome = "More billable hours per partner."


class ValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoreValue

    name = factory.Sequence(lambda n: f"Value {n}")
    behaviour = "We don't oversell what we can deliver."
    would_fire = True


class VisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vision

    bhag = "By 2030, the BSP of every law firm in the county, at $5M ARR and 65% margin."
    target_date = date(2030, 12, 31)
    mission = "We keep law firms billing."
    set_on = date(2026, 1, 5)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalDocument
        django_get_or_create = ("kind",)

    kind = "msa"
    title = "Master Service Agreement"


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalVersion

    document = factory.SubFactory(DocumentFactory)
    version = factory.Sequence(lambda n: f"{n + 1}.0")
    effective_on = date(2025, 1, 1)
    text = "The parties agree…"
    reviewed_on = date(2025, 6, 3)
    reviewed_by = "A. Counsel, Counsel LLP"
    describes_operations = True
