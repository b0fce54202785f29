from huey import crontab
from huey.contrib.djhuey import db_periodic_task
from knox.models import AuthToken


@db_periodic_task(crontab(minute="17"))
def purge_expired_tokens() -> int:
    """Hourly: delete API tokens past their expiry (they are already refused when presented)."""
    from django.utils import timezone

    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
