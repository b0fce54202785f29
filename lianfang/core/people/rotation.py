"""Re-encrypting personal data under a new key (LIANFANG_DATA_KEY), the old one being
LIANFANG_DATA_KEY_PREVIOUS while this runs. Blind indexes are recomputed under the new key."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record
from lianfang.core.privacy.cipher import decrypt, encrypt, is_current

from .identity import normalise
from .indexes import DOCUMENT_COLUMN, PHONE_COLUMN, document_index, phone_index
from .models import Person


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
    audit_record(actor=actor, verb="data_key.rotate", detail=f"{rewritten} people re-encrypted")
    return rewritten
