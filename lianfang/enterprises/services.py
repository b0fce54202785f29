"""Writes of the three interactions. Problems and resource dispatches are cases (core.cases): this
app adds what a case of theirs carries (a category and outcome figures, the offer asked for)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.cases.models import Case
from lianfang.core.cases.permissions import actor_scope
from lianfang.core.cases.services import case_report, case_transition, clean_case
from lianfang.core.idempotency import stamp, submit_once
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Department, DepartmentKind, Region, RegionLevel, Role
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import Unit, UnitKind

from .models import (
    TASK_FORCE_MEMBER_ROLES,
    EnterpriseProblem,
    GuidanceVisit,
    InstructorAssignment,
    ProblemCategory,
    ResourceDispatch,
    ResourceOffer,
    TaskForce,
    TaskForceEnterprise,
    TaskForceMember,
)

# Which outcome figure each category must report when the problem is marked done.
REQUIRED_OUTCOME = {
    ProblemCategory.LABOUR: "workers_placed",
    ProblemCategory.MATERIALS: "materials_supplied",
    ProblemCategory.SUBSIDY: "subsidy_amount",
    ProblemCategory.LOAN: "loan_amount",
}
MAX_AMOUNT = Decimal("1000000000000")  # 1万亿元: anything above is a typing error


def _is_enterprise(unit: Unit) -> bool:
    return unit.profiles.filter(kind=UnitKind.ENTERPRISE).exists()


def _staff_in(actor: Actor, region_code: str) -> bool:
    scope = actor_scope(actor)
    if scope.sees_everything:
        return True
    return any(
        g.role in (Role.SUBDISTRICT_STAFF, Role.DEPARTMENT_STAFF) and region_code.startswith(g.region_prefix)
        for g in scope.grants
    )


def _contact_of(actor: Actor, unit: Unit) -> bool:
    return any(g.role == Role.UNIT_CONTACT and g.unit_id == unit.pk for g in actor_scope(actor).grants)


def problem_report(
    *,
    actor: Actor,
    unit: Unit,
    category: Any,
    title: Any = "",
    description: Any = "",
    confirmed: bool = False,
    client_id: uuid.UUID | None = None,
) -> tuple[EnterpriseProblem, bool]:
    """An enterprise's problem, reported by its contact or by staff: a case of kind "problem" (企业诉求)
    owned by the subdistrict's office, with its category. Resends by client id return the first.

    The description (what the enterprise needs) and the reporter's confirmation that it is accurate
    are required: an empty report is refused here, field by field, for the page and the API alike."""
    errors: dict[str, list[str]] = {}
    if str(category) not in ProblemCategory.values:
        errors["category"] = [_("Choose what kind of problem it is.")]
    if not str(description or "").strip():
        errors["description"] = [_("Describe the problem: what the enterprise needs, how many or how much, by when.")]
    if confirmed is not True:
        errors["confirmed"] = [_("Confirm that the report is accurate.")]
    if not _is_enterprise(unit):
        errors["unit"] = [_("%(name)s is not registered as an enterprise.") % {"name": unit.name}]
    if errors:
        raise ValidationError(errors)
    label = str(ProblemCategory(str(category)).label)
    data = clean_case(kind="problem", title=str(title or "").strip() or label, description=description, unit=unit)

    def details(case: Case) -> None:
        EnterpriseProblem.objects.create(case=case, category=str(category))

    case, created = case_report(
        actor=actor, data=data, client_id=client_id, extra_content={"category": str(category)}, on_create=details
    )
    return EnterpriseProblem.objects.select_related("case").get(pk=case.pk), created


def _amount(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        errors[field] = [_("Write the amount in yuan as a number.")]
        return None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        errors[field] = [_("The amount must be between 0 and 1,000,000,000,000 yuan.")]
        return None
    return amount.quantize(Decimal("0.01"))


def _count(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = [_("Write a whole number.")]
        return None
    if not 0 <= number <= 100_000:
        errors[field] = [_("The number must be between 0 and 100,000.")]
        return None
    return number


def problem_missing(problem: EnterpriseProblem) -> dict[str, list[str]]:
    """What the problem's category still needs before it can be marked done."""
    field = REQUIRED_OUTCOME.get(ProblemCategory(problem.category))
    if field is None or getattr(problem, field) not in (None, ""):
        return {}
    messages = {
        "workers_placed": _("Give the number of workers placed."),
        "materials_supplied": _("Say which materials were supplied."),
        "subsidy_amount": _("Give the subsidy applied for, in yuan."),
        "loan_amount": _("Give the loan coordinated, in yuan."),
    }
    return {field: [messages[field]]}


def problem_finish(
    *,
    actor: Actor,
    problem: EnterpriseProblem,
    version: int,
    outcome: Any,
    subsidy_amount: Any = None,
    loan_amount: Any = None,
    workers_placed: Any = None,
    materials_supplied: Any = "",
) -> EnterpriseProblem:
    """Mark a problem done (办结) with its outcome and the figures it adds (subsidy, loan, workers
    placed, materials). The case's own rules apply: the owner's side, the version, a verifier next."""
    errors: dict[str, list[str]] = {}
    subsidy = _amount(subsidy_amount, "subsidy_amount", errors)
    loan = _amount(loan_amount, "loan_amount", errors)
    workers = _count(workers_placed, "workers_placed", errors)
    materials = " ".join(str(materials_supplied or "").split())[:200]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = EnterpriseProblem.objects.select_for_update().get(pk=problem.pk)
        before = snapshot(current)
        current.subsidy_amount, current.loan_amount = subsidy, loan
        current.workers_placed, current.materials_supplied = workers, materials
        current.save()
        # The case checks sides, version and required figures (closing.py), and rolls this back if refused.
        case = case_transition(actor=actor, case=current.case, name="finish", version=version, outcome=outcome)
        audit_record(
            actor=actor, verb="enterprise_problem.outcome", target=case, before=before, after=snapshot(current)
        )
    current.case = case
    return current


def offer_create(*, actor: Actor, unit: Unit, title: Any, description: Any = "") -> ResourceOffer:
    """An enterprise offers a resource (by its contact, or staff for it)."""
    if not (_contact_of(actor, unit) or _staff_in(actor, unit.region.code)):
        audit_record_refusal(actor=actor, verb="resource_offer.create", target=unit)
        raise PermissionDenied(_("You may not offer resources for this enterprise."))
    clean_title = " ".join(str(title or "").split())
    if not clean_title:
        raise ValidationError({"title": [_("Name the resource.")]})
    if len(clean_title) > 100:
        raise ValidationError({"title": [_("The name is longer than 100 characters.")]})
    if not _is_enterprise(unit):
        raise ValidationError({"unit": [_("%(name)s is not registered as an enterprise.") % {"name": unit.name}]})
    with transaction.atomic():
        offer = ResourceOffer.objects.create(
            unit=unit,
            title=clean_title,
            description=str(description or "").strip()[:2000],
            created_by=acting_user(actor),
        )
        audit_record(actor=actor, verb="resource_offer.create", target=offer, after=snapshot(offer))
    return offer


def dispatch_request(
    *,
    actor: Actor,
    offer: ResourceOffer,
    title: Any = "",
    description: Any = "",
    deadline: dt.date | None = None,
    client_id: uuid.UUID | None = None,
) -> tuple[ResourceDispatch, bool]:
    """The subdistrict asks for an offered resource: a resource-request case handed to the enterprise."""
    if not _staff_in(actor, offer.unit.region.code):
        audit_record_refusal(actor=actor, verb="resource.dispatch", target=offer)
        raise PermissionDenied(_("Only the subdistrict's staff may request an enterprise's resources."))
    if not offer.is_available:
        raise ValidationError({"offer": [_("This resource is no longer offered.")]})
    data = clean_case(
        kind="resource_request",
        title=str(title or "").strip() or offer.title,
        description=description,
        unit=offer.unit,
        deadline=deadline,
    )

    def details(case: Case) -> None:
        ResourceDispatch.objects.create(case=case, offer=offer)

    case, created = case_report(
        actor=actor,
        data=data,
        client_id=client_id,
        owner_unit=offer.unit,
        extra_content={"offer": offer.pk},
        on_create=details,
    )
    return ResourceDispatch.objects.select_related("case", "offer").get(pk=case.pk), created


# The task force (专班) -----------------------------------------------------------------------------


def may_manage_task_force(actor: Actor, region: Region) -> bool:
    """Subdistrict staff serving over this subdistrict set up its task force and keep its members and
    enterprises (the console too, for set-up scripts and the demo)."""
    if isinstance(actor, SystemActor):
        return True
    return any(
        g.role == Role.SUBDISTRICT_STAFF and region.code.startswith(g.region_prefix) for g in actor_scope(actor).grants
    )


def _require_manager(actor: Actor, region: Region, verb: str) -> None:
    if not may_manage_task_force(actor, region):
        audit_record_refusal(actor=actor, verb=verb, region_code=region.code)
        raise PermissionDenied(_("Only the subdistrict's staff may keep its task force."))


def task_force_create(*, actor: Actor, region: Region, name: Any = "") -> TaskForce:
    """Set up a subdistrict's (or town's) enterprise task force (企业疫情防控专班), owned by its
    office. Staff serving there who set it up become its first member."""
    _require_manager(actor, region, "task_force.create")
    errors: dict[str, list[str]] = {}
    if region.level not in (RegionLevel.SUBDISTRICT, RegionLevel.TOWN):
        errors["region"] = [_("A task force serves a subdistrict or a town.")]
    elif TaskForce.objects.filter(region=region).exists():
        errors["region"] = [_("%(region)s already has its task force.") % {"region": region.name}]
    # The official name is data, the same in every UI language.
    clean_name = " ".join(str(name or "").split()) or f"{region.name}企业疫情防控专班"
    if len(clean_name) > 100:
        errors["name"] = [_("The name is longer than 100 characters.")]
    if errors:
        raise ValidationError(errors)
    office = Department.objects.filter(kind=DepartmentKind.SUBDISTRICT_OFFICE, region=region).first()
    try:
        with transaction.atomic():
            force = TaskForce.objects.create(name=clean_name, region=region, department=office)
            audit_record(actor=actor, verb="task_force.create", target=force, after=snapshot(force))
            if getattr(actor, "is_authenticated", False) and serves_in(actor, region):
                task_force_member_add(actor=actor, task_force=force, user=actor)
    except IntegrityError as error:  # set up by someone else at the same moment
        raise ValidationError(
            {"region": [_("%(region)s already has its task force.") % {"region": region.name}]}
        ) from error
    return force


def serves_in(user: Any, region: Region) -> bool:
    """Is this account staff serving inside the region today?"""
    return bool(getattr(user, "is_active", False)) and any(
        g.role in TASK_FORCE_MEMBER_ROLES and g.region_prefix.startswith(region.prefix) for g in scope_for(user).grants
    )


def task_force_member_add(
    *, actor: Actor, task_force: TaskForce, user: Any, duty: Any = ""
) -> tuple[TaskForceMember, bool]:
    """Add staff serving in the subdistrict to its task force, with a duty (组长, 联络员 …). Adding a
    member again changes only the duty. Returns the member and whether they were added now."""
    _require_manager(actor, task_force.region, "task_force.member_add")
    clean_duty = " ".join(str(duty or "").split())
    if len(clean_duty) > 40:
        raise ValidationError({"duty": [_("The duty is longer than 40 characters.")]})
    if not serves_in(user, task_force.region):
        raise ValidationError(
            {"user": [_("%(name)s does not serve in %(region)s.") % {"name": user, "region": task_force.region.name}]}
        )
    with transaction.atomic():
        member = TaskForceMember.objects.select_for_update().filter(task_force=task_force, user=user).first()
        if member is not None:
            if member.duty != clean_duty:
                before = snapshot(member)
                member.duty = clean_duty
                member.save(update_fields=["duty"])
                audit_record(
                    actor=actor, verb="task_force.member_duty", target=member, before=before, after=snapshot(member)
                )
            return member, False
        member = TaskForceMember.objects.create(task_force=task_force, user=user, duty=clean_duty)
        audit_record(actor=actor, verb="task_force.member_add", target=member, after=snapshot(member))
    return member, True


def task_force_member_remove(*, actor: Actor, member: TaskForceMember) -> None:
    _require_manager(actor, member.task_force.region, "task_force.member_remove")
    with transaction.atomic():
        before = snapshot(member)
        audit_record(actor=actor, verb="task_force.member_remove", target=member, before=before)
        member.delete()


def task_force_cover(*, actor: Actor, task_force: TaskForce, unit: Unit) -> tuple[TaskForceEnterprise, bool]:
    """The task force takes on an enterprise of its subdistrict (covering it again changes nothing).
    Returns the coverage and whether it is new."""
    _require_manager(actor, task_force.region, "task_force.cover")
    if not unit.region.code.startswith(task_force.region.prefix):
        raise ValidationError(
            {"unit": [_("%(name)s is not in %(region)s.") % {"name": unit.name, "region": task_force.region.name}]}
        )
    if not _is_enterprise(unit):
        raise ValidationError({"unit": [_("%(name)s is not registered as an enterprise.") % {"name": unit.name}]})
    with transaction.atomic():
        link, created = TaskForceEnterprise.objects.get_or_create(task_force=task_force, unit=unit)
        if created:
            audit_record(actor=actor, verb="task_force.cover", target=link, after=snapshot(link))
    return link, created


def task_force_uncover(*, actor: Actor, link: TaskForceEnterprise) -> None:
    """The task force stops covering an enterprise, once no instructor of its is assigned there."""
    _require_manager(actor, link.task_force.region, "task_force.uncover")
    assigned = InstructorAssignment.objects.filter(
        task_force=link.task_force_id, unit=link.unit_id, ends_on__isnull=True
    )
    if assigned.exists():
        raise ValidationError(
            {"unit": [_("End the instructor's assignment to %(name)s first.") % {"name": link.unit.name}]}
        )
    with transaction.atomic():
        audit_record(actor=actor, verb="task_force.uncover", target=link, before=snapshot(link))
        link.delete()


def instructor_assign(
    *, actor: Actor, task_force: TaskForce, instructor: Person, unit: Unit, starts_on: dt.date
) -> InstructorAssignment:
    """Assign a party-building instructor to one enterprise (one to one: each has one at a time)."""
    if not _staff_in(actor, task_force.region.code):
        audit_record_refusal(actor=actor, verb="instructor.assign", target=unit)
        raise PermissionDenied(_("Only the task force's subdistrict may assign instructors."))
    if not TaskForceEnterprise.objects.filter(task_force=task_force, unit=unit).exists():
        raise ValidationError({"unit": [_("The enterprise is not one the task force covers.")]})
    if InstructorAssignment.objects.filter(unit=unit, ends_on__isnull=True).exists():
        raise ValidationError({"unit": [_("%(name)s already has an instructor.") % {"name": unit.name}]})
    if InstructorAssignment.objects.filter(instructor=instructor, ends_on__isnull=True).exists():
        raise ValidationError({"instructor": [_("%(name)s already guides an enterprise.") % {"name": instructor.name}]})
    try:
        with transaction.atomic():
            assignment = InstructorAssignment.objects.create(
                instructor=instructor, unit=unit, task_force=task_force, starts_on=starts_on
            )
            audit_record(actor=actor, verb="instructor.assign", target=assignment, after=snapshot(assignment))
    except IntegrityError as error:  # assigned by someone else at the same moment
        raise ValidationError({"unit": [_("%(name)s already has an instructor.") % {"name": unit.name}]}) from error
    return assignment


def instructor_release(*, actor: Actor, assignment: InstructorAssignment, ends_on: dt.date | None = None) -> None:
    if not _staff_in(actor, assignment.task_force.region.code):
        raise PermissionDenied(_("Only the task force's subdistrict may end an assignment."))
    with transaction.atomic():
        before = snapshot(assignment)
        assignment.ends_on = ends_on or timezone.localdate()
        assignment.save(update_fields=["ends_on"])
        audit_record(
            actor=actor, verb="instructor.release", target=assignment, before=before, after=snapshot(assignment)
        )


def visit_log(
    *,
    actor: Actor,
    assignment: InstructorAssignment,
    visited_on: dt.date,
    notes: Any,
    client_id: uuid.UUID | None = None,
) -> tuple[GuidanceVisit, bool]:
    """Log a guidance visit from a phone; a resend with the same client id returns the first record."""
    if not (_staff_in(actor, assignment.unit.region.code) or _field_worker_in(actor, assignment.unit.region.code)):
        audit_record_refusal(actor=actor, verb="instructor.visit", target=assignment.unit)
        raise PermissionDenied(_("You may not log visits to this enterprise."))
    clean_notes = str(notes or "").strip()
    errors: dict[str, list[str]] = {}
    if not clean_notes:
        errors["notes"] = [_("Write what was checked and advised.")]
    elif len(clean_notes) > 2000:
        errors["notes"] = [_("The notes are longer than 2000 characters.")]
    if visited_on > timezone.localdate():
        errors["visited_on"] = [_("The visit date is in the future.")]
    elif assignment.starts_on > visited_on or (assignment.ends_on and visited_on > assignment.ends_on):
        errors["visited_on"] = [_("The instructor was not assigned to this enterprise on that day.")]
    if errors:
        raise ValidationError(errors)
    content = {"assignment": assignment.pk, "visited_on": visited_on.isoformat(), "notes": clean_notes}

    def create() -> GuidanceVisit:
        visit = GuidanceVisit(
            assignment=assignment,
            visited_on=visited_on,
            notes=clean_notes,
            logged_by=acting_user(actor),
        )
        stamp(visit, client_id=client_id, content=content)
        visit.save()
        audit_record(actor=actor, verb="instructor.visit", target=visit, detail=f"{assignment.unit} {visited_on}")
        return visit

    with transaction.atomic():
        return submit_once(GuidanceVisit, client_id=client_id, content=content, create=create)


def _field_worker_in(actor: Actor, region_code: str) -> bool:
    return any(
        g.role == Role.FIELD_WORKER and region_code.startswith(g.region_prefix) for g in actor_scope(actor).grants
    )
