from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import file_sweep_orphans


@db_periodic_task(crontab(hour="3", minute="41"))
def sweep_orphaned_files() -> int:
    """Nightly: remove stored bytes whose upload was rolled back (no StoredFile row names them)."""
    return file_sweep_orphans()
