"""The daily backup with retention (BSPOS_BACKUP_KEEP archives, none older than BSPOS_BACKUP_MAX_AGE_DAYS)."""

import fcntl

from django_tasks import task

from bspos.backups import services
from bspos.core.schedule import every


@every("30 2 * * *")
@task()
def daily_backup() -> str:
    folder = services.backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "another backup is running"
        result = services.backup()
        removed = services.prune()
    return f"{result.path.name}; removed {len(removed)} old archive(s)"
