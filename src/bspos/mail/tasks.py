"""Mail's periodic jobs: fetch the mailbox (when IMAP is configured) and send what the outbox has due."""

from django_tasks import task

from bspos.core.schedule import every
from bspos.mail import conf, services


@every("* * * * *", when=conf.imap_configured)
@task()
def fetch_mail() -> int:
    """New mail from the mailbox; ingesting is idempotent by Message-ID, so overlapping runs store nothing twice."""
    return services.fetchmail().new


@every("* * * * *")
@task()
def send_outbox() -> int:
    """Messages whose first attempt's task was lost, and retries whose wait is over."""
    return services.send_due()
