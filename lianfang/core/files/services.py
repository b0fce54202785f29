"""Checking and storing evidence files.

- `validate_upload(upload)` checks an upload (size, kind by content, damage) and cleans images;
  forms and serializers call it before anything is saved, and get a ValidationError naming the
  field ("file" unless told otherwise).
- `file_store(actor=..., upload=...)` writes the checked bytes to the default storage with a
  random name and records a StoredFile, audited. It takes a raw upload or what validate_upload returned.
- `file_open(stored)` reads them back.

Everything goes through Django's default storage (settings.STORAGES): a folder under MEDIA_ROOT,
shared by every app server, or an object store through django-storages (docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.audit.services import audit_record, audit_record_refusal
from lianfang.core.regions.scoping import scope_for

from .content import UnacceptableContent, check_office, check_pdf, clean_image, clean_name, display_name, sniff
from .models import CONTENT_TYPES, IMAGE_KINDS, FileKind, StoredFile

log = logging.getLogger("lianfang.files")

# Every stored file lies under this folder of the storage, two hex digits deep.
STORAGE_FOLDER = "evidence"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed validate_upload: its kind, its display name and the bytes to store
    (for an image, the cleaned re-encoding)."""

    name: str
    kind: str
    data: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _limit_text(limit: int) -> str:
    return f"{limit / 1024 / 1024:g}"


def validate_upload(upload: Any, *, field: str = "file") -> CheckedUpload:
    """Check one uploaded file (a Django UploadedFile or any object with .name, .size and .read()).

    Accepted: JPEG, PNG and WebP photos (re-encoded without metadata), PDF, and Word (.docx)
    and Excel (.xlsx) files without macros; at most settings.UPLOAD_MAX_BYTES. Raises a
    ValidationError whose message names the file, under `field`.
    """
    if isinstance(upload, CheckedUpload):
        return upload
    if upload is None or not getattr(upload, "name", None):
        raise ValidationError({field: [_("Choose a file to upload.")]})
    raw_name = str(upload.name)
    shown = display_name(raw_name)[:100] or _("file")
    limit = settings.UPLOAD_MAX_BYTES
    too_big = ValidationError(
        {field: [_("%(name)s is larger than %(limit)s MB.") % {"name": shown, "limit": _limit_text(limit)}]}
    )
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise too_big
    if hasattr(upload, "seek"):
        upload.seek(0)
    # One byte past the limit tells a file of exactly the limit from a larger one.
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ValidationError({field: [_("%(name)s is empty.") % {"name": shown}]})
    kind = sniff(data)
    if kind is None:
        raise ValidationError(
            {
                field: [
                    _(
                        "%(name)s is not an accepted kind of file. Send a photo (JPEG, PNG or WebP), "
                        "a PDF, a Word document (.docx) or an Excel workbook (.xlsx)."
                    )
                    % {"name": shown}
                ]
            }
        )
    try:
        if kind in IMAGE_KINDS:
            data = clean_image(data, kind)
        elif kind == FileKind.PDF:
            check_pdf(data)
        else:
            check_office(data)
    except UnacceptableContent as error:
        raise ValidationError({field: [f"{shown}: {error}"]}) from error
    return CheckedUpload(name=clean_name(raw_name, kind), kind=kind, data=data)


def _storage() -> Storage:
    # Looked up at call time, so that a test (or a deployment) can change STORAGES or MEDIA_ROOT.
    return storages["default"]


def _may_upload(actor: Actor) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return bool(getattr(actor, "is_authenticated", False) and scope_for(actor).can_write)


def file_store(*, actor: Actor, upload: Any) -> StoredFile:
    """Store an upload (raw, or already checked by validate_upload) and record who sent it.

    The bytes are written first, then the row and its audit row in one transaction; if that
    fails the bytes are removed again. (If a caller's outer transaction rolls back later, the
    bytes stay behind without a row; `file_sweep_orphans` removes them the next day.)
    """
    if not _may_upload(actor):
        audit_record_refusal(actor=actor, verb="file.store", detail="no writing role")
        raise PermissionDenied(_("Your role may not upload files."))
    checked = validate_upload(upload)
    token = secrets.token_hex(16)
    storage = _storage()
    name = storage.save(f"{STORAGE_FOLDER}/{token[:2]}/{token}", ContentFile(checked.data))
    try:
        with transaction.atomic():
            stored = StoredFile.objects.create(
                original_name=checked.name,
                kind=checked.kind,
                content_type=checked.content_type,
                size=len(checked.data),
                sha256=hashlib.sha256(checked.data).hexdigest(),
                storage_name=name,
                uploaded_by=acting_user(actor),
            )
            audit_record(
                actor=actor,
                verb="file.store",
                target=stored,
                after={
                    "name": stored.original_name,
                    "kind": stored.kind,
                    "size": stored.size,
                    "sha256": stored.sha256,
                },
            )
    except BaseException:
        storage.delete(name)
        raise
    return stored


def file_open(stored: StoredFile) -> File:
    """The stored bytes, open for reading (FileNotFoundError when they are gone)."""
    return _storage().open(stored.storage_name, "rb")


def file_read(stored: StoredFile) -> bytes:
    with file_open(stored) as handle:
        return bytes(handle.read())


def files_erase(pks: Iterable[int]) -> int:
    """Erase stored files that no record names any more (a retired certificate): their rows now,
    their bytes once the transaction commits. Returns how many."""
    found = list(StoredFile.objects.filter(pk__in=list(pks)).values_list("pk", "storage_name"))
    StoredFile.objects.filter(pk__in=[pk for pk, _name in found]).delete()  # a record still naming one refuses
    names = [name for _pk, name in found]

    def remove() -> None:
        storage = _storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)
    return len(found)


def file_sweep_orphans(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete stored bytes that no StoredFile row names (left by a rolled-back transaction), if
    they are older than `older_than` so that an upload in progress is never touched."""
    storage = _storage()
    try:  # an object store has no folders to test for: listing an empty prefix gives nothing
        folders = storage.listdir(STORAGE_FOLDER)[0]
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    candidates: list[str] = []
    for folder in folders:
        for name in storage.listdir(f"{STORAGE_FOLDER}/{folder}")[1]:
            stored_name = f"{STORAGE_FOLDER}/{folder}/{name}"
            if storage.get_modified_time(stored_name) < cutoff:
                candidates.append(stored_name)
    known: set[str] = set()
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        known.update(StoredFile.objects.filter(storage_name__in=chunk).values_list("storage_name", flat=True))
    removed = 0
    for name in candidates:
        if name not in known:
            storage.delete(name)
            removed += 1
    if removed:
        log.info("removed %d orphaned evidence files", removed)
    return removed
