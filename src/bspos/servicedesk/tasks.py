"""The desk's periodic jobs (run by `bspos scheduler` through the Django Tasks worker)."""

from django_tasks import task

from bspos.core.schedule import every
from bspos.servicedesk.escalation import run_sla_job


@every("* * * * *")
@task()
def check_slas() -> int:
    """SLA warnings and breaches, escalation rules and waiting-on-client follow-ups; returns how many fired."""
    return run_sla_job()
