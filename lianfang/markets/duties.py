"""每日最少过一遍 on core/duties: every open or suspended shop is inspected at least once a day,
holidays included. A shop is on the roster from its registration; a shop closed for a time (歇业)
is exempt for those days. The first inspection of a shop on a day fulfils the day (services.py).

Completeness, the missing list and the reminder come from the engine: at MARKETS_REMINDER_AT
(16:00 Asia/Shanghai by default) each team's members get one message listing their shops not yet
inspected (a digest, to the shop's team: teams.team_recipients).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lianfang.core.duties.rules import Daily, Days, Duty, Session, register_duty

from .teams import team_recipients

SHOP_SUBJECT = "markets.shop"
DAY_ENDS = dt.time(23, 59)


def _reminder_offset(at: str) -> dt.timedelta:
    """The reminder's offset from the day's end (16:00 is 7 h 59 min before 23:59)."""
    hour, _sep, minute = at.partition(":")
    when = dt.time(int(hour), int(minute or 0))
    day = dt.date(2000, 1, 1)
    return dt.datetime.combine(day, when) - dt.datetime.combine(day, DAY_ENDS)


DAILY_INSPECTION = register_duty(
    Duty(
        key="markets.daily_inspection",
        label=_("Daily inspection (每日最少过一遍)"),
        subject_label=_("shop"),
        cadence=Daily(sessions=(Session("", "", DAY_ENDS),), days=Days.EVERY_DAY),
        # Fulfilled by an inspection (services.py), never by a bare report.
        through_practice=True,
        reminders=(_reminder_offset(settings.MARKETS_REMINDER_AT),),
        escalate_after=None,
        digest=True,
        recipients=team_recipients,
        description=_("Every open or suspended shop, inspected at least once each day by its team."),
    )
)
