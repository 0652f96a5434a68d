"""A business calendar (Monday–Friday 09:00–17:00) and an SLA plan with a target for every priority."""

from datetime import time

import factory

from bspos.sla.models import BusinessCalendar, EscalationRule, Priority, SlaPlan, SlaTarget, WorkingHours


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Office hours {n}")
    time_zone = "Europe/London"
    holiday_country = "GB"
    holiday_subdivision = "ENG"

    @factory.post_generation
    def weekdays(calendar, create, extracted, **kwargs):
        if create:
            WorkingHours.objects.bulk_create(WorkingHours(calendar=calendar, weekday=day, starts=time(9),
                                                          ends=time(17)) for day in range(5))


class SlaPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaPlan
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Plan {n}")
    calendar = factory.SubFactory(BusinessCalendarFactory)

    @factory.post_generation
    def targets(plan, create, extracted, **kwargs):
        if create:  # priority 1 → 30 min / 4 h … priority 4 → 4 h / 5 days, in business minutes
            minutes = {Priority.CRITICAL: (30, 240), Priority.HIGH: (60, 480), Priority.MEDIUM: (120, 960),
                       Priority.LOW: (240, 2400)}
            SlaTarget.objects.bulk_create(SlaTarget(plan=plan, priority=p, first_response_minutes=f,
                                                    resolution_minutes=r) for p, (f, r) in minutes.items())


class EscalationRuleFactory(factory.django.DjangoModelFactory):
    """90% of the resolution target used → notify the assignee (override the actions per test)."""

    class Meta:
        model = EscalationRule

    plan = factory.SubFactory(SlaPlanFactory)
    target = "resolution"
    percent = 90
    notify_assignee = True
