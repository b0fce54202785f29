"""Online teaching for every student (一个不少): who was reached on every school day of a period.

A student is reached on a school day when they attended online (not absent for personal matters
in that day's 晨午检, and not recorded without device or network), or by an aid active that day (a
data plan, a lent phone not yet returned, TV lessons). An absence for illness is followed as an
absence, not counted as a student left out (docs/decisions.md). Covered in a period: reached on
every school day of it. Coverage: covered ÷ enrolled on the period's last day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from lianfang.core.calendar.days import district_calendar

from .models import AbsenceReason, Attendance, CheckFinding, Enrolment, TeachingAid, TeachingGap


def school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    calendar = district_calendar()
    return [
        d for d in (start + dt.timedelta(days=n) for n in range((end - start).days + 1)) if calendar.is_school_day(d)
    ]


def _aided(aids: Iterable[TeachingAid], day: dt.date) -> bool:
    return any(
        a.given_on <= day and (a.ends_on is None or day <= a.ends_on) and (a.returned_on is None or day < a.returned_on)
        for a in aids
    )


def not_reached(class_ids: list[int], start: dt.date, end: dt.date) -> dict[int, set[int]]:
    """The students (enrolment ids) of these classes not reached on some school day of the
    period, by class. Reads the period's personal absences and the gaps open in it (few rows)."""
    days = school_days(start, end)
    if not days or not class_ids:
        return {}
    on_school_days = set(days)
    gaps = list(
        TeachingGap.objects.filter(school_class_id__in=class_ids, recorded_on__lte=end)
        .filter(Q(solved_on__isnull=True) | Q(solved_on__gt=start))
        .prefetch_related("aids")
    )
    aids: dict[int, list[TeachingAid]] = defaultdict(list)
    for gap in gaps:
        aids[gap.enrolment_id].extend(gap.aids.all())
    out: dict[int, set[int]] = defaultdict(set)
    absences = CheckFinding.objects.filter(
        school_class_id__in=class_ids,
        day__gte=start,
        day__lte=end,
        submission__is_current=True,
        attendance=Attendance.ABSENT,
        reason=AbsenceReason.PERSONAL,
    ).values_list("school_class_id", "enrolment_id", "day")
    for class_id, enrolment_id, day in absences:
        if day in on_school_days and not _aided(aids[enrolment_id], day):
            out[class_id].add(enrolment_id)
    for gap in gaps:
        for day in days:
            open_then = gap.recorded_on <= day and (gap.solved_on is None or day < gap.solved_on)
            if open_then and not _aided(aids[gap.enrolment_id], day):
                out[gap.school_class_id].add(gap.enrolment_id)
                break
    return dict(out)


def coverage(class_ids: list[int], start: dt.date, end: dt.date) -> tuple[int, int]:
    """(covered, enrolled) over these classes: enrolled on the period's last day, less those not
    reached on some school day of it."""
    enrolled = set(
        Enrolment.objects.filter(school_class_id__in=class_ids, valid_from__lte=end)
        .exclude(valid_until__lt=end)
        .values_list("pk", flat=True)
    )
    missed = set().union(*not_reached(class_ids, start, end).values()) if class_ids else set()
    return len(enrolled - missed), len(enrolled)
