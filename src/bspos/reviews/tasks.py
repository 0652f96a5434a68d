"""Reviews' periodic jobs: every active client has its next Strategic Business Review planned; clients that opted
in get last month's summary early each month."""

from django_tasks import task

from bspos.core.schedule import every
from bspos.reviews.services import plan_reviews as plan
from bspos.reviews.summary import send_due_summaries


@every("15 2 * * *")
@task()
def plan_reviews() -> int:
    return plan()


@every("0 7 2 * *")  # 07:00 on the 2nd: last month is complete and its time entries are in
@task()
def send_monthly_summaries() -> int:
    return send_due_summaries()
