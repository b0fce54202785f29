"""The calendar as the rules read it: working days, school days, the epidemic level of a day.

The whole calendar is a few hundred rows, read at once and kept per process. Saving or deleting a
day, a term or an epidemic period in this process drops the copy at once; another process keeps
its copy for at most CALENDAR_TTL seconds (a holiday is set weeks ahead; an epidemic period is
declared from its first day, and a due time read a minute late is still the declared one).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db.models import signals

from .models import CalendarDay, DayKind, EpidemicPeriod, SchoolTerm

CALENDAR_TTL = 60.0
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    exceptions: dict[dt.date, str]  # day -> DayKind
    terms: tuple[tuple[dt.date, dt.date], ...]
    epidemics: tuple[tuple[dt.date, dt.date | None, str], ...]  # first day, last day or None, level

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind is not None:
            return kind == DayKind.WORKING_DAY
        return day.weekday() < 5

    def in_term(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.terms)

    def is_school_day(self, day: dt.date) -> bool:
        return self.in_term(day) and self.is_working_day(day)

    def epidemic_level(self, day: dt.date) -> str | None:
        """The response level of the epidemic period that holds the day, or None."""
        for start, end, level in self.epidemics:
            if start <= day and (end is None or day <= end):
                return level
        return None

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (a count of 0 is the day itself)."""
        if count < 0:
            raise ValueError("count must not be negative")
        while count:
            day += ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        out = []
        day = start
        while day <= end:
            out.append(day)
            day += ONE_DAY
        return out


_LOCK = threading.Lock()
_CACHE: list[tuple[float, Calendar]] = []


def district_calendar() -> Calendar:
    """The calendar as it stands (see CALENDAR_TTL)."""
    now = time.monotonic()
    with _LOCK:
        if _CACHE and now - _CACHE[0][0] < CALENDAR_TTL:
            return _CACHE[0][1]
    calendar = Calendar(
        exceptions=dict(CalendarDay.objects.values_list("day", "kind")),
        terms=tuple(SchoolTerm.objects.order_by("starts_on").values_list("starts_on", "ends_on")),
        epidemics=tuple(EpidemicPeriod.objects.order_by("starts_on").values_list("starts_on", "ends_on", "level")),
    )
    with _LOCK:
        _CACHE[:] = [(now, calendar)]
    return calendar


def calendar_changed(**kwargs: Any) -> None:
    """Forget this process's copy (every change to the calendar, and tests, call it)."""
    with _LOCK:
        _CACHE.clear()


for _model in (CalendarDay, SchoolTerm, EpidemicPeriod):
    signals.post_save.connect(calendar_changed, sender=_model, dispatch_uid=f"calendar-{_model.__name__}-saved")
    signals.post_delete.connect(calendar_changed, sender=_model, dispatch_uid=f"calendar-{_model.__name__}-deleted")
