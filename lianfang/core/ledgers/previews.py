"""Ledger files waiting between their preview and their confirmation.

A previewed file holds plaintext identity numbers and phones. It is kept only encrypted (under
the data key, like those columns), only as long as the preview can be confirmed
(PREVIEW_LIFETIME), and it goes when the preview is confirmed (taken once, so that two
simultaneous confirmations import it once), replaced by a newer preview of the same user, or
expired (ledgers/tasks.py sweeps every quarter hour). Uploads are read in memory up to the import
limit (FILE_UPLOAD_MAX_MEMORY_SIZE), so no plaintext copy lands in a temporary folder either.
"""

from __future__ import annotations

import io
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import IO

from django.conf import settings

from lianfang.core.privacy.cipher import DecryptionError, decrypt_bytes, encrypt_bytes

PREVIEW_LIFETIME = timedelta(hours=1)
PURPOSE = "ledger preview"
FOLDER = "ledger-uploads"


def _folder() -> Path:
    # Outside the web root; read at call time, so that a test (or a deployment) can move MEDIA_ROOT.
    path = Path(settings.MEDIA_ROOT) / FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(token: str) -> Path:
    if not token.isalnum():
        raise ValueError("not a preview token")
    return _folder() / f"{token}.sealed"


def preview_keep(chunks: IO[bytes] | bytes) -> str:
    """Keep a previewed file, encrypted; returns the token that names it."""
    data = chunks if isinstance(chunks, bytes) else chunks.read()
    token = secrets.token_hex(16)
    _path(token).write_bytes(encrypt_bytes(data, purpose=PURPOSE))
    return token


def preview_take(token: str) -> IO[bytes] | None:
    """The file kept under this token, taken once: the first of two simultaneous confirmations
    gets it (an atomic rename claims it) and the file is gone afterwards. None when it expired,
    was taken already, or never was."""
    path = _path(token)
    claimed = path.with_name(f"{token}.{secrets.token_hex(4)}.claimed")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    try:
        if time.time() - claimed.stat().st_mtime > PREVIEW_LIFETIME.total_seconds():
            return None
        return io.BytesIO(decrypt_bytes(claimed.read_bytes(), purpose=PURPOSE))
    except DecryptionError:
        return None
    finally:
        claimed.unlink(missing_ok=True)


def preview_discard(token: str) -> None:
    _path(token).unlink(missing_ok=True)


def preview_sweep() -> int:
    """Remove every kept file older than PREVIEW_LIFETIME (previews abandoned); returns how many."""
    removed = 0
    limit = time.time() - PREVIEW_LIFETIME.total_seconds()
    for path in _folder().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
