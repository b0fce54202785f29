from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import audit_seal_pending


@db_periodic_task(crontab(minute="*"))
def seal_audit_chain() -> int:
    """Every minute, chain the audit rows committed since the last run."""
    return audit_seal_pending()
