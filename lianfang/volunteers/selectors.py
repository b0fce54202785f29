"""Reads of volunteers, tasks and shifts, always through the scoping layer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from lianfang.core.regions.scoping import scope_for

from .models import Shift, TaskKind, Volunteer, VolunteerTask
from .states import TaskState


def _hours_served() -> Any:
    # A subquery, not a join: the scoping filter may already join shifts (a field worker's path),
    # and a SUM over that join would count the hours of matching rows only, or twice.
    hours = (
        Shift.objects.filter(volunteer=OuterRef("pk"), withdrawn_at__isnull=True, hours__isnull=False)
        .order_by()
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(
        Subquery(hours, output_field=DecimalField(max_digits=9, decimal_places=1)),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=9, decimal_places=1),
    )


def volunteer_list(user: Any) -> QuerySet[Volunteer]:
    """Volunteers the user may see, each with `hours_served` (the sum of their shifts' hours)."""
    volunteers = Volunteer.objects.select_related("person", "unit", "region")
    return scope_for(user).filter(volunteers).annotate(hours_served=_hours_served())


def volunteer_hours(volunteer: Volunteer) -> Decimal:
    """Hours a volunteer served: the sum of their shifts' hours (withdrawn shifts left out)."""
    total = Shift.objects.filter(volunteer=volunteer, withdrawn_at__isnull=True).aggregate(total=Sum("hours"))["total"]
    # SQLite hands a SUM back as a float: kept to the tenth of an hour that shifts are counted in.
    return (total if total is not None else Decimal("0")).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class VolunteerFilters:
    q: str = ""
    organisation: str = ""  # "enterprise", "community", "unit:<id>" or "region:<code>"
    region_prefix: str | None = None
    active: bool | None = None
    availability: str | None = None


def _organisation_q(organisation: str, unit_path: str, region_path: str) -> Q | None:
    if organisation == "enterprise":
        return Q(**{f"{unit_path}__isnull": False})
    if organisation == "community":
        return Q(**{f"{unit_path}__isnull": True})
    kind, _, value = organisation.partition(":")
    if kind == "unit" and value.isdigit() and len(value) < 19:
        return Q(**{f"{unit_path}_id": int(value)})
    if kind == "region" and re.fullmatch(r"\d{12}", value):
        return Q(**{f"{unit_path}__isnull": True, f"{region_path}__code": value})
    return None


def volunteer_search(user: Any, filters: VolunteerFilters) -> QuerySet[Volunteer]:
    """A name, pinyin initials, a skill, or an exact mobile or document number; and the filters."""
    from lianfang.core.people.selectors import person_search

    volunteers = volunteer_list(user)
    text = filters.q.strip()
    if text:
        if re.search(r"\d", text):
            # Numbers are looked up through the people registry's blind indexes only.
            volunteers = volunteers.filter(person__in=person_search(user, text).values("pk"))
        else:
            condition = Q(person__name__icontains=text) | Q(skills__icontains=text)
            if re.fullmatch(r"[A-Za-z]{1,10}", text):
                condition |= Q(person__name_initials__startswith=text.lower())
            volunteers = volunteers.filter(condition)
    organisation = _organisation_q(filters.organisation, "unit", "region")
    if organisation is not None:
        volunteers = volunteers.filter(organisation)
    if filters.region_prefix:
        volunteers = volunteers.filter(region__code__startswith=filters.region_prefix)
    if filters.active is not None:
        volunteers = volunteers.filter(is_active=filters.active)
    if filters.availability:
        volunteers = volunteers.filter(availability=filters.availability)
    return volunteers


def task_list(user: Any) -> QuerySet[VolunteerTask]:
    """Tasks the user may see: in their region, organised by them, or open to their enterprise."""
    return scope_for(user).filter(VolunteerTask.objects.select_related("region", "organiser"))


@dataclass(frozen=True)
class TaskFilters:
    kind: str | None = None
    state: str | None = None
    region_prefix: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    q: str = ""


def task_search(user: Any, filters: TaskFilters) -> QuerySet[VolunteerTask]:
    tasks = task_list(user)
    if filters.kind in TaskKind.values:
        tasks = tasks.filter(kind=filters.kind)
    if filters.state in TaskState.values:
        tasks = tasks.filter(state=filters.state)
    if filters.region_prefix:
        tasks = tasks.filter(region__code__startswith=filters.region_prefix)
    if filters.start:
        tasks = tasks.filter(starts_at__date__gte=filters.start)
    if filters.end:
        tasks = tasks.filter(starts_at__date__lte=filters.end)
    if filters.q.strip():
        text = filters.q.strip()
        tasks = tasks.filter(Q(title__icontains=text) | Q(place__icontains=text))
    return tasks


def task_places_taken(task: VolunteerTask) -> int:
    return task.shifts.filter(withdrawn_at__isnull=True).count()


def with_places_taken(tasks: QuerySet[VolunteerTask]) -> QuerySet[VolunteerTask]:
    """Each task with `places_taken`: a subquery, for the scoping filter may join shifts already."""
    taken = (
        Shift.objects.filter(task=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return tasks.annotate(places_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0)))


def shift_list(user: Any) -> QuerySet[Shift]:
    """Shifts the user may see: of tasks in their region or organised by them, or of their
    enterprise's volunteers."""
    shifts = Shift.objects.select_related(
        "task", "task__region", "volunteer", "volunteer__person", "volunteer__unit", "volunteer__region"
    )
    return scope_for(user).filter(shifts)


@dataclass(frozen=True)
class ShiftFilters:
    """The ledger's filters: who served where and when."""

    kind: str | None = None
    region_prefix: str | None = None
    organisation: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    task: int | None = None
    volunteer: int | None = None
    served_only: bool = False


def shift_search(user: Any, filters: ShiftFilters) -> QuerySet[Shift]:
    """Shifts (not withdrawn) by the task's kind, region and start day, and the volunteer's organisation."""
    shifts = shift_list(user).filter(withdrawn_at__isnull=True)
    if filters.kind in TaskKind.values:
        shifts = shifts.filter(task__kind=filters.kind)
    if filters.region_prefix:
        shifts = shifts.filter(task__region__code__startswith=filters.region_prefix)
    organisation = _organisation_q(filters.organisation, "volunteer__unit", "volunteer__region")
    if organisation is not None:
        shifts = shifts.filter(organisation)
    if filters.start:
        shifts = shifts.filter(task__starts_at__date__gte=filters.start)
    if filters.end:
        shifts = shifts.filter(task__starts_at__date__lte=filters.end)
    if filters.task:
        shifts = shifts.filter(task_id=filters.task)
    if filters.volunteer:
        shifts = shifts.filter(volunteer_id=filters.volunteer)
    if filters.served_only:
        shifts = shifts.filter(checked_in_at__isnull=False)
    return shifts


def task_shifts(user: Any, task: VolunteerTask) -> QuerySet[Shift]:
    """The shifts of a task that the user may see (an enterprise's contact sees its own volunteers')."""
    return shift_list(user).filter(task=task).order_by("withdrawn_at", "volunteer__person__name", "id")
