"""Reviews' periodic job: every active client has its next Strategic Business Review planned."""

from django_tasks import task

from bspos.core.schedule import every
from bspos.reviews.services import plan_reviews as plan


@every("15 2 * * *")
@task()
def plan_reviews() -> int:
    return plan()
