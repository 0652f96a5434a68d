"""The certificate job: every day at 05:30, read each documented certificate from its server."""

from django_tasks import task

from bspos.core.schedule import every
from bspos.documentation import certificates


@every("30 5 * * *")
@task()
def check_certificates() -> int:
    return certificates.check_all()
