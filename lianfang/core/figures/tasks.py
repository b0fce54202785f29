from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/10"))
def roll_up_figures() -> int:
    """Every ten minutes: roll up the days marked dirty by late records, and yesterday once it ends."""
    from .rollups import roll_up_due

    return roll_up_due()
