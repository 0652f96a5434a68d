"""The documentation's jobs: every day at 05:30, read each documented certificate from its server; at 06:00, tell
staff what ends in 30, 14, 7, 1 or 0 days (once per threshold)."""

from django_tasks import task

from bspos.core.schedule import every
from bspos.documentation import certificates, services


@every("30 5 * * *")
@task()
def check_certificates() -> int:
    return certificates.check_all()


@every("0 6 * * *")
@task()
def notify_expiring() -> int:
    # after the certificate check, so a certificate renewed overnight is not announced as ending
    return services.notify_expiring()
