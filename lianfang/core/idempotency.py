"""Submissions from phones that may arrive twice: each carries an id generated on the phone.

A field worker on a weak network taps "submit", sees nothing, and taps again; the phone resends
the same id. The rule (DESIGN.md, "Data that must not be lost or doubled"):

- the same id with the same content returns the first record, and nothing is written again;
- the same id with other content is a conflict (409): the phone has a bug or a stale draft.

A model that takes such submissions inherits `ClientSubmitted`. The unique constraint on
`client_id` is what makes this hold when copies arrive at the same moment, on any database:
the copy that loses the race fails its insert inside a savepoint, and reads the winner instead.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

M = TypeVar("M", bound="ClientSubmitted")


class ClientSubmitted(models.Model):
    client_id = models.UUIDField(
        gettext_lazy("client submission id"), null=True, blank=True, unique=True, editable=False
    )
    client_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class SubmissionConflict(Exception):
    """The same client id arrived before with other content."""

    def __init__(self) -> None:
        super().__init__(
            _("This submission id was already used for different content. Start a new form and submit again.")
        )


def content_digest(content: Mapping[str, Any]) -> str:
    """A digest of what was submitted, independent of key order and of how numbers were typed."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_client_id(value: Any) -> uuid.UUID | None:
    """None when absent; a ValueError for anything that is not a UUID."""
    if value in (None, ""):
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def submit_once(
    model: type[M], *, client_id: uuid.UUID | None, content: Mapping[str, Any], create: Callable[[], M]
) -> tuple[M, bool]:
    """Run `create` once per client id; returns the record and whether this call created it.

    `create` must save the record with `client_id` and `client_digest` set (use `stamp`) along
    with everything else the submission writes (events, audit rows): it runs in a savepoint, so a
    copy that loses a race leaves nothing behind.
    """
    if client_id is None:
        return create(), True
    digest = content_digest(content)
    for _attempt in range(2):
        existing = model._default_manager.filter(client_id=client_id).first()
        if existing is not None:
            if existing.client_digest != digest:
                raise SubmissionConflict()
            return existing, False
        try:
            with transaction.atomic():
                return create(), True
        except IntegrityError:
            if not model._default_manager.filter(client_id=client_id).exists():
                raise  # another constraint failed: not a resend
    raise SubmissionConflict()  # unreachable in practice: the second pass finds the winner


def stamp(record: ClientSubmitted, *, client_id: uuid.UUID | None, content: Mapping[str, Any]) -> None:
    """Mark a record as the one created for this client id and content."""
    record.client_id = client_id
    record.client_digest = content_digest(content) if client_id is not None else ""
