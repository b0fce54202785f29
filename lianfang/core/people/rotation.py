"""Re-encrypting personal data under a new key (LIANFANG_DATA_KEY), the old one being
LIANFANG_DATA_KEY_PREVIOUS while this runs. Blind indexes are recomputed under the new key.

People are the registry's; a practice that keeps encrypted columns of its own (care: the relief's
bank accounts) registers a step with `register_rotation`, which the command runs after them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record
from lianfang.core.privacy.cipher import decrypt, encrypt, is_current

from .identity import normalise
from .indexes import DOCUMENT_COLUMN, PHONE_COLUMN, document_index, phone_index
from .models import Person

# Each practice's re-encryption: (what it rewrites, in the audit detail's words; the step).
_STEPS: list[tuple[str, Callable[[int], int]]] = []


def register_rotation(noun: str, step: Callable[[int], int]) -> None:
    """A practice's re-encryption of its own columns: `step(chunk)` rewrites every row not yet under
    the current key and returns how many it rewrote (idempotent, as the people's is)."""
    if all(existing is not step for _noun, existing in _STEPS):
        _STEPS.append((noun, step))


def data_key_rotate(*, actor: Actor, chunk: int = 1000, progress: Callable[[int], object] | None = None) -> int:
    """Re-encrypt every person not yet under the current key; returns how many were rewritten.

    Idempotent: a second run finds nothing to do. Run it in a maintenance window, since lookups
    by number find only rows already under the new key.
    """
    rewritten = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(Person.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:chunk])
            if not batch:
                break
            for person in batch:
                last = person.pk
                if not person.document_cipher:  # anonymised at the end of its retention period: nothing to seal
                    continue
                if is_current(person.document_cipher) and (not person.phone_cipher or is_current(person.phone_cipher)):
                    continue
                number = decrypt(person.document_cipher, column=DOCUMENT_COLUMN)
                person.document_cipher = encrypt(number, column=DOCUMENT_COLUMN)
                person.document_index = document_index(person.document_type, normalise(number))
                if person.phone_cipher:
                    phone = decrypt(person.phone_cipher, column=PHONE_COLUMN)
                    person.phone_cipher = encrypt(phone, column=PHONE_COLUMN)
                    person.phone_index = phone_index(phone)
                Person.objects.filter(pk=person.pk).update(
                    document_cipher=person.document_cipher,
                    document_index=person.document_index,
                    phone_cipher=person.phone_cipher,
                    phone_index=person.phone_index,
                )
                rewritten += 1
        if progress is not None:
            progress(len(batch))
    details = [f"{rewritten} people re-encrypted"]
    for noun, step in _STEPS:
        details.append(f"{step(chunk)} {noun} re-encrypted")
    audit_record(actor=actor, verb="data_key.rotate", detail="; ".join(details))
    return rewritten
