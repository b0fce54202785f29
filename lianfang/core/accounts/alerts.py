"""A wave of lockouts from one address (many accounts tried): the system administrators are told
(core/notices/alerts.py)."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.models import Outcome
from lianfang.core.notices.alerts import PER_ADDRESS, SYSTEM_ADMINISTRATORS, Threshold, register_threshold

register_threshold(
    Threshold(
        "lockouts",
        _("accounts locked out from one address"),
        verbs=("auth.lockout",),
        per=PER_ADDRESS,
        window=timedelta(hours=1),
        limit_setting="LIANFANG_ALERT_LOCKOUTS",
        recipients=SYSTEM_ADMINISTRATORS,
        outcome=Outcome.DENIED,
    )
)
