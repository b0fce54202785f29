from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(day="1", hour="3", minute="30"))
def retire_personal_data() -> int:
    """On the first of each month at 03:30: retire the records whose retention period has ended."""
    from .services import retention_run

    return sum(o.rows for o in retention_run(apply=True))
