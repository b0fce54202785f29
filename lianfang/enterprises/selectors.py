"""Reads of the three interactions, through the scoping layer."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.selectors import unit_list

from .models import EnterpriseProblem, GuidanceVisit, InstructorAssignment, ResourceDispatch, ResourceOffer, TaskForce


def task_force_list(user: Any) -> QuerySet[TaskForce]:
    return scope_for(user).filter(TaskForce.objects.select_related("region", "department"))


def enterprises_covered(user: Any, task_force: TaskForce) -> QuerySet[Unit]:
    """The enterprises of the task force's subdistrict that the user may see."""
    return (
        unit_list(user)
        .filter(profiles__kind=UnitKind.ENTERPRISE, region__code__startswith=task_force.region.prefix)
        .select_related("region")
        .distinct()
        .order_by("name", "id")
    )


def problem_list(user: Any) -> QuerySet[EnterpriseProblem]:
    rows = EnterpriseProblem.objects.select_related(
        "case", "case__unit", "case__region", "case__owner_department", "case__assignee"
    )
    return scope_for(user).filter(rows)


def problem_counts(problems: QuerySet[EnterpriseProblem]) -> dict[str, int]:
    return problems.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(case__is_closed=False)),
        solved=Count("pk", filter=Q(case__is_closed=True)),
    )


def offer_list(user: Any) -> QuerySet[ResourceOffer]:
    rows = ResourceOffer.objects.select_related("unit", "unit__region").annotate(dispatch_count=Count("dispatches"))
    return scope_for(user).filter(rows)


def dispatch_list(user: Any) -> QuerySet[ResourceDispatch]:
    rows = ResourceDispatch.objects.select_related("case", "case__unit", "offer")
    return scope_for(user).filter(rows)


def assignment_list(user: Any, region: Region | None = None) -> QuerySet[InstructorAssignment]:
    rows = InstructorAssignment.objects.select_related("instructor", "unit", "unit__region").annotate(
        visit_count=Count("visits")
    )
    if region is not None:
        rows = rows.filter(unit__region__code__startswith=region.prefix)
    return scope_for(user).filter(rows)


def visit_list(user: Any) -> QuerySet[GuidanceVisit]:
    rows = GuidanceVisit.objects.select_related("assignment__instructor", "assignment__unit")
    return scope_for(user).filter(rows)
