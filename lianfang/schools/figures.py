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
from lianfang.core.duties.figures import completeness_figure
from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units, in_region, rate, register
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
