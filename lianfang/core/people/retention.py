"""Retiring registry persons whose purpose has ended (policy "people.unlinked").

A person is held while something still needs them:
- a registration made for the registrant's own purpose (the registry's page, an import, the API),
  until its holder withdraws it (services.person_withdraw);
- a practice's record that names them (an enrolment, a volunteer, an instructor's assignment …),
  until the practice says the record has ended. A practice says so with `register_hold` in its
  retention.py, and declares the registration source it registers people with: a registration
  from that source holds nothing by itself, the practice's records do. A record of a model that
  registers no hold holds its person for as long as it exists (care keeps its households; a case
  keeps the person it is about).

A person held by nothing since before the cutoff, and registered before it, is anonymised in place
(`released_at` is stamped whenever something lets go of them: a withdrawal, a record naming them
deleted, a unit's contact replaced): the record stays, so that every figure that counts it
(students by class, volunteers, instructors) is unchanged, but its name becomes a pseudonym and its
document number, phone and address are erased. Sex and birth date stay: figures count by age
(young volunteers, care's tiers).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.db.models import CharField, F, Model, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.db.models.signals import m2m_changed, post_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.retention.policies import Policy, register_policy, start_of

from .models import PendingState, Person, PersonLink
from .names import pinyin_key

# The pseudonym's prefix; the record's id follows it (a number that names nobody outside the system).
PSEUDONYM = "匿名"

Ended = Callable[[dt.date], Q]  # (cutoff) -> the model's rows whose purpose ended before the cutoff


_HOLDS: dict[tuple[str, str], Ended] = {}  # (model label, field) -> when its rows ended
_PRACTICE_SOURCES: set[str] = set()


def register_hold(model: type[Model], field: str, ended: Ended, *, source: str) -> None:
    """A practice's records of `model` name a person in `field` until `ended(cutoff)` says their
    purpose ended before the cutoff; the practice registers people with `source`."""
    _HOLDS[(model._meta.label, field)] = ended
    _PRACTICE_SOURCES.add(source)


def register_practice_source(source: str) -> None:
    """A practice registers people with `source` but holds them only through records whose models
    register no hold (they hold while they exist)."""
    _PRACTICE_SOURCES.add(source)


def person_released(person_ids: Iterable[int | None]) -> None:
    """Something that held these people let go of them now: their retention period starts again."""
    ids = [pk for pk in person_ids if pk]
    if ids:
        Person.objects.filter(pk__in=ids).update(released_at=timezone.now())


def _row_deleted(sender: type[Model], instance: Model, *, attname: str, **kwargs: Any) -> None:
    person_released([getattr(instance, attname, None)])


def _seen_removed(
    sender: Any, instance: Model, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action == "post_remove" and not reverse:
        person_released(pk_set or [])
    elif action == "pre_clear" and not reverse:
        field = next(f for f in type(instance)._meta.many_to_many if f.remote_field.through is sender)
        person_released(getattr(instance, field.name).values_list("pk", flat=True))


def connect() -> None:
    """A deleted record that named a person releases them (a household member removed, a case
    deleted): their period counts from then, not from their registration. Repointing a column (a
    unit's new contact) is the service's to tell (units.services)."""
    for model, field in person_relations():
        column = model._meta.get_field(field)
        if column.many_to_many:
            m2m_changed.connect(_seen_removed, sender=getattr(model, field).through, weak=False)
        else:
            handler = functools.partial(_row_deleted, attname=f"{field}_id")
            post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"released:{model._meta.label}.{field}")


def practice_sources() -> frozenset[str]:
    """The registration sources whose registrations hold nobody by themselves."""
    return frozenset(_PRACTICE_SOURCES)


def person_relations() -> list[tuple[type[Model], str]]:
    """Every column (or many-to-many) of every model that names a registry person, but the
    registry's own (registrations, and a pending record's record on file)."""
    found = []
    for model in apps.get_models():
        if model in (Person, PersonLink):
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is Person:
                found.append((model, field.name))
    return found


def _holding_rows(model: type[Model], field: str, cutoff: dt.date) -> QuerySet[Any]:
    rows = model._default_manager.filter(**{f"{field}__isnull": False})  # NOT IN must meet no NULL
    ended = _HOLDS.get((model._meta.label, field))
    if ended is not None:
        rows = rows.exclude(ended(cutoff))
    return rows.values(field)


def _no_practice_holds(people: QuerySet[Person], cutoff: dt.date) -> QuerySet[Person]:
    for model, field in person_relations():
        people = people.exclude(pk__in=_holding_rows(model, field, cutoff))
    return people


def unheld(cutoff: dt.date) -> QuerySet[Person]:
    """Records on file, not yet anonymised, that nothing has held since before the cutoff."""
    since = start_of(cutoff)
    people = Person.objects.filter(retired_at__isnull=True, on_file__isnull=True, created_at__lt=since)
    people = people.exclude(released_at__gte=since)
    people = people.exclude(pk__in=PersonLink.objects.exclude(source__in=_PRACTICE_SOURCES).values("person"))
    # A pending registration of the same number waits on the record on file (an anonymised one not).
    waiting = Person.objects.filter(on_file__isnull=False, retired_at__isnull=True)
    people = people.exclude(pk__in=waiting.values("on_file"))
    return _no_practice_holds(people, cutoff)


def returned_unanswered(cutoff: dt.date) -> QuerySet[Person]:
    """Pending registrations that the home jurisdiction returned (the number was not this person's)
    before the cutoff and that their registrant has neither corrected nor used since."""
    since = start_of(cutoff)
    people = Person.objects.filter(
        retired_at__isnull=True, on_file__isnull=False, pending_state=PendingState.RETURNED, updated_at__lt=since
    )
    return _no_practice_holds(people.exclude(released_at__gte=since), cutoff)


def anonymise(people: QuerySet[Person]) -> int:
    """Erase the person's document number, phone and address, and give them a pseudonym."""
    return people.update(
        name=Concat(Value(PSEUDONYM), Cast("pk", output_field=CharField())),
        name_pinyin=Concat(Value(pinyin_key(PSEUDONYM, surname=False) + " "), Cast("pk", output_field=CharField())),
        name_initials="",
        document_cipher="",
        # Unique among records on file: a value no blind index (64 hex digits) can take.
        document_index=Concat(Value("retired:"), Cast("pk", output_field=CharField())),
        document_masked="",
        phone_cipher="",
        phone_index="",
        phone_masked="",
        address="",
        retired_at=timezone.now(),
        version=F("version") + 1,  # an edit opened before stays refused
    )


register_policy(
    Policy(
        key="people.unlinked",
        label=_("Registry persons with no registration or practice record left"),
        counts_from=_("the day the last registration was withdrawn, or the last practice record ended or was deleted"),
        default=365,
        source=_(
            "PIPL art. 19 and 47: kept only as long as the purpose needs; one year lets a practice take "
            "the person up again (a student who returns, a volunteer who comes back) without asking again."
        ),
        retires=_("The name becomes a pseudonym; the document number, phone and address are erased."),
        rows=unheld,
        retire=anonymise,
    )
)
register_policy(
    Policy(
        key="people.returned",
        label=_("Registrations returned by the home jurisdiction and never corrected"),
        counts_from=_("the day returned, or last changed"),
        default=180,
        source=_(
            "PIPL art. 19 and 47: a returned registration holds a number that is not this person's; half a year "
            "leaves its registrant time to correct it."
        ),
        retires=_("The name becomes a pseudonym; the document number, phone and address are erased."),
        rows=returned_unanswered,
        retire=anonymise,
    )
)
