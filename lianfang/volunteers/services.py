"""Writes of the volunteers practice: register volunteers, create tasks, dispatch and sign up,
check in and out, correct hours, withdraw, finish and cancel. Each is permission-checked,
atomic and audited.

Sign-ups, check-ins and check-outs come from phones on weak networks and carry a client id
(core/idempotency.py): the same id and content returns the first answer, other content under
the same id is a SubmissionConflict. The row they contend for (the task, or the shift) is locked
before the id is looked up, so a copy that waited for the lock finds the first copy's row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.accounts.models import User
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.edits import VersionConflict
from lianfang.core.idempotency import stamp, submit_once
from lianfang.core.people.identity import DocumentType
from lianfang.core.people.models import with_document
from lianfang.core.people.selectors import person_list
from lianfang.core.people.services import PersonData, clean_person, person_register
from lianfang.core.regions.models import Region, RegionLevel
from lianfang.core.regions.selectors import staff_serving
from lianfang.core.units.models import Unit, UnitKind

from .announcements import announce_invitation, announce_shifts
from .models import (
    MAX_SHIFT_HOURS,
    Availability,
    CheckKind,
    Shift,
    ShiftCheck,
    ShiftSource,
    Squad,
    TaskKind,
    Volunteer,
    VolunteerTask,
)
from .permissions import ORGANISING_ROLES, contact_of, may_act_for, may_organise
from .states import ACTIVE_STATES, TASK_FLOW, TaskState

# Check-in opens this long before a task starts (volunteers arrive early to set up a site).
CHECK_IN_OPENS = dt.timedelta(hours=2)
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = dt.timedelta(minutes=5)
# Longer work is split into several tasks, so that one shift's hours stay within a day.
MAX_TASK_LENGTH = dt.timedelta(hours=24)
MAX_PEOPLE_NEEDED = 500

VOLUNTEER_FIELDS = ["person", "unit", "region", "skills", "availability", "is_active", "version"]
TASK_FIELDS = ["kind", "title", "place", "region", "starts_at", "ends_at", "people_needed", "organiser", "state"]
SHIFT_FIELDS = ["task", "volunteer", "source", "checked_in_at", "checked_out_at", "hours", "withdrawn_at", "version"]


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _refuse(actor: Actor, verb: str, message: str, **details: Any) -> PermissionDenied:
    audit_record_refusal(actor=actor, verb=verb, **details)
    return PermissionDenied(message)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


# Volunteers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerData:
    """A validated volunteer: the person as the people registry will store them, and where they serve."""

    person: PersonData
    unit: Unit | None
    region: Region
    skills: str
    availability: str


def clean_volunteer(
    *,
    name: Any,
    document_number: Any,
    phone: Any,
    document_type: Any = DocumentType.RESIDENT_ID,
    address: Any = "",
    unit: Unit | None = None,
    community: Region | None = None,
    skills: Any = "",
    availability: Any = Availability.ANY_TIME,
    today: dt.date | None = None,
) -> VolunteerData:
    """Check a volunteer's registration; the ValidationError names every field that is wrong.

    The organisation is either an enterprise (`unit`, a unit of kind enterprise) or a community.
    """
    errors: dict[str, list[str]] = {}
    person: PersonData | None = None
    try:
        person = clean_person(
            name=name,
            document_number=document_number,
            document_type=document_type,
            phone=phone,
            address=address,
            home_region=community,
            today=today,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if not str(phone or "").strip():
        errors.setdefault("phone", []).append(_("A volunteer needs a mobile number, so that they can be reached."))
    if unit is not None and community is not None:
        errors["organisation"] = [_("Choose an enterprise or a community, not both.")]
    elif unit is None and community is None:
        errors["organisation"] = [_("Choose the enterprise or the community the volunteer serves for.")]
    elif unit is not None and UnitKind.ENTERPRISE not in unit.kinds:
        errors["unit"] = [_("%(unit)s is not an enterprise.") % {"unit": unit.name}]
    elif community is not None and community.level not in (RegionLevel.COMMUNITY, RegionLevel.VILLAGE):
        errors["community"] = [_("Choose a community or village.")]
    clean_skills = _text(skills)
    if len(clean_skills) > 200:
        errors["skills"] = [_("The skills are longer than 200 characters.")]
    if str(availability or "") not in Availability.values:
        errors["availability"] = [_("Unknown availability.")]
    if errors:
        raise ValidationError(errors)
    assert person is not None
    region = unit.region if unit is not None else community
    assert region is not None
    return VolunteerData(person, unit, region, clean_skills, str(availability))


def _may_register(actor: Actor, *, region: Region, unit: Unit | None) -> bool:
    return may_organise(actor, region_code=region.code) or contact_of(actor, unit.pk if unit else None)


def volunteer_register(*, actor: Actor, data: VolunteerData) -> Volunteer:
    """Register a volunteer: the person goes into the people registry (validated, encrypted,
    masked; the same document is the same person), and becomes a volunteer once.

    Staff register volunteers in the regions they serve; an enterprise's contact registers the
    enterprise's own. A person already registered as a volunteer is refused.
    """
    if not _may_register(actor, region=data.region, unit=data.unit):
        raise _refuse(
            actor,
            "volunteer.register",
            _("You may not register volunteers for %(organisation)s.")
            % {"organisation": data.unit.name if data.unit else data.region.name},
            region_code=data.region.code,
        )
    person_data = data.person
    existing = (
        None
        if isinstance(actor, SystemActor)
        else person_list(actor).filter(with_document([person_data.document_index])).first()
    )
    if existing is not None:
        # A known resident becomes a volunteer: what the form left blank keeps the registry's value.
        person_data = dataclasses.replace(
            person_data,
            address=person_data.address or existing.address,
            home_region=person_data.home_region or existing.home_region,
        )
    with transaction.atomic():
        person, _outcome = person_register(actor=actor, data=person_data, region=data.region, source="volunteers")
        if Volunteer.objects.filter(person=person).exists():
            raise ValidationError({"document_number": [_("This person is already registered as a volunteer.")]})
        volunteer = Volunteer(
            person=person,
            unit=data.unit,
            region=data.region,
            skills=data.skills,
            availability=data.availability,
            created_by=acting_user(actor),
        )
        try:
            with transaction.atomic():
                volunteer.save()
        except IntegrityError as error:  # registered at the same moment by someone else
            raise ValidationError(
                {"document_number": [_("This person is already registered as a volunteer.")]}
            ) from error
        audit_record(actor=actor, verb="volunteer.register", target=volunteer, after=snapshot(volunteer))
    return volunteer


def volunteer_update(
    *, actor: Actor, volunteer: Volunteer, skills: Any, availability: Any, is_active: bool, version: int
) -> Volunteer:
    """Change what a volunteer can do and whether they serve now; `version` is the one read."""
    if not _may_register(actor, region=volunteer.region, unit=volunteer.unit):
        raise _refuse(actor, "volunteer.update", _("You may not change this volunteer."), target=volunteer)
    errors: dict[str, list[str]] = {}
    clean_skills = _text(skills)
    if len(clean_skills) > 200:
        errors["skills"] = [_("The skills are longer than 200 characters.")]
    if str(availability or "") not in Availability.values:
        errors["availability"] = [_("Unknown availability.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if current.version != version:
            raise VersionConflict(_("Someone else changed this volunteer since you opened it. Reload and try again."))
        before = snapshot(current, VOLUNTEER_FIELDS)
        current.skills = clean_skills
        current.availability = str(availability)
        current.is_active = bool(is_active)
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            verb="volunteer.update",
            target=current,
            before=before,
            after=snapshot(current, VOLUNTEER_FIELDS),
        )
    return current


# Tasks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskData:
    kind: str
    title: str
    place: str
    region: Region
    starts_at: dt.datetime
    ends_at: dt.datetime
    people_needed: int
    organiser: User | None
    invited_units: tuple[Unit, ...]
    note: str


def organiser_choices(region: Region) -> Any:
    """Who may organise a task in this region: subdistrict staff and field workers serving there."""
    return staff_serving(roles=ORGANISING_ROLES, covering=region)


def clean_task(
    *,
    kind: Any,
    title: Any,
    place: Any,
    region: Region | None,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    people_needed: Any,
    organiser: User | None = None,
    invited_units: Sequence[Unit] = (),
    note: Any = "",
) -> TaskData:
    """Check a task; the ValidationError names every field that is wrong."""
    errors: dict[str, list[str]] = {}
    if str(kind or "") not in TaskKind.values:
        errors["kind"] = [_("Unknown kind of task: %(kind)s.") % {"kind": str(kind)[:32]}]
    clean_title = _text(title)
    if not clean_title:
        errors["title"] = [_("The title is empty.")]
    elif len(clean_title) > 100:
        errors["title"] = [_("The title is longer than 100 characters.")]
    clean_place = _text(place)
    if not clean_place:
        errors["place"] = [_("Say where the volunteers are needed.")]
    elif len(clean_place) > 200:
        errors["place"] = [_("The place is longer than 200 characters.")]
    if region is None:
        errors["region"] = [_("The region is missing or unknown.")]
    if starts_at is None:
        errors["starts_at"] = [_("Give the start time.")]
    if ends_at is None:
        errors["ends_at"] = [_("Give the end time.")]
    if starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            errors["ends_at"] = [_("The task must end after it starts.")]
        elif ends_at - starts_at > MAX_TASK_LENGTH:
            errors["ends_at"] = [_("A task lasts at most 24 hours; split longer work into several tasks.")]
    try:
        needed = int(people_needed)
        if not 1 <= needed <= MAX_PEOPLE_NEEDED:
            raise ValueError
    except (TypeError, ValueError):
        errors["people_needed"] = [_("The number of people needed is a whole number from 1 to 500.")]
        needed = 0
    not_enterprises = [u.name for u in invited_units if UnitKind.ENTERPRISE not in u.kinds]
    if not_enterprises:
        errors["invited_units"] = [
            _("Only enterprises can be invited: %(units)s.") % {"units": "、".join(not_enterprises)}
        ]
    if (
        organiser is not None
        and region is not None
        and organiser.pk not in set(organiser_choices(region).values_list("pk", flat=True))
    ):
        errors["organiser"] = [_("The organiser must be staff or a field worker serving in the task's region.")]
    clean_note = str(note or "").strip()
    if len(clean_note) > 2000:
        errors["note"] = [_("The note is longer than 2000 characters.")]
    if errors:
        raise ValidationError(errors)
    assert region is not None and starts_at is not None and ends_at is not None
    return TaskData(
        str(kind),
        clean_title,
        clean_place,
        region,
        starts_at,
        ends_at,
        needed,
        organiser,
        tuple(dict.fromkeys(invited_units)),
        clean_note,
    )


def task_create(*, actor: Actor, data: TaskData) -> VolunteerTask:
    """Create a task in a region the actor organises; the actor organises it unless another is named."""
    if not may_organise(actor, region_code=data.region.code):
        raise _refuse(
            actor,
            "volunteer_task.create",
            _("You may not create volunteer tasks in %(region)s.") % {"region": data.region.name},
            region_code=data.region.code,
        )
    organiser = data.organiser or acting_user(actor)
    with transaction.atomic():
        task = VolunteerTask.objects.create(
            kind=data.kind,
            title=data.title,
            place=data.place,
            region=data.region,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            people_needed=data.people_needed,
            organiser=organiser,
            note=data.note,
            created_by=acting_user(actor),
        )
        if data.invited_units:
            task.invited_units.set(data.invited_units)
        audit_record(
            actor=actor,
            verb="volunteer_task.create",
            target=task,
            after={**snapshot(task, TASK_FIELDS), "invited_units": sorted(u.pk for u in data.invited_units)},
        )
        if data.invited_units:
            announce_invitation(task, actor=actor)
    return task


def _lock_task(task: VolunteerTask) -> VolunteerTask:
    # Only the task's row: the region joined for its code is shared by every task there.
    return VolunteerTask.objects.select_for_update(no_key=True, of=("self",)).select_related("region").get(pk=task.pk)


def _places_taken(task: VolunteerTask) -> int:
    return Shift.objects.filter(task=task, withdrawn_at__isnull=True).count()


def _follow_places(actor: Actor, task: VolunteerTask) -> None:
    """Full when the last place is taken, recruiting again when one frees up."""
    taken = _places_taken(task)
    if task.state == TaskState.OPEN and taken >= task.people_needed:
        TASK_FLOW.take(record=task, name="fill", actor=actor, automatic=True)
    elif task.state == TaskState.FULL and taken < task.people_needed:
        TASK_FLOW.take(record=task, name="free", actor=actor, automatic=True)


def task_transition(
    *, actor: Actor, task: VolunteerTask, name: str, version: int | None, reason: str = ""
) -> VolunteerTask:
    """Finish or cancel a task (staff of its region), through the flow engine. Raises
    InvalidTransition for a move its state does not allow, PermissionDenied for staff of another
    region, VersionConflict for a stale version, ValidationError for a missing reason."""
    with transaction.atomic():
        current = _lock_task(task)
        if version is not None and current.version != version:
            raise VersionConflict(_("Someone else changed this task since you opened it. Reload and try again."))
        TASK_FLOW.take(record=current, name=name, actor=actor, note=reason)
    return current


# Shifts -------------------------------------------------------------------------------------


def _visible_volunteers(actor: Actor, volunteers: Sequence[Volunteer]) -> None:
    if isinstance(actor, SystemActor):
        return
    from .selectors import volunteer_list

    ids = {v.pk for v in volunteers}
    if volunteer_list(actor).filter(pk__in=ids).count() != len(ids):
        raise ValidationError({"volunteers": [_("Some of these volunteers are not in your jurisdiction.")]})


def _task_is_active(task: VolunteerTask, field: str) -> None:
    if task.state not in ACTIVE_STATES:
        raise ValidationError(
            {field: [_("This task is %(state)s: nobody more can join it.") % {"state": task.get_state_display()}]}
        )


def shift_dispatch(*, actor: Actor, task: VolunteerTask, volunteers: Sequence[Volunteer]) -> list[Shift]:
    """Dispatch volunteers to a task (staff of its region). More than the places left is refused
    as a whole, with a message saying how many may still go."""
    chosen = list(dict.fromkeys(volunteers))
    if not chosen:
        raise ValidationError({"volunteers": [_("Choose the volunteers to dispatch.")]})
    _visible_volunteers(actor, chosen)
    with transaction.atomic():
        current = _lock_task(task)
        if not may_organise(actor, region_code=current.region.code):
            raise _refuse(
                actor, "volunteer_shift.dispatch", _("You may not dispatch volunteers to this task."), target=current
            )
        _task_is_active(current, "volunteers")
        inactive = [v.person.name for v in chosen if not v.is_active]
        if inactive:
            raise ValidationError(
                {"volunteers": [_("These volunteers are not active: %(names)s.") % {"names": "、".join(inactive)}]}
            )
        existing = {s.volunteer_id: s for s in Shift.objects.filter(task=current, volunteer__in=chosen)}
        already = [v.person.name for v in chosen if v.pk in existing and existing[v.pk].withdrawn_at is None]
        if already:
            raise ValidationError(
                {"volunteers": [_("Already on this task: %(names)s.") % {"names": "、".join(already)}]}
            )
        taken = _places_taken(current)
        free = max(current.people_needed - taken, 0)
        if len(chosen) > free:
            raise ValidationError(
                {
                    "volunteers": [
                        _(
                            "This task needs %(needed)s people and %(taken)s are already on it: at most %(free)s "
                            "more can be dispatched, not %(count)s."
                        )
                        % {"needed": current.people_needed, "taken": taken, "free": free, "count": len(chosen)}
                    ]
                }
            )
        shifts: list[Shift] = []
        for volunteer in chosen:
            shift = existing.get(volunteer.pk)
            if shift is not None:  # withdrawn before: dispatched again
                shift.withdrawn_at = None
                shift.source = ShiftSource.DISPATCHED
                shift.added_by = acting_user(actor)
                shift.added_at = timezone.now()
                shift.version += 1
                shift.save()
            else:
                shift = Shift.objects.create(
                    task=current, volunteer=volunteer, source=ShiftSource.DISPATCHED, added_by=acting_user(actor)
                )
            audit_record(
                actor=actor,
                verb="volunteer_shift.dispatch",
                target=shift,
                after=snapshot(shift, SHIFT_FIELDS),
                region_code=current.region.code,
            )
            shifts.append(shift)
        announce_shifts(shifts, step="dispatched", actor=actor)
        _follow_places(actor, current)
    return shifts


def shift_sign_up(
    *, actor: Actor, task: VolunteerTask, volunteer: Volunteer, client_id: uuid.UUID | None = None
) -> tuple[Shift, bool]:
    """Sign a volunteer up for a task: their enterprise's contact, or staff of the task's region.
    With a client id, a resend returns the first shift (created=False)."""
    if not may_act_for(actor, region_code=task.region.code, unit_id=volunteer.unit_id):
        raise _refuse(actor, "volunteer_shift.sign_up", _("You may not sign this volunteer up."), target=task)
    _visible_volunteers(actor, [volunteer])
    content = {"task": task.pk, "volunteer": volunteer.pk}

    def create() -> Shift:
        current = VolunteerTask.objects.get(pk=task.pk)
        _task_is_active(current, "task")
        if not volunteer.is_active:
            raise ValidationError({"volunteer": [_("This volunteer is not active.")]})
        shift = Shift.objects.filter(task=current, volunteer=volunteer).first()
        if shift is not None and shift.withdrawn_at is None:
            raise ValidationError({"volunteer": [_("This volunteer is already on this task.")]})
        if _places_taken(current) >= current.people_needed:
            raise ValidationError({"task": [_("This task is full.")]})
        if shift is None:
            shift = Shift(task=current, volunteer=volunteer)
        else:
            shift.withdrawn_at = None
            shift.version += 1
        shift.source = ShiftSource.SIGNED_UP
        shift.added_by = acting_user(actor)
        shift.added_at = timezone.now()
        stamp(shift, client_id=client_id, content=content)
        shift.save()
        audit_record(
            actor=actor,
            verb="volunteer_shift.sign_up",
            target=shift,
            after=snapshot(shift, SHIFT_FIELDS),
            region_code=current.region.code,
        )
        _follow_places(actor, current)
        return shift

    with transaction.atomic():
        _lock_task(task)
        return submit_once(Shift, client_id=client_id, content=content, create=create)


def _hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    seconds = Decimal((end - start).total_seconds())
    return (seconds / Decimal(3600)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def min_shift_hours() -> Decimal:
    """The shortest shift (settings.MIN_SHIFT_HOURS): a check-out sooner is a tap on the wrong row."""
    return Decimal(str(settings.MIN_SHIFT_HOURS))


def _long_enough(checked_in_at: dt.datetime, when: dt.datetime) -> None:
    minimum = min_shift_hours()
    if when - checked_in_at >= dt.timedelta(hours=float(minimum)):
        return
    opens = checked_in_at + dt.timedelta(hours=float(minimum))
    raise ValidationError(
        {
            "at": [
                _(
                    "A shift lasts at least %(minimum)s hours: checked in at %(time)s, so check-out opens at "
                    "%(opens)s. If the volunteer left early, staff can correct the hours."
                )
                % {"minimum": f"{minimum.normalize():f}", "time": _local(checked_in_at), "opens": _local(opens)}
            ]
        }
    )


def _check(
    *, actor: Actor, shift: Shift, kind: str, client_id: uuid.UUID | None, at: dt.datetime | None
) -> tuple[Shift, bool]:
    verb = f"volunteer_shift.{kind}"
    task = shift.task
    if not may_act_for(actor, region_code=task.region.code, unit_id=shift.volunteer.unit_id):
        raise _refuse(actor, verb, _("You may not check this volunteer in or out."), target=shift)
    content = {"shift": shift.pk, "kind": kind, "at": at.isoformat() if at else None}

    def create() -> ShiftCheck:
        current = Shift.objects.get(pk=shift.pk)
        before = snapshot(current, SHIFT_FIELDS)
        task_now = VolunteerTask.objects.get(pk=current.task_id)
        now = timezone.now()
        when = at or now
        if current.withdrawn_at is not None:
            raise ValidationError({"shift": [_("This volunteer was withdrawn from the task.")]})
        if task_now.state == TaskState.CANCELLED or (kind == CheckKind.CHECK_IN and task_now.state == TaskState.DONE):
            raise ValidationError({"shift": [_("This task is %(state)s.") % {"state": task_now.get_state_display()}]})
        if when > now + CLOCK_SKEW:
            raise ValidationError({"at": [_("The time is in the future.")]})
        if kind == CheckKind.CHECK_IN:
            if current.checked_in_at is not None:
                raise ValidationError(
                    {"shift": [_("Already checked in at %(time)s.") % {"time": _local(current.checked_in_at)}]}
                )
            if when < task_now.starts_at - CHECK_IN_OPENS or when > task_now.ends_at:
                raise ValidationError(
                    {"at": [_("Check-in is open from two hours before the task starts until it ends.")]}
                )
            current.checked_in_at = when
        else:
            if current.checked_in_at is None:
                raise ValidationError({"shift": [_("Check in first.")]})
            if current.checked_out_at is not None:
                raise ValidationError(
                    {"shift": [_("Already checked out at %(time)s.") % {"time": _local(current.checked_out_at)}]}
                )
            if when <= current.checked_in_at:
                raise ValidationError({"at": [_("The check-out time must be after the check-in time.")]})
            _long_enough(current.checked_in_at, when)
            current.checked_out_at = when
            if not current.hours_corrected:
                current.hours = _hours_between(current.checked_in_at, when)
        row = ShiftCheck(shift=current, kind=kind, at=when, by=acting_user(actor))
        stamp(row, client_id=client_id, content=content)
        row.save()
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            verb=verb,
            target=current,
            before=before,
            after=snapshot(current, SHIFT_FIELDS),
            region_code=task.region.code,
        )
        announce_shifts([current], step=kind, actor=actor)
        return row

    with transaction.atomic():
        # Locked first: a resend that waited here finds the first copy's row when it looks.
        Shift.objects.select_for_update(no_key=True).filter(pk=shift.pk).first()
        try:
            row, created = submit_once(ShiftCheck, client_id=client_id, content=content, create=create)
        except IntegrityError as error:  # the same check arrived under another client id just now
            raise ValidationError({"shift": [_("This check was just recorded by someone else.")]}) from error
    fresh = Shift.objects.select_related(
        "task", "task__region", "volunteer", "volunteer__person", "volunteer__unit", "volunteer__region"
    ).get(pk=row.shift_id)
    return fresh, created


def shift_check_in(
    *, actor: Actor, shift: Shift, client_id: uuid.UUID | None = None, at: dt.datetime | None = None
) -> tuple[Shift, bool]:
    """Check a volunteer in (now, or at the time the phone recorded). Staff of the task's region
    or the volunteer's enterprise contact. A resend returns the shift as first checked in."""
    return _check(actor=actor, shift=shift, kind=CheckKind.CHECK_IN, client_id=client_id, at=at)


def shift_check_out(
    *, actor: Actor, shift: Shift, client_id: uuid.UUID | None = None, at: dt.datetime | None = None
) -> tuple[Shift, bool]:
    """Check a volunteer out; the shift's hours are the time between check-in and check-out
    (to a tenth of an hour), unless staff corrected them already. A check-out sooner than
    settings.MIN_SHIFT_HOURS after the check-in is refused (ValidationError on `at`)."""
    return _check(actor=actor, shift=shift, kind=CheckKind.CHECK_OUT, client_id=client_id, at=at)


def clean_hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"hours": [_("Give the hours as a number, e.g. 4.5.")]}) from error
    if not hours.is_finite() or hours < 0 or hours > MAX_SHIFT_HOURS:
        raise ValidationError({"hours": [_("The hours of one shift are between 0 and 24.")]})
    return hours


def shift_correct_hours(*, actor: Actor, shift: Shift, hours: Any, reason: str, version: int) -> Shift:
    """Staff of the task's region set a shift's hours by hand, with a reason; audited before and after."""
    if not may_organise(actor, region_code=shift.task.region.code):
        raise _refuse(actor, "volunteer_shift.correct_hours", _("You may not correct these hours."), target=shift)
    clean = clean_hours(hours)
    note = " ".join(str(reason or "").split())
    if len(note) < 2:
        raise ValidationError({"reason": [_("Give the reason.")]})
    with transaction.atomic():
        current = Shift.objects.select_for_update(no_key=True).get(pk=shift.pk)
        if current.version != version:
            raise VersionConflict(_("Someone else changed this shift since you opened it. Reload and try again."))
        if current.withdrawn_at is not None:
            raise ValidationError({"shift": [_("This volunteer was withdrawn from the task.")]})
        before = snapshot(current, SHIFT_FIELDS)
        current.hours = clean
        current.hours_corrected = True
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            verb="volunteer_shift.correct_hours",
            target=current,
            before=before,
            after=snapshot(current, SHIFT_FIELDS),
            detail=note[:500],
            region_code=shift.task.region.code,
        )
    return current


def shift_withdraw(*, actor: Actor, shift: Shift, reason: str = "") -> Shift:
    """Take a volunteer off a task before they checked in; the place frees up."""
    task = shift.task
    if not may_act_for(actor, region_code=task.region.code, unit_id=shift.volunteer.unit_id):
        raise _refuse(actor, "volunteer_shift.withdraw", _("You may not withdraw this volunteer."), target=shift)
    with transaction.atomic():
        current_task = _lock_task(task)
        current = Shift.objects.select_for_update(no_key=True).get(pk=shift.pk)
        if current.withdrawn_at is not None:
            return current
        if current.checked_in_at is not None:
            raise ValidationError(
                {"shift": [_("A volunteer who checked in cannot be withdrawn; correct the hours instead.")]}
            )
        before = snapshot(current, SHIFT_FIELDS)
        current.withdrawn_at = timezone.now()
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            verb="volunteer_shift.withdraw",
            target=current,
            before=before,
            after=snapshot(current, SHIFT_FIELDS),
            detail=" ".join(str(reason or "").split())[:500],
            region_code=current_task.region.code,
        )
        _follow_places(actor, current_task)
    return current


def squad_save(
    *,
    actor: Actor,
    name: Any,
    region: Region,
    members: Sequence[User],
    leader: User | None = None,
    squad: Squad | None = None,
) -> Squad:
    """A standing volunteer squad of a community or subdistrict (扶老助残志愿小分队) and its members,
    each an account that serves there; kept by those who organise volunteers there."""
    clean = _text(name)
    errors: dict[str, list[str]] = {}
    if not 2 <= len(clean) <= 60:
        errors["name"] = [_("Give the squad a name of 2 to 60 characters.")]
    serving = set(organiser_choices(region).values_list("pk", flat=True))
    outside = [m.full_name or m.username for m in (*members, *([leader] if leader else [])) if m.pk not in serving]
    if outside:
        errors["members"] = [
            _("Not serving in %(region)s: %(names)s.") % {"region": region.name, "names": "、".join(outside)}
        ]
    taken = Squad.objects.filter(region=region, name=clean)
    if squad is not None:
        taken = taken.exclude(pk=squad.pk)
    if clean and taken.exists():
        errors["name"] = [_("A squad of this name serves there already.")]
    if errors:
        raise ValidationError(errors)
    if not may_organise(actor, region_code=region.code):
        raise _refuse(
            actor, "squad.save", _("You may not keep volunteer squads in %(region)s.") % {"region": region.name}
        )
    with transaction.atomic():
        before = None
        if squad is None:
            squad = Squad.objects.create(name=clean, region=region, leader=leader)
        else:
            before = {**snapshot(squad), "members": sorted(squad.members.values_list("pk", flat=True))}
            squad.name, squad.region, squad.leader = clean, region, leader
            squad.save()
        squad.members.set(members)
        audit_record(
            actor=actor,
            verb="squad.save",
            target=squad,
            before=before,
            after={**snapshot(squad), "members": sorted(m.pk for m in members)},
            region_code=region.code,
        )
    return squad
