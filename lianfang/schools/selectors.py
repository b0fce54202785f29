"""Reads of the schools' practice, through the scoping layer.

Students' rows (enrolments, findings, absences) are sensitive: they reach the class's teachers,
the school's health officer and memberships that may view sensitive records. Everything else is
read per class: counts, never names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from lianfang.core.calendar.days import district_calendar
from lianfang.core.duties.models import DutyExemption, Submission
from lianfang.core.duties.periods import due_at, period_day
from lianfang.core.duties.selectors import roster
from lianfang.core.regions.scoping import scope_for

from .duties import CLASS_SUBJECT, HEALTH_CHECKIN, MORNING_NOON_CHECK, STUDENT_SUBJECT, TEACHER_SUBJECT
from .models import (
    Absence,
    CheckFinding,
    ClusterAlert,
    Enrolment,
    HomeVisit,
    LessonObservation,
    School,
    SchoolClass,
    TeachingAid,
    TeachingGap,
)


def enrolled_people() -> Q:
    """The people enrolled in a class now (a condition on Person): students."""
    return Q(pk__in=Enrolment.objects.filter(valid_until__isnull=True).values("person_id"))


def school_list(user: Any) -> QuerySet[School]:
    return (
        scope_for(user)
        .filter(School.objects.select_related("unit__region", "health_officer"))
        .order_by("unit__name_pinyin")
    )


def class_list(user: Any, school: School | None = None) -> QuerySet[SchoolClass]:
    classes = scope_for(user).filter(SchoolClass.objects.select_related("school__unit", "head_teacher"))
    return classes.filter(school=school) if school is not None else classes


def classes_taught(user: Any) -> QuerySet[SchoolClass]:
    """The classes a user heads or teaches."""
    return (
        SchoolClass.objects.filter(Q(head_teacher=user) | Q(teachers=user))
        .select_related("school__unit", "head_teacher")
        .distinct()
        .order_by("school__unit__name_pinyin", "grade", "number")
    )


def students(user: Any, school_class: SchoolClass, day: dt.date) -> QuerySet[Enrolment]:
    """The class's students on a day, for those who may see them (sensitive)."""
    rows = Enrolment.objects.filter(school_class=school_class, valid_from__lte=day).exclude(valid_until__lt=day)
    return scope_for(user).filter(rows.select_related("person")).order_by("number")


def findings(user: Any) -> QuerySet[CheckFinding]:
    rows = CheckFinding.objects.filter(submission__is_current=True)
    return scope_for(user).filter(rows.select_related("enrolment__person", "school_class__school__unit"))


def absences(user: Any) -> QuerySet[Absence]:
    rows = Absence.objects.select_related("enrolment__person", "school_class__school__unit")
    return scope_for(user).filter(rows)


def alerts(user: Any) -> QuerySet[ClusterAlert]:
    rows = ClusterAlert.objects.select_related("school_class__school__unit", "case")
    return scope_for(user).filter(rows)


@dataclass
class ClassDay:
    """A class on one day, in counts: what any viewer of the class reads."""

    school_class: SchoolClass
    enrolled: int = 0
    checked_in: int = 0
    exempt: int = 0
    sessions: dict[str, bool] = field(default_factory=dict)  # 晨午检 session -> reported
    absent: int = 0
    unwell: int = 0

    @property
    def not_checked_in(self) -> int:
        return max(self.enrolled - self.exempt - self.checked_in, 0)


def class_days(
    user: Any, day: dt.date, school: School | None = None, *, only: SchoolClass | None = None
) -> list[ClassDay]:
    """Each class the user may see on a day (of a school, or `only` one): students checked in
    (健康打卡) and the 晨午检 sessions reported, with the numbers absent and unwell. A few
    queries, whatever the number of classes."""
    visible = class_list(user, school)
    if only is not None:
        visible = visible.filter(pk=only.pk)
    classes = list(visible.order_by("school__unit__name_pinyin", "grade", "number"))
    out = {c.pk: ClassDay(c) for c in classes}
    enrolments = dict(
        Enrolment.objects.filter(school_class__in=classes, valid_from__lte=day)
        .exclude(valid_until__lt=day)
        .values_list("pk", "school_class_id")
    )
    for class_id in enrolments.values():
        out[class_id].enrolled += 1
    checked = Submission.objects.filter(
        duty=HEALTH_CHECKIN.key,
        day=day,
        is_current=True,
        subject__subject_type=STUDENT_SUBJECT,
        subject__subject_id__in=list(enrolments),
    ).values_list("subject__subject_id", flat=True)
    for enrolment_id in checked:
        out[enrolments[enrolment_id]].checked_in += 1
    exempt = DutyExemption.objects.filter(
        duty=HEALTH_CHECKIN.key,
        subject_type=STUDENT_SUBJECT,
        subject_id__in=list(enrolments),
        starts_on__lte=day,
        ends_on__gte=day,
    ).values_list("subject_id", flat=True)
    for enrolment_id in set(exempt):
        out[enrolments[enrolment_id]].exempt += 1
    reports = Submission.objects.filter(
        duty=MORNING_NOON_CHECK.key,
        day=day,
        is_current=True,
        subject__subject_type=CLASS_SUBJECT,
        subject__subject_id__in=list(out),
    ).values_list("subject__subject_id", "session", "content")
    for class_id, session, content in reports:
        row = out[class_id]
        row.sessions[session] = True
        row.absent = max(row.absent, int(content.get("absent") or 0))
        row.unwell = max(row.unwell, sum(1 for e in content.get("entries", []) if e.get("attendance") == "unwell"))
    return list(out.values())


def checkin_missing(user: Any, school_class: SchoolClass, day: dt.date) -> list[Enrolment]:
    """The class's students not checked in on a day (for its teachers: named)."""
    done = Submission.objects.filter(
        duty=HEALTH_CHECKIN.key, day=day, is_current=True, subject__subject_type=STUDENT_SUBJECT
    ).values("subject__subject_id")
    return list(students(user, school_class, day).exclude(pk__in=done))


@dataclass(frozen=True)
class Unreported:
    """A class's 晨午检 session owed on a day and not reported yet (overdue past its due time)."""

    school_class: SchoolClass
    session: str
    label: str
    overdue: bool


def unreported(rows: list[ClassDay], day: dt.date, now: dt.datetime | None = None) -> list[Unreported]:
    """What the classes still owe of the day's 晨午检 (nothing on a day that is not a school day):
    the school's list, which empties as the classes report."""
    calendar = district_calendar()
    if period_day(MORNING_NOON_CHECK, day, calendar) is None:
        return []
    now = now or timezone.now()
    out = []
    for row in rows:
        for session in MORNING_NOON_CHECK.sessions:
            if session.key not in row.sessions:
                due = due_at(MORNING_NOON_CHECK, day, session.key, calendar)
                overdue = due is not None and due < now
                out.append(Unreported(row.school_class, session.key, str(session.label), overdue))
    return out


def teacher_rows(user: Any, day: dt.date) -> list[Any]:
    """The user's own 健康打卡 roster rows as a teacher, valid on a day, with whether each is done."""
    rows = roster(user, HEALTH_CHECKIN, day, day).filter(subject_type=TEACHER_SUBJECT, responsible_user=user)
    done = set(
        Submission.objects.filter(subject__in=rows, day=day, is_current=True).values_list("subject_id", flat=True)
    )
    return [(row, row.pk in done) for row in rows.select_related("responsible_unit")]


def findings_by_class(user: Any, school_class: SchoolClass, day: dt.date) -> dict[str, list[CheckFinding]]:
    by_session: dict[str, list[CheckFinding]] = defaultdict(list)
    for finding in findings(user).filter(school_class=school_class, day=day):
        by_session[finding.session].append(finding)
    return dict(by_session)


def gaps(user: Any) -> QuerySet[TeachingGap]:
    rows = TeachingGap.objects.select_related("enrolment__person", "school_class").prefetch_related("aids")
    return scope_for(user).filter(rows)


def aids(user: Any) -> QuerySet[TeachingAid]:
    return scope_for(user).filter(TeachingAid.objects.select_related("gap"))


def visits(user: Any) -> QuerySet[HomeVisit]:
    rows = HomeVisit.objects.select_related("enrolment__person", "teacher", "school_class__school__unit")
    return scope_for(user).filter(rows)


def lessons(user: Any) -> QuerySet[LessonObservation]:
    rows = LessonObservation.objects.select_related("school__unit", "teacher", "observer", "case")
    return scope_for(user).filter(rows).order_by("-observed_on", "-pk")
