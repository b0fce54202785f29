from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def send_case_reminders() -> int:
    """Every quarter hour: take the reminder steps that are due (each at most once, see reminders.py)."""
    from .reminders import send_due_reminders

    return send_due_reminders()
