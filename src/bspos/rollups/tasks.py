"""The roll-ups' job: store the closed months never stored or changed since (safe to run twice)."""

from django_tasks import task

from bspos.core.schedule import every


@every("*/10 * * * *")
@task()
def rebuild_stale_rollups() -> None:
    from bspos.rollups.services import rebuild_stale

    rebuild_stale()
