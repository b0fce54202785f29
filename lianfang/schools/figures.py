"""The schools' figures (practice 5): students enrolled, 健康打卡 and 晨午检 completeness,
absences for illness (open and closed) and cluster alerts.

Figures about students are counted per class: the value is worked out over the classes the
viewer may see, and the drill-down lists classes with their counts, never a named student
(students are minors; see models.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianfang.core.cases.states import State
from lianfang.core.duties.figures import completeness_figure, missing_figure
from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units, in_region, rate, register
from lianfang.core.figures.sections import Section, register_section
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope

from .coverage import coverage, not_reached
from .duties import HEALTH_CHECKIN, MORNING_NOON_CHECK
from .models import Absence, AbsenceState, ClusterAlert, Enrolment, Grade, HomeVisit, LessonObservation, SchoolClass

PRACTICE = "schools"
CLASS_COLUMNS = (
    Column("school__unit__name", _("school")),
    Column("grade", _("grade"), choices=Grade),
    Column("number", _("class number")),
    Column("head_teacher__full_name", _("head teacher")),
)

# Rows of students (by their class) that a figure counts in a period and region.
StudentRows = Callable[[Period, Region], QuerySet[Any]]


def _classes(region: Region) -> QuerySet[SchoolClass]:
    return in_region(SchoolClass.objects.all(), "school__unit__region", region)


def by_class_figure(
    *, key: str, label: Promise, unit: Promise, students: StudentRows, column: Promise, description: Promise
) -> Figure:
    """A count of students' rows, as the total of the classes' counts: worked out over the classes
    the viewer may see, and drilled down per class."""

    def per_class(period: Period, region: Region) -> QuerySet[Any]:
        counted = (
            students(period, region)
            .filter(school_class=OuterRef("pk"))
            .order_by()
            .values("school_class")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            _classes(region)
            .annotate(counted=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
            .filter(counted__gt=0)
        )

    def computed(period: Period, region: Region, scope: Scope) -> tuple[int, None, None]:
        visible = scope.filter(_classes(region)).values("pk")
        return students(period, region).filter(school_class__in=visible).count(), None, None

    return Figure(
        key=key,
        label=label,
        unit=unit,
        kind=Kind.SUM,
        amount="counted",
        practice=PRACTICE,
        rows=per_class,
        columns=(*CLASS_COLUMNS, Column("counted", column)),
        computed=computed,
        description=description,
    )


def _enrolled(period: Period, region: Region) -> QuerySet[Any]:
    rows = Enrolment.objects.filter(valid_from__lte=period.end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=period.end)
    )
    return in_region(rows, "school_class__school__unit__region", region)


def _absences(state: str) -> StudentRows:
    def rows(period: Period, region: Region) -> QuerySet[Any]:
        found = Absence.objects.filter(first_day__gte=period.start, first_day__lte=period.end)
        found = (
            found.filter(state=AbsenceState.RETURNED)
            if state == "closed"
            else found.exclude(state=AbsenceState.RETURNED)
        )
        return in_region(found, "school_class__school__unit__region", region)

    return rows


register(
    by_class_figure(
        key="schools.students_enrolled",
        label=_("Students enrolled"),
        unit=Units.PERSONS,
        students=_enrolled,
        column=_("students"),
        description=_("Students enrolled on the period's last day, by class."),
    )
)
register(
    completeness_figure(
        HEALTH_CHECKIN,
        key="schools.checkin_completeness",
        label=_("Health check-in completeness (健康打卡)"),
        practice=PRACTICE,
        description=_("Check-ins made as a share of those due (students and teachers, every day)."),
    )
)
register(
    completeness_figure(
        MORNING_NOON_CHECK,
        key="schools.morning_noon_completeness",
        label=_("Morning and noon check completeness (晨午检)"),
        practice=PRACTICE,
        description=_("Classes' 晨检 and 午检 reported as a share of those due on school days."),
    )
)
register(
    by_class_figure(
        key="schools.absences_open",
        label=_("Absences for illness, open"),
        unit=Units.PERSONS,
        students=_absences("open"),
        column=_("absences"),
        description=_("Absences for illness begun in the period and not yet back at school."),
    )
)
register(
    by_class_figure(
        key="schools.absences_closed",
        label=_("Absences for illness, closed"),
        unit=Units.PERSONS,
        students=_absences("closed"),
        column=_("absences"),
        description=_("Absences for illness begun in the period whose students are back at school."),
    )
)


def _alerts(period: Period, region: Region) -> QuerySet[Any]:
    rows = ClusterAlert.objects.filter(day__gte=period.start, day__lte=period.end)
    return in_region(rows, "school_class__school__unit__region", region)


register(
    Figure(
        key="schools.cluster_alerts",
        label=_("Cluster alerts"),
        unit=Units.TIMES,
        kind=Kind.COUNT,
        practice=PRACTICE,
        rows=_alerts,
        day="day",
        columns=(
            Column("school_class__school__unit__name", _("school")),
            Column("school_class__grade", _("grade"), choices=Grade),
            Column("school_class__number", _("class number")),
            Column("day", _("day")),
            Column("students", _("students")),
            Column("case__state", _("state"), choices=State),
        ),
        description=_("Alerts of illness gathering in a class raised in the period."),
    )
)


def _visits(period: Period, region: Region) -> QuerySet[Any]:
    rows = HomeVisit.objects.filter(visited_on__gte=period.start, visited_on__lte=period.end)
    return in_region(rows, "school_class__school__unit__region", region)


register(
    by_class_figure(
        key="schools.home_visits",
        label=_("Online home visits"),
        unit=Units.TIMES,
        students=_visits,
        column=_("home visits"),
        description=_("Online home visits (线上家访) made by teachers in the period, by class."),
    )
)


def _not_reached(period: Period, region: Region) -> QuerySet[Any]:
    """The classes with students not reached on some school day of the period, with how many."""
    classes = _classes(region)
    missed = not_reached(list(classes.values_list("pk", flat=True)), period.start, period.end)
    counts = [When(pk=pk, then=Value(len(ids))) for pk, ids in missed.items()]
    return classes.filter(pk__in=list(missed)).annotate(
        counted=DbCase(*counts, default=Value(0), output_field=IntegerField())
    )


def _coverage(period: Period, region: Region, scope: Scope) -> tuple[Decimal | None, int, int]:
    visible = list(scope.filter(_classes(region)).values_list("pk", flat=True))
    covered, enrolled = coverage(visible, period.start, period.end)
    return rate(covered, enrolled), covered, enrolled


register(
    Figure(
        key="schools.online_coverage",
        label=_("Online teaching coverage"),
        unit=Units.PERCENT,
        kind=Kind.RATE,
        practice=PRACTICE,
        rows=_not_reached,
        columns=(*CLASS_COLUMNS, Column("counted", _("students not reached"))),
        computed=_coverage,
        target=Decimal(100),
        description=_(
            "Students reached on every school day of the period (online, or by a data plan, a lent phone or TV "
            "lessons) as a share of those enrolled; the drill-down lists classes with students not reached."
        ),
    )
)


def _lessons(period: Period, region: Region) -> QuerySet[Any]:
    rows = LessonObservation.objects.filter(observed_on__gte=period.start, observed_on__lte=period.end)
    return in_region(rows, "school__unit__region", region)


LESSON_COLUMNS = (
    Column("school__unit__name", _("school")),
    Column("teacher__full_name", _("teacher")),
    Column("subject", _("subject")),
    Column("observed_on", _("observed on")),
    Column("score", _("total score")),
    Column("grade", _("grade of the lesson")),
    Column("observer__full_name", _("teaching researcher")),
)
register(
    Figure(
        key="schools.lessons_observed",
        label=_("Lessons observed"),
        unit=pgettext_lazy("unit", "lessons"),
        kind=Kind.COUNT,
        practice=PRACTICE,
        rows=_lessons,
        day="observed_on",
        columns=LESSON_COLUMNS,
        description=_("Online lessons observed and scored by teaching researchers (听评课) in the period."),
    )
)
register(
    Figure(
        key="schools.researchers",
        label=_("Teaching researchers observing"),
        unit=Units.PERSONS,
        kind=Kind.DISTINCT,
        subject="observer",
        practice=PRACTICE,
        rows=_lessons,
        columns=LESSON_COLUMNS,
        description=_("Teaching researchers (教研员) who observed at least one lesson in the period."),
    )
)
register(
    missing_figure(
        MORNING_NOON_CHECK,
        key="schools.morning_noon_missing",
        label=_("Classes without their 晨午检 report"),
        practice=PRACTICE,
        unit=pgettext_lazy("unit", "classes"),
        description=_(
            "Classes whose 晨检 or 午检 was due on the last school day and is not reported, with their head teacher."
        ),
    )
)
register_section(
    Section(
        practice=PRACTICE,
        unit="区教育局",
        headline="区教育局防疫和教学“两手抓”“两不误”",
        text=(
            "该局坚持“五育并举”，在抓好日常线上教学的同时，指导开展家庭劳动、体育锻炼等课程，"
            "并开展“线上家访”{家访|approx:1}次，形成家校合力，提高线上教学质量。注重在线授课“科学评价”，"
            "全区{教研员}名教研员深入线上课堂听评课{听评课|approx:1}次，汇总每日训课情况形成台账，及时改进提升。"
            "深化“关爱帮扶”，对困难学生赠送流量、手机等，全区{学生|wan}名学生线上教学覆盖率{覆盖}%。"
            "坚持每日师生健康监测，加强防疫知识宣传，钉钉健康打卡率、晨午检上报率分别为{打卡}%、{晨午检}%。"
        ),
        figures={
            "家访": "schools.home_visits",
            "教研员": "schools.researchers",
            "听评课": "schools.lessons_observed",
            "学生": "schools.students_enrolled",
            "覆盖": "schools.online_coverage",
            "打卡": "schools.checkin_completeness",
            "晨午检": "schools.morning_noon_completeness",
        },
        order=50,
    )
)
