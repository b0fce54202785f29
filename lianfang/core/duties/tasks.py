from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def send_duty_reminders() -> int:
    """Every five minutes: the steps of the reminder ladder that have come (each once, see reminders.py)."""
    from .reminders import send_duty_reminders as send

    return send()
