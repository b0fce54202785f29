"""The duties' rules, declared in code by the practices that owe them (each in its `duties.py`):

    register_duty(Duty(
        key="schools.morning_noon_check",
        label=_("晨午检"),
        subject_label=_("class"),
        cadence=Daily(sessions=(Session("morning", _("晨检"), time(8, 30)),
                                Session("noon", _("午检"), time(15, 0))), days=Days.SCHOOL_DAYS),
    ))

A rule says what is owed, on which days and by when; the roster (models.DutySubject) says by whom.
Obligations are never stored: they are worked out from the rules, the calendar and the roster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianfang.core.regions.models import Role


class Days(models.TextChoices):
    EVERY_DAY = "every_day", _("every day, holidays included")
    WORKING_DAYS = "working_days", _("working days")
    SCHOOL_DAYS = "school_days", _("school days")


@dataclass(frozen=True)
class Session:
    """One report of a day (晨检, 午检, 晚检), due at a time in Asia/Shanghai; in an epidemic period
    at `epidemic_due` when the rule sets one."""

    key: str
    label: Promise | str
    due: dt.time
    epidemic_due: dt.time | None = None


@dataclass(frozen=True)
class Daily:
    """Each day that `days` admits, once per session."""

    sessions: tuple[Session, ...]
    days: str = Days.EVERY_DAY


@dataclass(frozen=True)
class EveryNDays:
    """Each period of `n` days counted from `anchor` (n=7 from a Monday: each week), due on the
    period's last day at `due`."""

    n: int
    anchor: dt.date
    due: dt.time = dt.time(23, 59)
    epidemic_due: dt.time | None = None

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError("a period is at least one day")


@dataclass(frozen=True)
class Monthly:
    """Each block of `months` calendar months counted from January (1: each month, 3: each
    quarter), due on the block's last day at `due`."""

    months: int = 1
    due: dt.time = dt.time(23, 59)
    epidemic_due: dt.time | None = None

    def __post_init__(self) -> None:
        if self.months < 1 or 12 % self.months:
            raise ValueError("a block of months divides the year (1, 2, 3, 4, 6 or 12)")


@dataclass(frozen=True)
class AfterEvent:
    """Once after each recorded event: `hours` after it, or at `due` on the `working_days`-th
    working day after it."""

    hours: int | None = None
    working_days: int | None = None
    due: dt.time = dt.time(23, 59)

    def __post_init__(self) -> None:
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("an event's obligation falls due after hours or after working days, not both")


Cadence = Daily | EveryNDays | Monthly | AfterEvent
ContentCheck = Callable[[Mapping[str, Any]], dict[str, Any]]


def no_content(content: Mapping[str, Any]) -> dict[str, Any]:
    """The default check: a submission that carries nothing but its own presence (and a note)."""
    note = " ".join(str(content.get("note") or "").split())
    return {"note": note[:500]} if note else {}


@dataclass(frozen=True)
class Duty:
    key: str
    label: Promise | str
    subject_label: Promise | str
    cadence: Cadence
    # Checks and normalises a submission's content (raises ValidationError naming the fields).
    content: ContentCheck = no_content
    # The reminder ladder, relative to the due time: reminders to the responsible party at each
    # offset in `reminders`, then to the supervisors `escalate_after` past it.
    reminders: tuple[dt.timedelta, ...] = (dt.timedelta(hours=-1), dt.timedelta(0))
    escalate_after: dt.timedelta | None = dt.timedelta(hours=1)
    supervisor_roles: tuple[str, ...] = (Role.SUBDISTRICT_STAFF,)
    description: Promise | str = ""
    # Submitted only through the practice's own service, which checks what the content alone
    # cannot (a 晨午检's students belong to the class): the generic submission API refuses it.
    through_practice: bool = False
    # What is submitted is sensitive (students' health): the generic API shows that a report was
    # made, not what it says.
    sensitive_content: bool = False
    # Being on the roster is itself sensitive (a household visited weekly because its elder lives
    # alone): the roster, the missing list and the completeness come only through grants that may
    # view sensitive records.
    sensitive_roster: bool = False
    # One reminder per person per step listing what they owe (a team's uninspected shops), rather
    # than one per subject.
    digest: bool = False
    # Who answers for missing rows, when the roster's responsible party is not the one to remind
    # (a shop's inspection team): (missing rows, day) -> {roster row id: [users]}.
    recipients: Callable[[list[Any], dt.date], dict[int, list[Any]]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sessions(self) -> tuple[Session, ...]:
        if isinstance(self.cadence, Daily):
            return self.cadence.sessions
        return (Session("", "", self.cadence.due),) if isinstance(self.cadence, EveryNDays | Monthly) else ()

    def session(self, key: str) -> Session | None:
        return next((s for s in self.sessions if s.key == key), None)


_DUTIES: dict[str, Duty] = {}


def register_duty(duty: Duty) -> Duty:
    known = _DUTIES.get(duty.key)
    if known is not None and known != duty:
        raise ValueError(f"duty {duty.key} is declared twice")
    if isinstance(duty.cadence, Daily) and len({s.key for s in duty.cadence.sessions}) != len(duty.cadence.sessions):
        raise ValueError(f"duty {duty.key}: two sessions share a key")
    if len(duty.key) > 48:
        raise ValueError(f"duty {duty.key}: a key has at most 48 characters")
    _DUTIES[duty.key] = duty
    return duty


def unregister_duty(key: str) -> None:
    """For tests that declare a duty of their own."""
    _DUTIES.pop(key, None)


def get_duty(key: str) -> Duty | None:
    return _DUTIES.get(key)


def all_duties() -> list[Duty]:
    return sorted(_DUTIES.values(), key=lambda d: d.key)
