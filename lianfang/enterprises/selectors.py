"""Reads of the three interactions, through the scoping layer."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lianfang.core.accounts.models import User
from lianfang.core.regions.models import Membership, Region, RegionLevel
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import regions_in_scope
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.selectors import unit_list

from .models import (
    TASK_FORCE_MEMBER_ROLES,
    EnterpriseProblem,
    GuidanceVisit,
    InstructorAssignment,
    ResourceDispatch,
    ResourceOffer,
    TaskForce,
    TaskForceEnterprise,
    TaskForceMember,
)


def task_force_list(user: Any) -> QuerySet[TaskForce]:
    return scope_for(user).filter(TaskForce.objects.select_related("region", "department"))


def regions_without_task_force(user: Any) -> QuerySet[Region]:
    """Subdistricts and towns in the user's jurisdiction that have no task force yet."""
    return (
        regions_in_scope(user)
        .filter(level__in=(RegionLevel.SUBDISTRICT, RegionLevel.TOWN))
        .exclude(pk__in=TaskForce.objects.values("region_id"))
    )


def task_force_members(task_force: TaskForce) -> QuerySet[TaskForceMember]:
    """The members of a task force the caller has already found through task_force_list."""
    return task_force.members.select_related("user").order_by("id")


def enterprises_covered(user: Any, task_force: TaskForce) -> QuerySet[Unit]:
    """The enterprises the task force covers, among those the user may see."""
    covered = TaskForceEnterprise.objects.filter(task_force=task_force).values("unit_id")
    return unit_list(user).filter(pk__in=covered).select_related("region").order_by("name", "id")


def enterprises_to_cover(user: Any, task_force: TaskForce) -> QuerySet[Unit]:
    """The enterprises of the task force's subdistrict that it does not cover yet (as the user sees them)."""
    covered = TaskForceEnterprise.objects.filter(task_force=task_force).values("unit_id")
    return (
        unit_list(user)
        .filter(profiles__kind=UnitKind.ENTERPRISE, region__code__startswith=task_force.region.prefix)
        .exclude(pk__in=covered)
        .select_related("region")
        .distinct()
        .order_by("name", "id")
    )


def coverage_of(task_force: TaskForce, unit_id: int) -> TaskForceEnterprise | None:
    return (
        TaskForceEnterprise.objects.select_related("task_force__region", "unit")
        .filter(task_force=task_force, unit_id=unit_id)
        .first()
    )


def staff_to_add(user: Any, task_force: TaskForce) -> QuerySet[User]:
    """Active staff serving inside the task force's subdistrict today, not yet members, among the
    memberships the user may see."""
    memberships = Membership.objects.active_on(timezone.localdate()).filter(
        role__in=TASK_FORCE_MEMBER_ROLES, region__code__startswith=task_force.region.prefix
    )
    serving = scope_for(user).filter(memberships).values("user_id")
    members = task_force.members.values("user_id")
    return User.objects.filter(pk__in=serving, is_active=True).exclude(pk__in=members).order_by("full_name", "username")


def staff_for_task_force(user: Any, task_force: TaskForce) -> QuerySet[User]:
    """Who may be named as a member: the staff the user could add, and the members already there."""
    members = User.objects.filter(pk__in=task_force.members.values("user_id"))
    return staff_to_add(user, task_force) | members


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
