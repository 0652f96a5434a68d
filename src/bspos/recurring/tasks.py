"""The recurring-ticket job: every 15 minutes, create the tickets that fall inside their templates' days ahead."""

from django_tasks import task

from bspos.core.schedule import every
from bspos.recurring import services


@every("*/15 * * * *")
@task()
def create_recurring_tickets() -> int:
    return services.create_due()
