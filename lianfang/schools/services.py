"""Writes of the schools' practice: schools and classes, enrolment, 健康打卡 (teachers, guardians'
links, the head teacher for the rest), 晨午检 with its findings, absences and cluster alerts.
Each is checked, atomic and audited; the daily reports go through core/duties."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.accounts.models import User
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.cases.services import case_report, clean_case
from lianfang.core.duties.models import DutySubject, Submission
from lianfang.core.duties.services import RosterEntry, duty_roster_add, duty_roster_set, duty_submit, duty_submit_many
from lianfang.core.files.services import file_store
from lianfang.core.idempotency import stamp, submit_once
from lianfang.core.people.models import Person
from lianfang.core.people.services import Holder, PersonData, person_register
from lianfang.core.regions.models import Department, Membership, Role
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import Unit, UnitKind, UnitProfile

from . import clusters
from .absences import ABSENCE_FLOW
from .case_kinds import IMPROVEMENT_KIND
from .duties import (
    CHECKIN_SESSION,
    CLASS_SUBJECT,
    HEALTH_CHECKIN,
    MORNING_NOON_CHECK,
    STUDENT_SUBJECT,
    TEACHER_SUBJECT,
)
from .models import (
    Absence,
    AbsenceReason,
    AbsenceState,
    AidKind,
    Attendance,
    CheckFinding,
    Enrolment,
    Grade,
    HomeVisit,
    Lack,
    LessonObservation,
    School,
    SchoolClass,
    TeachingAid,
    TeachingGap,
    education_department,
    lesson_grade,
)

# Who may do what


def may_keep_school(actor: Actor, school: School) -> bool:
    """The commander, the education bureau's staff over the school, and its health officer keep
    its classes and enrolment."""
    if isinstance(actor, SystemActor):
        return True
    user = acting_user(actor)
    if user is None:
        return False
    if school.health_officer_id == user.pk:
        return True
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    department = education_department(school.unit)
    return department is not None and any(
        g.role == Role.DEPARTMENT_STAFF
        and g.department_id == department.pk
        and school.unit.region.code.startswith(g.region_prefix)
        for g in scope.grants
    )


def is_class_staff(actor: Actor, school_class: SchoolClass) -> bool:
    """The class's head teacher and teachers, and its school's health officer (and the console)."""
    if isinstance(actor, SystemActor):
        return True
    user = acting_user(actor)
    if user is None:
        return False
    named = (
        user.pk in (school_class.head_teacher_id, school_class.school.health_officer_id)
        or school_class.teachers.filter(pk=user.pk).exists()
    )
    # Only while they teach at the school: one who has left is named no more than a stranger.
    return named and user.pk in _teachers_of(school_class.school.unit, timezone.localdate())


def _refuse(actor: Actor, verb: str, target: Any, message: str) -> PermissionDenied:
    audit_record_refusal(actor=actor, verb=verb, target=target)
    return PermissionDenied(message)


def _teachers_of(unit: Unit, day: dt.date) -> dict[int, Membership]:
    """The school's teachers on a day: its contacts' memberships (teachers are memberships)."""
    memberships = Membership.objects.active_on(day).filter(role=Role.UNIT_CONTACT, unit=unit, user__is_active=True)
    return {m.user_id: m for m in memberships.select_related("user").order_by("pk")}


# Schools and classes


def school_teachers(school: School, day: dt.date | None = None) -> list[User]:
    """The school's teachers (its contacts), by name: whom a class may be given to."""
    users = [m.user for m in _teachers_of(school.unit, day or timezone.localdate()).values()]
    return sorted(users, key=lambda u: (u.full_name or u.username, u.pk))


def school_save(*, actor: Actor, unit: Unit, health_officer: User | None, from_day: dt.date | None = None) -> School:
    """The schools' record of a school (a unit of kind school) and its health officer, who must
    be one of its teachers; its teachers go on the 健康打卡 roster."""
    if not UnitProfile.objects.filter(unit=unit, kind=UnitKind.SCHOOL).exists():
        raise ValidationError({"unit": [_("This organisation is not a school.")]})
    day = from_day or timezone.localdate()
    school = School.objects.filter(unit=unit).first() or School(unit=unit)
    if not may_keep_school(actor, school):
        raise _refuse(actor, "school.save", unit, _("You may not keep this school's records."))
    teachers = _teachers_of(unit, day)
    if health_officer is not None and health_officer.pk not in teachers:
        raise ValidationError({"health_officer": [_("The health officer must be one of the school's teachers.")]})
    with transaction.atomic():
        before = snapshot(school) if school.pk and not school._state.adding else None
        school.health_officer = health_officer
        school.save()
        audit_record(
            actor=actor,
            verb="school.save",
            target=school,
            before=before,
            after=snapshot(school),
            region_code=unit.region.code,
        )
        teachers_roster(actor=actor, school=school, from_day=day)
    return school


def teachers_roster(*, actor: Actor, school: School, from_day: dt.date) -> int:
    """Put the school's teachers (its contacts' memberships) on the 健康打卡 roster; returns how
    many were added."""
    unit = school.unit
    department = education_department(unit)
    on_roster = set(
        DutySubject.objects.filter(duty=HEALTH_CHECKIN.key, subject_type=TEACHER_SUBJECT, valid_until__isnull=True)
        .filter(responsible_unit=unit)
        .values_list("subject_id", flat=True)
    )
    entries = [
        RosterEntry(TEACHER_SUBJECT, m.pk, m.user.full_name or m.user.username, unit.region, m.user, unit, department)
        for m in _teachers_of(unit, from_day).values()
        if m.pk not in on_roster
    ]
    if entries:
        duty_roster_add(actor=actor, duty=HEALTH_CHECKIN.key, entries=entries, from_day=from_day)
    return len(entries)


def _class_entry(school_class: SchoolClass, department: Department | None) -> RosterEntry:
    unit = school_class.school.unit
    return RosterEntry(
        CLASS_SUBJECT,
        school_class.pk,
        f"{unit.name} {school_class.name}",
        unit.region,
        school_class.head_teacher,
        unit,
        department,
    )


def _student_entry(enrolment: Enrolment, department: Department | None) -> RosterEntry:
    school_class = enrolment.school_class
    unit = school_class.school.unit
    # Named by class and number: the roster reaches people who may not see a minor's name.
    name = _("%(school)s %(class)s, No. %(number)d") % {
        "school": unit.name,
        "class": school_class.name,
        "number": enrolment.number,
    }
    return RosterEntry(STUDENT_SUBJECT, enrolment.pk, name, unit.region, school_class.head_teacher, unit, department)


def class_save(
    *,
    actor: Actor,
    school: School,
    grade: Any,
    number: Any,
    head_teacher: User | None,
    teachers: Iterable[User] = (),
    school_class: SchoolClass | None = None,
    from_day: dt.date | None = None,
) -> SchoolClass:
    """Create or change a class; the head teacher and teachers must teach at the school. The class
    is on the 晨午检 roster, answered for by its head teacher."""
    if not may_keep_school(actor, school):
        raise _refuse(actor, "school_class.save", school.unit, _("You may not keep this school's records."))
    day = from_day or timezone.localdate()
    errors: dict[str, list[str]] = {}
    try:
        grade_value = int(grade)
        Grade(grade_value)
    except (TypeError, ValueError):
        errors["grade"] = [_("Choose the grade.")]
        grade_value = 0
    try:
        number_value = int(number)
        if not 1 <= number_value <= 99:
            raise ValueError
    except (TypeError, ValueError):
        errors["number"] = [_("The class number is a whole number from 1 to 99.")]
        number_value = 0
    staff = _teachers_of(school.unit, day)
    if head_teacher is None:
        errors["head_teacher"] = [_("Choose the head teacher.")]
    elif head_teacher.pk not in staff:
        errors["head_teacher"] = [_("The head teacher must teach at this school.")]
    teachers = list(teachers)
    if any(t.pk not in staff for t in teachers):
        errors["teachers"] = [_("Every teacher of the class must teach at this school.")]
    clash = SchoolClass.objects.filter(school=school, grade=grade_value, number=number_value)
    if school_class is not None:
        clash = clash.exclude(pk=school_class.pk)
    if not errors and clash.exists():
        errors["number"] = [_("The school has this class already.")]
    if errors:
        raise ValidationError(errors)
    assert head_teacher is not None
    with transaction.atomic():
        row = school_class or SchoolClass(school=school)
        before = snapshot(row) if row.pk else None
        head_changed = row.pk is not None and row.head_teacher_id != getattr(head_teacher, "pk", None)
        row.grade, row.number, row.head_teacher = grade_value, number_value, head_teacher
        row.save()
        row.teachers.set(teachers)
        audit_record(
            actor=actor,
            verb="school_class.save",
            target=row,
            before=before,
            after=snapshot(row),
            region_code=school.unit.region.code,
        )
        department = education_department(school.unit)
        duty_roster_set(actor=actor, duty=MORNING_NOON_CHECK.key, entry=_class_entry(row, department), from_day=day)
        if head_changed:  # the students' check-ins are answered for by the new head teacher
            for enrolment in row.enrolments.filter(valid_until__isnull=True).select_related(
                "school_class__school__unit"
            ):
                duty_roster_set(
                    actor=actor, duty=HEALTH_CHECKIN.key, entry=_student_entry(enrolment, department), from_day=day
                )
    return row


@dataclass(frozen=True)
class Student:
    """One student to enrol: the number in the class and the person, validated (clean_person)."""

    number: int
    person: PersonData


def students_enrol(
    *, actor: Actor, school_class: SchoolClass, students: list[Student], from_day: dt.date | None = None
) -> list[Enrolment]:
    """Enrol students in a class: each is registered (one person, one record: the school holds the
    link) and put on the 健康打卡 roster. All or nothing; a student already in a class, or a
    number taken, is refused naming the row."""
    school = school_class.school
    if not may_keep_school(actor, school):
        raise _refuse(actor, "enrolment.create", school.unit, _("You may not keep this school's records."))
    day = from_day or timezone.localdate()
    errors: list[str] = []
    taken = set(
        Enrolment.objects.filter(school_class=school_class, valid_until__isnull=True).values_list("number", flat=True)
    )
    numbers: set[int] = set()
    for row, student in enumerate(students, start=1):
        if not 1 <= student.number <= 999:
            errors.append(_("Row %(row)d: the student number is from 1 to 999.") % {"row": row})
        elif student.number in taken or student.number in numbers:
            errors.append(_("Row %(row)d: number %(n)d is taken in this class.") % {"row": row, "n": student.number})
        numbers.add(student.number)
    if errors:
        raise ValidationError({"students": errors})
    department = education_department(school.unit)
    holder = Holder(department.region if department else school.unit.region, department, school.unit)
    with transaction.atomic():
        people: list[Person] = []
        for student in students:
            person, _outcome = person_register(
                actor=actor, data=student.person, region=school.unit.region, source="school", holder=holder
            )
            people.append(person)
        enrolled = set(
            Enrolment.objects.filter(person__in=people, valid_until__isnull=True).values_list("person_id", flat=True)
        )
        clashes = [
            _("Row %(row)d: the student is enrolled in a class already.") % {"row": row}
            for row, person in enumerate(people, start=1)
            if person.pk in enrolled
        ]
        if clashes:
            raise ValidationError({"students": clashes})
        rows = Enrolment.objects.bulk_create(
            [
                Enrolment(person=person, school_class=school_class, number=student.number, valid_from=day)
                for person, student in zip(people, students, strict=True)
            ]
        )
        if any(r.pk is None for r in rows):
            rows = list(Enrolment.objects.filter(school_class=school_class, valid_from=day, person__in=people))
        audit_record(
            actor=actor,
            verb="enrolment.create",
            target=school_class,
            detail=_("%(n)d students") % {"n": len(rows)},
            after={"enrolments": [r.pk for r in rows]},
            region_code=school.unit.region.code,
        )
        for r in rows:
            r.school_class = school_class
        duty_roster_add(
            actor=actor, duty=HEALTH_CHECKIN.key, entries=[_student_entry(r, department) for r in rows], from_day=day
        )
    return rows


# 健康打卡


def _checkin_rows(subject_type: str, ids: list[int], day: dt.date) -> dict[int, DutySubject]:
    rows = DutySubject.objects.filter(
        duty=HEALTH_CHECKIN.key, subject_type=subject_type, subject_id__in=ids, valid_from__lte=day
    ).exclude(valid_until__lt=day)
    return {row.subject_id: row for row in rows}


def teacher_checkin(
    *, actor: Actor, day: dt.date, content: Any = None, client_id: uuid.UUID | None = None
) -> list[Submission]:
    """A teacher's own 健康打卡 (for each school they teach at)."""
    user = acting_user(actor)
    memberships = (
        Membership.objects.active_on(day).filter(user=user, role=Role.UNIT_CONTACT).values_list("pk", flat=True)
    )
    rows = _checkin_rows(TEACHER_SUBJECT, list(memberships), day)
    if not rows:
        raise ValidationError({"subject": [_("You are on no school's check-in roster.")]})
    return [
        duty_submit(
            actor=actor,
            subject=row.pk,
            day=day,
            session=CHECKIN_SESSION,
            content=content,
            practice=True,
            client_id=uuid.uuid5(client_id, str(row.pk)) if client_id else None,
        )[0]
        for row in rows.values()
    ]


def class_checkin(
    *, actor: Actor, school_class: SchoolClass, day: dt.date, enrolments: list[int], content: Any = None
) -> int:
    """The head teacher enters the check-ins the guardians did not (called in by phone, say): the
    students named, of this class only. Those checked in already keep their own. Returns how
    many were entered."""
    if not is_class_staff(actor, school_class):
        raise _refuse(actor, "schools.checkin", school_class, _("Only the class's teachers enter its check-ins."))
    ids = [int(e) for e in enrolments if 0 < int(e) < 2**63]
    mine = set(
        Enrolment.objects.filter(school_class=school_class, pk__in=ids, valid_from__lte=day)
        .exclude(valid_until__lt=day)
        .values_list("pk", flat=True)
    )
    if set(ids) - mine:
        raise ValidationError({"enrolments": [_("A student named is not in this class on that day.")]})
    rows = _checkin_rows(STUDENT_SUBJECT, ids, day)
    return duty_submit_many(
        actor=actor,
        duty=HEALTH_CHECKIN.key,
        subjects=[r.pk for r in rows.values()],
        day=day,
        session=CHECKIN_SESSION,
        content=content,
        practice=True,
    )


# 晨午检


def _enrolled(school_class: SchoolClass, day: dt.date) -> QuerySet[Enrolment]:
    """The class's enrolments valid on a day (its headcount)."""
    return Enrolment.objects.filter(school_class=school_class, valid_from__lte=day).exclude(valid_until__lt=day)


def morning_check_submit(
    *,
    actor: Actor,
    school_class: SchoolClass,
    day: Any,
    session: Any,
    content: Any,
    client_id: uuid.UUID | None = None,
) -> tuple[Submission, bool]:
    """A class's 晨检 or 午检: the counts, and each absent or unwell student (checks.py). The
    students must be the class's and the counts its headcount; a 零报告 when all are present and
    well. A correction replaces the findings. Absences for illness are registered and the
    cluster rule is run, in the same transaction."""
    if not is_class_staff(actor, school_class):
        raise _refuse(actor, "duty.submit", school_class, _("Only the class's teachers report its checks."))
    row = (
        DutySubject.objects.filter(duty=MORNING_NOON_CHECK.key, subject_type=CLASS_SUBJECT, subject_id=school_class.pk)
        .order_by("-valid_from")
        .first()
    )
    if row is None:
        raise ValidationError({"subject": [_("The class is not on the 晨午检 roster.")]})
    entries = (content or {}).get("entries") if isinstance(content, dict) else None
    with transaction.atomic():
        submission, created = duty_submit(
            actor=actor,
            subject=row.pk,
            day=day,
            session=session,
            content=content,
            zero_report=isinstance(content, dict) and not entries and not content.get("absent"),
            client_id=client_id,
            practice=True,
        )
        if created:
            _findings(school_class, submission)
    return submission, created


def _findings(school_class: SchoolClass, submission: Submission) -> None:
    """Check the report against the class and write what it found (in the submission's transaction)."""
    content = submission.content
    if not content["entries"]:  # a 零报告 (or absences not named, refused below): only the headcount
        enrolled: dict[int, Enrolment] = {}
        headcount = _enrolled(school_class, submission.day).count()
    else:
        enrolled = {e.pk: e for e in _enrolled(school_class, submission.day)}
        headcount = len(enrolled)
    if content["present"] + content["absent"] != headcount:
        raise ValidationError(
            {
                "present": [
                    _("Present and absent make %(n)d; the class has %(m)d students that day.")
                    % {"n": content["present"] + content["absent"], "m": headcount}
                ]
            }
        )
    strangers = [str(row) for row, entry in enumerate(content["entries"], start=1) if entry["student"] not in enrolled]
    if strangers:
        raise ValidationError({"entries": [_("Student %(rows)s: not in this class.") % {"rows": "、".join(strangers)}]})
    findings = [
        CheckFinding(
            submission=submission,
            school_class=school_class,
            enrolment=enrolled[entry["student"]],
            day=submission.day,
            session=submission.session,
            attendance=entry["attendance"],
            reason=entry["reason"],
            symptoms=_with_fever(entry),
            other_symptom=entry["other_symptom"],
            temperature=entry["temperature"],
            retest=entry["retest"],
            action=entry["action"],
            suspected_covid=entry["suspected_covid"],
        )
        for entry in content["entries"]
    ]
    if not findings:
        return  # nobody absent or unwell: no absence to register, no gathering to look for
    CheckFinding.objects.bulk_create(findings)
    ill = [f for f in findings if f.attendance == Attendance.ABSENT and f.reason == AbsenceReason.ILLNESS]
    open_for = set(
        Absence.objects.filter(enrolment__in=[f.enrolment for f in ill])
        .exclude(state=AbsenceState.RETURNED)
        .values_list("enrolment_id", flat=True)
    )
    for finding in ill:
        if finding.enrolment.pk in open_for:
            continue
        absence = Absence.objects.create(
            enrolment=finding.enrolment, school_class=school_class, first_day=finding.day, symptoms=finding.symptoms
        )
        audit_record(
            actor=SystemActor("schools.checks"),
            verb="absence.register",
            target=absence,
            after=snapshot(absence),
            region_code=school_class.school.unit.region.code,
        )
    clusters.raise_alerts(school_class, submission.day)


def _with_fever(entry: dict[str, Any]) -> list[str]:
    """The symptoms, with fever where the temperature (the retest, if taken) shows one."""
    from .checks import FEVER_FROM, Symptom

    symptoms = list(entry["symptoms"])
    measured = entry["retest"] or entry["temperature"]
    if measured is not None and float(measured) >= float(FEVER_FROM) and Symptom.FEVER not in symptoms:
        symptoms.insert(0, Symptom.FEVER.value)
    return symptoms


# Absences


def absence_move(
    *, actor: Actor, absence: Absence, transition: str, version: int | None, note: str = "", **inputs: Any
) -> Absence:
    """Take a step of the absence's flow (follow-up, outcome, back at school)."""
    with transaction.atomic():
        current = Absence.objects.select_for_update().select_related("school_class__school").get(pk=absence.pk)
        if version is not None and current.version != version:
            raise ValidationError({"version": [_("Someone changed this record meanwhile; reload it.")]})
        if transition == "track":
            current.follow_up = "\n".join(part for part in (current.follow_up, note.strip()) if part)[:5000]
        if transition == "conclude":
            current.diagnosis = " ".join(str(inputs.get("diagnosis") or "").split())[:100]
            current.infectious = bool(inputs.get("infectious"))
        if transition == "back":
            inputs["returned_on"] = _back_on(inputs.get("returned_on"), current.first_day)
        ABSENCE_FLOW.take(record=current, name=transition, actor=actor, note=note, inputs=inputs)
        current.version += 1
        current.save()
    return current


def absence_history(absence: Absence) -> list[Any]:
    """The absence's steps, as its flow's timeline reads them."""
    from lianfang.core.flows.selectors import status_changes

    return list(status_changes(absence))


def _back_on(value: Any, first_day: dt.date) -> dt.date | None:
    if value in (None, ""):
        return None
    day = _day_given(value, "returned_on")
    if day < first_day:
        raise ValidationError({"returned_on": [_("The day back lies between the first day absent and today.")]})
    return day


def absence_certificate(*, actor: Actor, absence: Absence, upload: Any) -> Absence:
    """The health officer checks the return certificate (复课证明) of an infectious disease and
    keeps it as evidence."""
    user = acting_user(actor)
    school = absence.school_class.school
    if user is None or school.health_officer_id != user.pk or not is_class_staff(actor, absence.school_class):
        raise _refuse(actor, "absence.certificate", absence, _("Only the school's health officer checks certificates."))
    if not absence.infectious or absence.state != AbsenceState.OUTCOME:
        raise ValidationError(
            {"certificate": [_("A certificate is checked for an infectious disease, before the return.")]}
        )
    with transaction.atomic():
        stored = file_store(actor=actor, upload=upload)
        before = snapshot(absence, ["certificate", "certificate_checked_by"])
        absence.certificate = stored
        absence.certificate_checked_by = acting_user(actor)
        absence.version += 1
        absence.save()
        audit_record(
            actor=actor,
            verb="absence.certificate",
            target=absence,
            before=before,
            after=snapshot(absence, ["certificate", "certificate_checked_by"]),
        )
    return absence


# Online teaching (一个不少)


def _day_given(value: Any, field: str) -> dt.date:
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("Give the date as YYYY-MM-DD.")]}) from None
    if day > timezone.localdate():
        raise ValidationError({field: [_("The date is in the future.")]})
    return day


def _class_staff_only(actor: Actor, school_class: SchoolClass, verb: str) -> None:
    if not is_class_staff(actor, school_class):
        raise _refuse(actor, verb, school_class, _("Only the class's teachers keep its students' records."))


def teaching_gap_record(
    *, actor: Actor, enrolment: Enrolment, lack: Any, recorded_on: Any, note: Any = ""
) -> TeachingGap:
    """Record a student who cannot attend online lessons (no device, no network, or neither)."""
    _class_staff_only(actor, enrolment.school_class, "teaching_gap.record")
    if str(lack or "") not in Lack.values:
        raise ValidationError({"lack": [_("Say what the student lacks.")]})
    day = _day_given(recorded_on, "recorded_on")
    if TeachingGap.objects.filter(enrolment=enrolment, solved_on__isnull=True).exists():
        raise ValidationError({"enrolment": [_("This student is recorded already; give the aid there.")]})
    with transaction.atomic():
        gap = TeachingGap.objects.create(
            enrolment=enrolment,
            school_class=enrolment.school_class,
            lack=str(lack),
            recorded_on=day,
            note=" ".join(str(note or "").split())[:200],
            recorded_by=acting_user(actor),
        )
        audit_record(
            actor=actor,
            verb="teaching_gap.record",
            target=gap,
            after=snapshot(gap),
            region_code=enrolment.school_class.school.unit.region.code,
        )
    return gap


def teaching_aid_give(
    *, actor: Actor, gap: TeachingGap, kind: Any, given_on: Any, ends_on: Any = None, note: Any = ""
) -> TeachingAid:
    """Record an aid given to a student without online access: a data plan, a lent phone (to be
    returned), or TV lessons."""
    _class_staff_only(actor, gap.school_class, "teaching_aid.give")
    if str(kind or "") not in AidKind.values:
        raise ValidationError({"kind": [_("Choose the aid.")]})
    start = _day_given(given_on, "given_on")
    end = None
    if ends_on not in (None, ""):
        end = ends_on if isinstance(ends_on, dt.date) else _day_given(ends_on, "ends_on")
        if end < start:
            raise ValidationError({"ends_on": [_("The aid ends before it is given.")]})
    if start < gap.recorded_on:
        raise ValidationError({"given_on": [_("An aid is given once the student is recorded.")]})
    with transaction.atomic():
        aid = TeachingAid.objects.create(
            gap=gap, kind=str(kind), given_on=start, ends_on=end, note=" ".join(str(note or "").split())[:200]
        )
        audit_record(
            actor=actor,
            verb="teaching_aid.give",
            target=aid,
            after=snapshot(aid),
            region_code=gap.school_class.school.unit.region.code,
        )
    return aid


def _date_ends(
    *, actor: Actor, record: Any, field: str, value: Any, not_before: dt.date, verb: str, already: str, early: str
) -> Any:
    """Set the day that ends something (a phone back, a gap solved), once, not before it began."""
    if getattr(record, field) is not None:
        raise ValidationError({field: [already]})
    day = _day_given(value, field)
    if day < not_before:
        raise ValidationError({field: [early]})
    with transaction.atomic():
        before = snapshot(record)
        setattr(record, field, day)
        record.save(update_fields=[field])
        audit_record(actor=actor, verb=verb, target=record, before=before, after=snapshot(record))
    return record


def teaching_aid_return(*, actor: Actor, aid: TeachingAid, returned_on: Any) -> TeachingAid:
    """A lent phone is back."""
    _class_staff_only(actor, aid.gap.school_class, "teaching_aid.return")
    if aid.kind != AidKind.LENT_PHONE:
        raise ValidationError({"returned_on": [_("Only a lent phone is returned.")]})
    return _date_ends(
        actor=actor,
        record=aid,
        field="returned_on",
        value=returned_on,
        not_before=aid.given_on,
        verb="teaching_aid.return",
        already=_("The phone is back already."),
        early=_("The phone comes back after it was lent."),
    )


def teaching_gap_solve(*, actor: Actor, gap: TeachingGap, solved_on: Any) -> TeachingGap:
    """The student can attend online on their own from a day (the family has a device now)."""
    _class_staff_only(actor, gap.school_class, "teaching_gap.solve")
    return _date_ends(
        actor=actor,
        record=gap,
        field="solved_on",
        value=solved_on,
        not_before=gap.recorded_on,
        verb="teaching_gap.solve",
        already=_("This is solved already."),
        early=_("It is solved after it was recorded."),
    )


# 线上家访


def home_visit_record(
    *,
    actor: Actor,
    enrolment: Enrolment,
    visited_on: Any,
    family: Any,
    purpose: Any,
    findings: Any,
    measures: Any = "",
    client_id: uuid.UUID | None = None,
) -> tuple[HomeVisit, bool]:
    """Record an online home visit by one of the class's teachers; a resend with the same client id
    is the same visit."""
    _class_staff_only(actor, enrolment.school_class, "home_visit.record")
    day = _day_given(visited_on, "visited_on")
    errors: dict[str, list[str]] = {}
    texts = {"family": family, "purpose": purpose, "findings": findings}
    clean = {key: str(value or "").strip() for key, value in texts.items()}
    for key, value in clean.items():
        if not value:
            errors[key] = [_("This is needed.")]
    if len(clean["purpose"]) > 200:
        errors["purpose"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    measured = str(measures or "").strip()
    content = {"enrolment": enrolment.pk, "visited_on": day.isoformat(), **clean, "measures": measured}

    def create() -> HomeVisit:
        visit = HomeVisit(
            enrolment=enrolment,
            school_class=enrolment.school_class,
            visited_on=day,
            family=clean["family"][:5000],
            purpose=clean["purpose"],
            findings=clean["findings"][:5000],
            measures=measured[:5000],
            teacher=acting_user(actor),
        )
        stamp(visit, client_id=client_id, content=content)
        visit.save()
        audit_record(
            actor=actor,
            verb="home_visit.record",
            target=visit,
            after=snapshot(visit),
            region_code=enrolment.school_class.school.unit.region.code,
        )
        return visit

    with transaction.atomic():
        return submit_once(HomeVisit, client_id=client_id, content=content, create=create)


# 听评课


def may_observe(actor: Actor, school: School) -> bool:
    """Teaching researchers (教研员) are the staff of the bureau that supervises the school."""
    user = acting_user(actor)
    if user is None:
        return isinstance(actor, SystemActor)
    department = education_department(school.unit)
    scope = scope_for(user)
    return department is not None and any(
        g.role == Role.DEPARTMENT_STAFF
        and g.department_id == department.pk
        and school.unit.region.code.startswith(g.region_prefix)
        for g in scope.grants
    )


def lesson_observe(
    *,
    actor: Actor,
    school: School,
    teacher: User | None,
    subject: Any,
    observed_on: Any,
    score: Any,
    suggestions: Any = "",
    sheet: Any = None,
    observer: User | None = None,
) -> LessonObservation:
    """Record a lesson observed online: the teacher (of the school), the subject, the day, the total
    score (0–100, graded A ≥ 80, B 60–79, C < 60), the suggestions and the scored sheet."""
    if not may_observe(actor, school):
        raise _refuse(
            actor, "lesson.observe", school.unit, _("Only the bureau's teaching researchers observe lessons.")
        )
    errors: dict[str, list[str]] = {}
    day = timezone.localdate()
    try:
        day = _day_given(observed_on, "observed_on")
    except ValidationError as error:
        errors.update(error.message_dict)
    if teacher is None or teacher.pk not in _teachers_of(school.unit, day):
        errors["teacher"] = [_("Choose a teacher of this school.")]
    name = " ".join(str(subject or "").split())
    if not name or len(name) > 20:
        errors["subject"] = [_("Give the subject (at most 20 characters).")]
    try:
        points = int(str(score).strip())
        if not 0 <= points <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["score"] = [_("The total score is a whole number from 0 to 100.")]
        points = 0
    if sheet is None and not isinstance(actor, SystemActor):
        errors["sheet"] = [_("Attach the scored sheet.")]
    if errors:
        raise ValidationError(errors)
    assert teacher is not None
    by = observer if isinstance(actor, SystemActor) and observer is not None else acting_user(actor)
    assert by is not None
    with transaction.atomic():
        stored = file_store(actor=actor, upload=sheet) if sheet is not None else None
        row = LessonObservation.objects.create(
            school=school,
            teacher=teacher,
            subject=name,
            observed_on=day,
            score=points,
            grade=lesson_grade(points),
            suggestions=str(suggestions or "").strip()[:5000],
            sheet=stored,
            observer=by,
        )
        audit_record(
            actor=actor, verb="lesson.observe", target=row, after=snapshot(row), region_code=school.unit.region.code
        )
    return row


def lesson_improvement_case(*, actor: Actor, observation: LessonObservation) -> LessonObservation:
    """Open an improvement case for the school from an observation's suggestions (once)."""
    school = observation.school
    if not may_observe(actor, school):
        raise _refuse(actor, "lesson.improve", school.unit, _("Only the bureau's teaching researchers open this case."))
    if observation.case_id is not None:
        raise ValidationError({"case": [_("This observation has its improvement case already.")]})
    if not observation.suggestions:
        raise ValidationError({"suggestions": [_("An improvement case needs the suggestions.")]})
    title = _("Lesson improvement: %(teacher)s, %(subject)s (%(day)s)") % {
        "teacher": observation.teacher.full_name or observation.teacher.username,
        "subject": observation.subject,
        "day": observation.observed_on.isoformat(),
    }
    with transaction.atomic():
        locked = LessonObservation.objects.select_for_update().get(pk=observation.pk)
        if locked.case_id is not None:
            raise ValidationError({"case": [_("This observation has its improvement case already.")]})
        data = clean_case(
            kind=IMPROVEMENT_KIND.key,
            title=title[:100],
            description=locked.suggestions,
            unit=school.unit,
            region=school.unit.region,
        )
        # The school does the work; the bureau follows and verifies it.
        case, _created = case_report(
            actor=actor, data=data, owner_unit=school.unit, owner_department=education_department(school.unit)
        )
        locked.case = case
        locked.save(update_fields=["case"])
        audit_record(actor=actor, verb="lesson.improve", target=locked, detail=f"case {case.pk}")
    return locked
