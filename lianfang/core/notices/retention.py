"""How long the bell keeps its messages (core/retention): their text names people ("张三 checked
in", a registration waiting for confirmation), and the records they point to keep their own history.
A retired message keeps its row (its key is never delivered twice), read, without title, text or
link, and is no longer listed."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.retention.policies import Policy, register_policy, start_of

from .models import Notification


def _received_before(cutoff: dt.date) -> QuerySet[Notification]:
    return Notification.objects.filter(created_at__lt=start_of(cutoff), retired_at__isnull=True)


def _erase(rows: QuerySet[Notification]) -> int:
    now = timezone.now()
    return rows.update(title="", body="", link="", read_at=Coalesce("read_at", now), retired_at=now)


register_policy(
    Policy(
        key="notices.bell",
        label=_("Messages in the bell (通知提醒)"),
        counts_from=_("the day received"),
        default=180,
        source=_(
            "PIPL art. 19 and 47; no law sets a period. A message only points to its record, which keeps its own "
            "history; 180 days, as for the check-ins, leaves half a year to follow one up."
        ),
        retires=_("The title, text and link are erased; the message is no longer listed."),
        rows=_received_before,
        retire=_erase,
    )
)
