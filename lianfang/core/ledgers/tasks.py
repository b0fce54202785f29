from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .previews import preview_sweep


@db_periodic_task(crontab(minute="*/15"))
def sweep_abandoned_previews() -> int:
    """Every quarter hour: remove previewed ledger files nobody confirmed within their lifetime."""
    return preview_sweep()
