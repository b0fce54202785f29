"""Writes to the calendar: days and terms by the district's administrators, epidemic periods by
the commander. Each is checked and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.accounts.permissions import is_registry_admin
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.edits import VersionConflict
from lianfang.core.regions.models import Role
from lianfang.core.regions.scoping import scope_for

from .models import CalendarDay, DayKind, EpidemicLevel, EpidemicPeriod, SchoolTerm

# Dates the calendar takes: far enough back for the records, far enough ahead for planning.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def _date(value: Any, field: str, errors: dict[str, list[str]], *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("This date is required.")]
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            errors[field] = [_("Give the date as YYYY-MM-DD.")]
            return None
    if not FIRST_DAY <= value <= LAST_DAY:
        errors[field] = [_("The date must lie between 2000 and 2099.")]
        return None
    return value


def _text(value: Any, field: str, limit: int, errors: dict[str, list[str]], *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > limit:
        errors[field] = [_("At most %(limit)d characters.") % {"limit": limit}]
    return text


def _administrator(actor: Actor, verb: str) -> None:
    if not is_registry_admin(actor):
        audit_record_refusal(actor=actor, verb=verb)
        raise PermissionDenied(_("Only the district's administrators edit the calendar."))


def calendar_day_save(*, actor: Actor, day: Any, kind: Any, name: Any) -> CalendarDay:
    """Set a day off or a 调休 working day (replacing what that date held)."""
    _administrator(actor, "calendar.day_save")
    errors: dict[str, list[str]] = {}
    date = _date(day, "day", errors)
    if kind not in DayKind.values:
        errors["kind"] = [_("Choose a day off or a working day.")]
    clean_name = _text(name, "name", 32, errors)
    if errors:
        raise ValidationError(errors)
    assert date is not None
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(day=date).first()
        before = snapshot(existing) if existing is not None else None
        record = existing or CalendarDay(day=date)
        record.kind, record.name = str(kind), clean_name
        record.save()
        verb = "calendar.day_update" if existing is not None else "calendar.day_create"
        audit_record(actor=actor, verb=verb, target=record, before=before, after=snapshot(record))
    return record


def calendar_day_delete(*, actor: Actor, record: CalendarDay) -> None:
    """Make a day an ordinary day of the week again."""
    _administrator(actor, "calendar.day_delete")
    with transaction.atomic():
        before = snapshot(record)
        audit_record(actor=actor, verb="calendar.day_delete", target=record, before=before)
        record.delete()


def school_term_save(
    *, actor: Actor, name: Any, starts_on: Any, ends_on: Any, term: SchoolTerm | None = None
) -> SchoolTerm:
    """Add a school term, or change one; terms do not overlap."""
    _administrator(actor, "calendar.term_save")
    errors: dict[str, list[str]] = {}
    clean_name = _text(name, "name", 64, errors)
    first, last = _date(starts_on, "starts_on", errors), _date(ends_on, "ends_on", errors)
    if first and last and last < first:
        errors["ends_on"] = [_("The last day comes before the first.")]
    if errors:
        raise ValidationError(errors)
    assert first is not None and last is not None
    with transaction.atomic():
        others = SchoolTerm.objects.exclude(pk=term.pk) if term is not None else SchoolTerm.objects.all()
        if others.filter(starts_on__lte=last, ends_on__gte=first).exists():
            raise ValidationError({"starts_on": [_("Another term covers some of these days.")]})
        if others.filter(name=clean_name).exists():
            raise ValidationError({"name": [_("Another term has this name.")]})
        before = snapshot(term) if term is not None else None
        record = term or SchoolTerm()
        record.name, record.starts_on, record.ends_on = clean_name, first, last
        record.save()
        verb = "calendar.term_update" if term is not None else "calendar.term_create"
        audit_record(actor=actor, verb=verb, target=record, before=before, after=snapshot(record))
    return record


def school_term_delete(*, actor: Actor, term: SchoolTerm) -> None:
    _administrator(actor, "calendar.term_delete")
    with transaction.atomic():
        audit_record(actor=actor, verb="calendar.term_delete", target=term, before=snapshot(term))
        term.delete()


def _commander(actor: Actor, verb: str) -> None:
    if isinstance(actor, SystemActor):
        return
    if Role.COMMANDER not in scope_for(actor).roles:
        audit_record_refusal(actor=actor, verb=verb)
        raise PermissionDenied(_("Only the commander declares an epidemic period."))


def _overlapping(first: dt.date, last: dt.date | None, *, other_than: int | None = None) -> bool:
    periods = EpidemicPeriod.objects.all() if other_than is None else EpidemicPeriod.objects.exclude(pk=other_than)
    overlap = Q(ends_on__isnull=True) | Q(ends_on__gte=first)
    if last is not None:
        overlap &= Q(starts_on__lte=last)
    return periods.filter(overlap).exists()


def epidemic_declare(
    *, actor: Actor, starts_on: Any, level: Any, note: Any = "", ends_on: Any = None
) -> EpidemicPeriod:
    """Declare an epidemic period from a day (open-ended unless its last day is given)."""
    _commander(actor, "epidemic.declare")
    errors: dict[str, list[str]] = {}
    first = _date(starts_on, "starts_on", errors)
    last = _date(ends_on, "ends_on", errors, required=False)
    if level not in EpidemicLevel.values:
        errors["level"] = [_("Choose the response level.")]
    clean_note = _text(note, "note", 200, errors, required=False)
    if first and last and last < first:
        errors["ends_on"] = [_("The last day comes before the first.")]
    if errors:
        raise ValidationError(errors)
    assert first is not None
    with transaction.atomic():
        if _overlapping(first, last):
            raise ValidationError({"starts_on": [_("An epidemic period is already declared for some of these days.")]})
        period = EpidemicPeriod.objects.create(
            starts_on=first, ends_on=last, level=str(level), note=clean_note, declared_by=acting_user(actor)
        )
        audit_record(actor=actor, verb="epidemic.declare", target=period, after=snapshot(period))
    return period


def epidemic_end(*, actor: Actor, period: EpidemicPeriod, ends_on: Any, version: int) -> EpidemicPeriod:
    """Set the last day of an epidemic period (or move it)."""
    _commander(actor, "epidemic.end")
    errors: dict[str, list[str]] = {}
    last = _date(ends_on, "ends_on", errors)
    if errors:
        raise ValidationError(errors)
    assert last is not None
    with transaction.atomic():
        current = EpidemicPeriod.objects.select_for_update().get(pk=period.pk)
        if current.version != version:
            raise VersionConflict(_("Someone else changed this period since you opened it. Reload and try again."))
        if last < current.starts_on:
            raise ValidationError({"ends_on": [_("The last day comes before the first.")]})
        if _overlapping(current.starts_on, last, other_than=current.pk):
            raise ValidationError({"ends_on": [_("An epidemic period is already declared for some of these days.")]})
        before = snapshot(current)
        current.ends_on = last
        current.version += 1
        current.save()
        audit_record(actor=actor, verb="epidemic.end", target=current, before=before, after=snapshot(current))
    return current
