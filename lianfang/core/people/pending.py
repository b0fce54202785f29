"""Pending records: a registration of a document number that is on file where the registrant may
not look (see services.person_register), and what the home jurisdiction does with it.

Confirming joins the pending record to the record on file: everything that points at it (its
registration links, and the practices' records: a volunteer, a case, an organisation's contact …)
points at the record on file from then on, and the pending record is gone. Returning it keeps it
as the registrant's own record, with the reason, until they correct the number or register it
again. Both are refused to anyone but the staff of the home jurisdiction (and the commander).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record, audit_record_refusal

from .announcements import announce_confirmed, announce_returned, registrants_of
from .models import PendingState, Person, PersonLink
from .selectors import pending_for_confirmation

_LINK_HOLDER = ("region_id", "department_id", "unit_id", "source")


def _relations_to_person() -> list[Any]:
    """Every relation that points at a person, those without a reverse accessor (related_name="+",
    as the practices declare theirs) included."""
    return [
        f
        for f in Person._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _may_settle(actor: Actor, pending: Person, verb: str) -> None:
    """Refuse (and audit) anyone but the home jurisdiction's staff; called before the transaction,
    so that the refusal's audit row is written at once."""
    if not pending_for_confirmation(actor).filter(pk=pending.pk).exists():
        audit_record_refusal(actor=actor, verb=verb, target=pending)
        raise PermissionDenied(_("Only the home jurisdiction may confirm or return this registration."))


def _locked(pending: Person) -> Person:
    """The pending record under lock, still waiting (settled by someone else at the same moment:
    refused with a message)."""
    current = Person.objects.select_for_update().filter(pk=pending.pk).first()
    if current is None or current.pending_state != PendingState.PENDING:
        raise ValidationError({"pending_state": [_("This registration was settled already.")]})
    return current


def person_confirm(*, actor: Actor, pending: Person) -> Person:
    """Join a pending record to the record on file; returns the record on file."""
    _may_settle(actor, pending, "person.confirm")
    with transaction.atomic():
        current = _locked(pending)
        assert current.on_file_id is not None
        on_file = Person.objects.select_for_update().get(pk=current.on_file_id)
        registrants = registrants_of(current, actor)
        moved = _join(current, on_file)
        # The registration by its id only: whoever may read this record's history (its registrants,
        # from now on) is not told what other registrants typed.
        detail = f"#{current.pk}; " + ", ".join(f"{label} {count}" for label, count in moved.items())
        audit_record(actor=actor, verb="person.confirm", target=on_file, detail=detail[:500])
        joined = Person(pk=current.pk, name=current.name)
        current.delete()
        announce_confirmed(joined, on_file, registrants=registrants)
    return on_file


def person_return(*, actor: Actor, pending: Person, reason: str) -> Person:
    """Return a pending record to its registrants with the reason (the number is not this person's)."""
    reason = " ".join(str(reason or "").split())
    if len(reason) < 4:
        raise ValidationError({"reason": [_("Give the reason for returning (at least 4 characters).")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("The reason is longer than 200 characters.")]})
    _may_settle(actor, pending, "person.return")
    with transaction.atomic():
        current = _locked(pending)
        current.pending_state, current.pending_note = PendingState.RETURNED, reason
        current.version += 1
        current.save(update_fields=["pending_state", "pending_note", "version", "updated_at"])
        audit_record(actor=actor, verb="person.return", target=current, detail=reason)
        announce_returned(current, actor=actor)
    return current


def _join(pending: Person, on_file: Person) -> dict[str, int]:
    """Point everything that points at `pending` at `on_file`; how many records of each kind moved.

    Found through the model's relations, so that a practice's record (outside the core) moves too.
    A record that a person may have only once (a volunteer) and that both have refuses the join.
    """
    moved: dict[str, int] = {}
    held = {tuple(getattr(link, a) for a in _LINK_HOLDER) for link in on_file.links.all()}
    for link in list(pending.links.all()):
        if tuple(getattr(link, a) for a in _LINK_HOLDER) in held:
            link.delete()
        else:
            link.person = on_file
            link.save(update_fields=["person"])
    for relation in _relations_to_person():
        model, field = relation.related_model, relation.field
        assert not isinstance(model, str)  # resolved once the apps are loaded
        if model is PersonLink or (model is Person and field.name == "on_file"):
            continue
        manager = model._base_manager
        records = manager.filter(**{field.name: pending})
        if relation.one_to_one and records.exists() and manager.filter(**{field.name: on_file}).exists():
            raise _held_by_both(model)
        try:
            with transaction.atomic():
                count = records.update(**{field.name: on_file})
        except IntegrityError as error:  # a record the person may hold once in some context
            raise _held_by_both(model) from error
        if count:
            moved[str(model._meta.verbose_name)] = count
    return moved


def _held_by_both(model: type[models.Model]) -> ValidationError:
    return ValidationError(
        {
            "pending_state": [
                _("Both records are registered as %(kind)s: settle one of them before confirming.")
                % {"kind": model._meta.verbose_name}
            ]
        }
    )
