"""When obligations fall due: the pairs (day, session) a rule expects over a range of days, and the
moment each is due, from the rule and the calendar. Nothing here touches the database."""

from __future__ import annotations

import calendar as months
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from lianfang.core.calendar.days import ONE_DAY, Calendar

from .rules import AfterEvent, Daily, Days, Duty, EveryNDays, Monthly

DISTRICT_TIME = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Due:
    """One obligation of a subject: the period's day, its session ("" for a single report), when due."""

    day: dt.date
    session: str
    at: dt.datetime


def _admits(days: str, calendar: Calendar, day: dt.date) -> bool:
    if days == Days.WORKING_DAYS:
        return calendar.is_working_day(day)
    if days == Days.SCHOOL_DAYS:
        return calendar.is_school_day(day)
    return True


def _at(day: dt.date, due: dt.time, epidemic_due: dt.time | None, calendar: Calendar) -> dt.datetime:
    """The last instant of the due minute: "by 08:30" takes a report at 08:30:40, and "by 23:59"
    one at 23:59:59."""
    if epidemic_due is not None and calendar.epidemic_level(day) is not None:
        due = epidemic_due
    return dt.datetime.combine(day, due.replace(second=59, microsecond=999999), tzinfo=DISTRICT_TIME)


def period_day(duty: Duty, day: dt.date, calendar: Calendar) -> dt.date | None:
    """The day naming the period that `day` falls in (the last day of an N-day period), or None
    where the rule expects nothing (a holiday for a working-day rule)."""
    cadence = duty.cadence
    if isinstance(cadence, Daily):
        return day if _admits(cadence.days, calendar, day) else None
    if isinstance(cadence, EveryNDays):
        offset = (day - cadence.anchor).days % cadence.n
        return day + dt.timedelta(days=cadence.n - 1 - offset)
    if isinstance(cadence, Monthly):
        return _block_end(day, cadence.months)
    return None


def _block_end(day: dt.date, size: int) -> dt.date:
    """The last day of the block of `size` months (counted from January) that `day` falls in."""
    last_month = ((day.month - 1) // size + 1) * size
    return dt.date(day.year, last_month, months.monthrange(day.year, last_month)[1])


def dues(duty: Duty, start: dt.date, end: dt.date, calendar: Calendar) -> list[Due]:
    """Every (day, session) the rule expects whose period day lies in [start, end], in order."""
    cadence = duty.cadence
    out: list[Due] = []
    if isinstance(cadence, Daily):
        day = start
        while day <= end:
            if _admits(cadence.days, calendar, day):
                out.extend(Due(day, s.key, _at(day, s.due, s.epidemic_due, calendar)) for s in cadence.sessions)
            day += ONE_DAY
    elif isinstance(cadence, EveryNDays):
        first = period_day(duty, start, calendar)
        assert first is not None
        day = first
        while day <= end:
            out.append(Due(day, "", _at(day, cadence.due, cadence.epidemic_due, calendar)))
            day += dt.timedelta(days=cadence.n)
    elif isinstance(cadence, Monthly):
        day = _block_end(start, cadence.months)
        while day <= end:
            out.append(Due(day, "", _at(day, cadence.due, cadence.epidemic_due, calendar)))
            day = _block_end(day + ONE_DAY, cadence.months)
    return out


def due_at(duty: Duty, day: dt.date, session: str, calendar: Calendar) -> dt.datetime | None:
    """When the obligation of (day, session) is due, or None if the rule expects none then."""
    if period_day(duty, day, calendar) != day:
        return None
    found = duty.session(session)
    if found is None:
        return None
    return _at(day, found.due, found.epidemic_due, calendar)


def event_due(cadence: AfterEvent, occurred_at: dt.datetime, calendar: Calendar) -> dt.datetime:
    """When an event's obligation falls due: hours after it, or on the N-th working day after it."""
    if cadence.hours is not None:
        return occurred_at + dt.timedelta(hours=cadence.hours)
    assert cadence.working_days is not None
    local = occurred_at.astimezone(DISTRICT_TIME).date()
    return dt.datetime.combine(
        calendar.add_working_days(local, cadence.working_days), cadence.due, tzinfo=DISTRICT_TIME
    )
