"""Intake's periodic jobs: webhook deliveries whose task was lost, and RMM assets gone quiet."""

from django_tasks import task

from bspos.core.schedule import every
from bspos.intake import services, webhooks


@every("*/5 * * * *")
@task()
def resume_webhooks() -> int:
    """Queue again the deliveries a crashed worker left pending (retries themselves are queued by each attempt)."""
    return webhooks.resume_pending(overdue_by=webhooks.LEASE)


@every("10 2 * * *")
@task()
def mark_stale_assets() -> int:
    return services.mark_stale()
