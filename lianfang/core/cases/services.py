"""Writes to cases: report, transition, assign, edit, comment, attach, remind. Each is
permission-checked, writes its event row on the case's timeline and its audit row, atomically."""

from __future__ import annotations

import copy
import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.edits import VersionConflict
from lianfang.core.flows.engine import InvalidTransition
from lianfang.core.idempotency import stamp, submit_once
from lianfang.core.people.models import Person
from lianfang.core.prepared import PreparedInsert
from lianfang.core.regions.models import Department, DepartmentKind, Region, Role
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import Unit

from . import workflow
from .announcements import announce_report
from .kinds import CaseKind, UnknownKind, get_kind
from .models import PRIORITIES, Case, CaseAttachment, CaseEvent, EventKind, Priority
from .permissions import actor_scope, may_report_in, sides
from .reminders import deliver, owners_of
from .states import Side
from .timeline import event_add, event_row

SNAPSHOT_FIELDS = list(workflow.SNAPSHOT_FIELDS)


# A deadline further ahead than this is a typing slip (9999-12-31), not a plan.
LONGEST_DEADLINE = dt.timedelta(days=731)


@dataclass(frozen=True)
class CaseData:
    """A validated report: what, about whom, where, by when."""

    kind: CaseKind
    title: str
    description: str
    unit: Unit | None
    person: Person | None
    region: Region
    deadline: dt.date | None
    priority: int


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def clean_case(
    *,
    kind: Any,
    title: Any,
    description: Any = "",
    unit: Unit | None = None,
    person: Person | None = None,
    region: Region | None = None,
    deadline: dt.date | None = None,
    priority: Any = Priority.NORMAL,
    today: dt.date | None = None,
) -> CaseData:
    """Check a report; the ValidationError names every field that is wrong, in Chinese."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    case_kind: CaseKind | None = None
    try:
        case_kind = get_kind(str(kind or ""))
    except UnknownKind:
        errors["kind"] = [_("Unknown kind of case: %(kind)s.") % {"kind": str(kind)[:32]}]
    clean_title = _text(title)
    if not clean_title:
        errors["title"] = [_("The title is empty.")]
    elif len(clean_title) > 100:
        errors["title"] = [_("The title is longer than 100 characters.")]
    clean_description = str(description or "").strip()
    if len(clean_description) > 5000:
        errors["description"] = [_("The description is longer than 5000 characters.")]
    where = region or (unit.region if unit is not None else None) or (person.home_region if person else None)
    if where is None:
        errors["region"] = [_("Choose the region the case belongs to (or the organisation it concerns).")]
    elif unit is not None and not where.contains(unit.region) and not unit.region.contains(where):
        errors["region"] = [_("The region does not match the organisation's region.")]
    if deadline is not None and deadline < today:
        errors["deadline"] = [_("The deadline is in the past.")]
    elif deadline is not None and deadline > today + LONGEST_DEADLINE:
        errors["deadline"] = [_("The deadline is more than two years ahead.")]
    try:
        clean_priority = int(priority)
        if clean_priority not in PRIORITIES:
            raise ValueError
    except (TypeError, ValueError):
        errors["priority"] = [_("Unknown priority.")]
        clean_priority = Priority.NORMAL
    if errors:
        raise ValidationError(errors)
    assert case_kind is not None and where is not None
    if deadline is None and case_kind.default_days is not None:
        deadline = today + dt.timedelta(days=case_kind.default_days)
    return CaseData(case_kind, clean_title, clean_description, unit, person, where, deadline, clean_priority)


# Departments and offices change a few times a year, and every report asks for one: kept per
# process for a few minutes (other processes see a change within DEPARTMENT_TTL), and dropped at
# once in this process when a department or region is saved.
DEPARTMENT_TTL = 300.0
_DEPARTMENTS: dict[tuple[tuple[str, Any], ...], tuple[float, Department | None]] = {}


def _cached_department(**lookup: Any) -> Department | None:
    key = tuple(sorted(lookup.items()))
    now = time.monotonic()
    entry = _DEPARTMENTS.get(key)
    if entry is None or now - entry[0] >= DEPARTMENT_TTL:
        entry = (now, Department.objects.select_related("region").filter(**lookup).first())
        _DEPARTMENTS[key] = entry
    return copy.copy(entry[1])  # callers may cache relations on it; the cached one stays clean


def _departments_changed(**kwargs: Any) -> None:
    _DEPARTMENTS.clear()


for _model in (Department, Region):
    post_save.connect(_departments_changed, sender=_model, dispatch_uid=f"cases-departments-{_model.__name__}")
    post_delete.connect(_departments_changed, sender=_model, dispatch_uid=f"cases-departments-del-{_model.__name__}")


def default_owner(*, actor: Actor, region: Region) -> Department | None:
    """Who a new case goes to: the reporting bureau's own department, else the office of the
    subdistrict (or town) the case is in."""
    for grant in actor_scope(actor).grants:
        if grant.role == Role.DEPARTMENT_STAFF and grant.department_id and region.code.startswith(grant.region_prefix):
            return _cached_department(pk=grant.department_id)
    return _cached_department(kind=DepartmentKind.SUBDISTRICT_OFFICE, region__code=region.code[:9] + "000")


# Every report writes a case row: the statement is built once (lianfang.core.prepared).
_insert_case = PreparedInsert(Case)


def _content(data: CaseData, owner_department: Department | None, owner_unit: Unit | None) -> dict[str, Any]:
    return {
        "kind": data.kind.key,
        "title": data.title,
        "description": data.description,
        "unit": data.unit.pk if data.unit else None,
        "person": data.person.pk if data.person else None,
        "region": data.region.code,
        "deadline": data.deadline.isoformat() if data.deadline else None,
        "priority": data.priority,
        "owner_department": owner_department.pk if owner_department else None,
        "owner_unit": owner_unit.pk if owner_unit else None,
    }


def case_report(
    *,
    actor: Actor,
    data: CaseData,
    client_id: uuid.UUID | None = None,
    owner_department: Department | None = None,
    owner_unit: Unit | None = None,
    extra_content: Mapping[str, Any] | None = None,
    on_create: Callable[[Case], None] | None = None,
) -> tuple[Case, bool]:
    """Report a case (提出/上报). With a client id from a phone, a resend of the same content returns
    the first case (created=False) and other content under the same id raises SubmissionConflict.

    A practice that keeps its own details of a case (an enterprise problem's category, say) passes
    them as `extra_content`, so that they count in "the same content", and writes its detail row in
    `on_create`, which runs with the case's own writes (and not at all for a resend)."""
    if not may_report_in(actor, region_code=data.region.code, unit_id=data.unit.pk if data.unit else None):
        audit_record_refusal(actor=actor, verb="case.report", region_code=data.region.code)
        raise PermissionDenied(_("You may not report cases in %(region)s.") % {"region": data.region.name})
    owner = owner_department or (None if owner_unit else default_owner(actor=actor, region=data.region))
    content = {**_content(data, owner_department, owner_unit), **(extra_content or {})}

    def create() -> Case:
        case = Case(
            kind=data.kind.key,
            title=data.title,
            description=data.description,
            unit=data.unit,
            person=data.person,
            region=data.region,
            reporter=acting_user(actor),
            owner_department=owner,
            owner_unit=owner_unit,
            deadline=data.deadline,
            priority=data.priority,
        )
        stamp(case, client_id=client_id, content=content)
        _insert_case(case)
        event_row(case, actor=actor, kind=EventKind.REPORTED, to_state=case.state, note=data.description[:500])
        audit_record(actor=actor, verb="case.report", target=case, after=snapshot(case, SNAPSHOT_FIELDS))
        if on_create is not None:
            on_create(case)
        announce_report(case, actor=actor)
        return case

    with transaction.atomic():
        return submit_once(Case, client_id=client_id, content=content, create=create)


def _locked(case: Case, version: int | None) -> Case:
    current = (
        Case.objects.select_for_update(of=("self",))
        .select_related("region", "owner_department__region")
        .get(pk=case.pk)
    )
    if version is not None and current.version != version:
        raise VersionConflict(_("Someone else changed this case since you opened it. Reload and try again."))
    return current


def _refuse(actor: Actor, verb: str, case: Case, message: str) -> PermissionDenied:
    audit_record_refusal(actor=actor, verb=verb, target=case)
    return PermissionDenied(message)


def case_transition(
    *, actor: Actor, case: Case, name: str, version: int | None, note: str = "", outcome: str | None = None
) -> Case:
    """Move a case along its kind's flow (受理, 办结, 核实, 退回, 重新打开 …) through the flow engine.

    Raises InvalidTransition for a transition outside the kind's table, PermissionDenied for a user
    on the wrong side, ValidationError for a missing reason, outcome or evidence, and
    VersionConflict when `version` is not the case's current one. `outcome` is what 办结 records
    (the case's current outcome when not given again).
    """
    kind = get_kind(case.kind)
    with transaction.atomic():
        current = _locked(case, version)
        given = current.outcome if outcome is None else outcome
        kind.flow.take(record=current, name=name, actor=actor, note=note, inputs={"outcome": given or ""})
    return current


def case_settle(*, actor: Actor, case: Case, outcome: str, note: str = "") -> Case:
    """Close a case of a settled kind (kinds.SETTLED) because a later record settles it: the
    inspection that finds a rectification done, the review that revokes the order. Called by the
    practice's service inside its own transaction, for its own record; a closed case stays closed."""
    kind = get_kind(case.kind)
    with transaction.atomic():
        current = _locked(case, None)
        if current.is_closed:
            return current
        kind.flow.take(
            record=current, name="settle", actor=actor, note=note, inputs={"outcome": outcome}, automatic=True
        )
    return current


def case_assign(
    *,
    actor: Actor,
    case: Case,
    version: int | None,
    owner_department: Department | None = None,
    owner_unit: Unit | None = None,
    assignee: Any = None,
    note: str = "",
) -> Case:
    """Hand a case to a department or office, an organisation, and/or a person (dispatchers and owners)."""
    with transaction.atomic():
        current = _locked(case, version)
        if not sides(actor, current) & {Side.DISPATCHER, Side.OWNER}:
            raise _refuse(actor, "case.assign", current, _("You may not assign this case."))
        if owner_department is None and owner_unit is None and assignee is None:
            raise ValidationError({"owner_department": [_("Choose a department, an organisation or a person.")]})
        if assignee is not None and not getattr(assignee, "is_active", False):
            raise ValidationError({"assignee": [_("This account is not active.")]})
        before = snapshot(current, SNAPSHOT_FIELDS)
        if owner_department is not None or owner_unit is not None:
            current.owner_department = owner_department
            current.owner_unit = owner_unit
        current.assignee = assignee
        current.version += 1
        current.save()
        names = [str(x) for x in (owner_department, owner_unit) if x is not None]
        if assignee is not None:
            names.append(getattr(assignee, "full_name", "") or assignee.get_username())
        event_row(
            current,
            actor=actor,
            kind=EventKind.ASSIGNED,
            note=("→ " + "、".join(names) + (f"：{note}" if note else "")),
        )
        audit_record(
            actor=actor, verb="case.assign", target=current, before=before, after=snapshot(current, SNAPSHOT_FIELDS)
        )
    return current


def case_edit(
    *,
    actor: Actor,
    case: Case,
    version: int | None,
    title: Any,
    description: Any,
    deadline: dt.date | None,
    priority: Any,
) -> Case:
    """Change what a case says and when it is due; a new deadline starts its reminders afresh."""
    with transaction.atomic():
        current = _locked(case, version)
        if not sides(actor, current) & {Side.DISPATCHER, Side.OWNER}:
            raise _refuse(actor, "case.edit", current, _("You may not change this case."))
        data = clean_case(
            kind=current.kind,
            title=title,
            description=description,
            unit=current.unit,
            region=current.region,
            deadline=deadline if deadline != current.deadline else None,
            priority=priority,
        )
        before = snapshot(current, SNAPSHOT_FIELDS)
        current.title = data.title
        current.description = data.description
        current.deadline = deadline
        current.priority = data.priority
        current.version += 1
        current.save()
        event_row(current, actor=actor, kind=EventKind.EDITED)
        audit_record(
            actor=actor, verb="case.edit", target=current, before=before, after=snapshot(current, SNAPSHOT_FIELDS)
        )
    return current


def _may_touch(actor: Actor, case: Case) -> bool:
    from .selectors import case_list

    if isinstance(actor, SystemActor):
        return True
    return scope_for(actor).can_write and case_list(actor).filter(pk=case.pk).exists()


def case_comment(*, actor: Actor, case: Case, note: str) -> CaseEvent:
    """Add a comment to the timeline (anyone who sees the case and may write, the unit's contact too)."""
    note = str(note or "").strip()
    if not _may_touch(actor, case):
        raise _refuse(actor, "case.comment", case, _("You may not comment on this case."))
    if not note:
        raise ValidationError({"note": [_("The comment is empty.")]})
    if len(note) > 2000:
        raise ValidationError({"note": [_("The comment is longer than 2000 characters.")]})
    with transaction.atomic():
        event = event_add(case, actor=actor, kind=EventKind.COMMENT, note=note)
        audit_record(actor=actor, verb="case.comment", target=case, detail=note[:500])
    return event


def case_remind(*, actor: Actor, case: Case) -> int:
    """Remind a case's owners now (a bulk action on the list); at most once a minute per case."""
    if not _may_touch(actor, case):
        raise _refuse(actor, "case.remind", case, _("You may not remind on this case."))
    users = owners_of(case)
    minute = timezone.now().strftime("%Y%m%d%H%M")
    title = _("Reminder: case #%(id)s %(title)s") % {"id": case.pk, "title": case.title}
    with transaction.atomic():
        sent = deliver(case=case, users=users, title=title, body=case.title, key=f"case:{case.pk}:manual:{minute}")
        names = "、".join((u.full_name or u.get_username()) for u in users) or "-"
        event_row(case, actor=actor, kind=EventKind.REMINDED, note=f"→ {names}")
        audit_record(actor=actor, verb="case.remind", target=case, detail=names[:500])
    return sent


def case_attach(*, actor: Actor, case: Case, upload: Any, note: str = "") -> CaseAttachment:
    """Attach evidence (a photo or a file) to a case; it appears on the timeline."""
    from lianfang.core.files.services import file_store

    if not _may_touch(actor, case):
        raise _refuse(actor, "case.attach", case, _("You may not add files to this case."))
    with transaction.atomic():
        stored = file_store(actor=actor, upload=upload)
        event = event_add(
            case, actor=actor, kind=EventKind.ATTACHMENT, note=(str(note or "").strip() or stored.original_name)
        )
        attachment = CaseAttachment.objects.create(case=case, file=stored, event=event)
        audit_record(
            actor=actor, verb="case.attach", target=case, detail=f"{stored.original_name} {stored.sha256[:12]}"
        )
    return attachment


@dataclass
class BulkResult:
    done: int = 0
    refused: dict[int, str] = field(default_factory=dict)


def case_bulk(
    *,
    actor: Actor,
    cases: Iterable[Case],
    action: str,
    owner_department: Department | None = None,
    assignee: Any = None,
) -> BulkResult:
    """Accept, assign or remind many cases from a list. Each case is done or refused on its own
    (a case in the wrong state, or outside the actor's side, is listed with the reason)."""
    result = BulkResult()
    for case in cases:
        try:
            if action == "accept":
                case_transition(actor=actor, case=case, name="accept", version=None)
            elif action == "assign":
                case_assign(actor=actor, case=case, version=None, owner_department=owner_department, assignee=assignee)
            elif action == "remind":
                case_remind(actor=actor, case=case)
            else:
                raise ValueError(f"unknown bulk action {action!r}")
        except (PermissionDenied, ValidationError, InvalidTransition) as refused:
            result.refused[case.pk] = "; ".join(getattr(refused, "messages", None) or [str(refused)])
        else:
            result.done += 1
    return result
