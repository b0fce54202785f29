"""Serving a stored file to a user — after its owner has decided that the user may see it.

A StoredFile has no scope of its own. The record it belongs to (a case, a notice) is the access
policy: its view looks the record up through that record's scoped selector (answering 404 when
the user may not see it), checks that the file is one of the record's own, and only then calls

    file_response(stored_file)

which adds no check of its own. Never route a URL to a file by its id alone.

The answer is a download (Content-Disposition: attachment, the name in ASCII and in RFC 5987
UTF-8), with the Content-Type of the kind recognised at upload (never the client's), nosniff, a
sandboxing Content-Security-Policy and no caching, so that a file cannot run as a page of the site.
"""

from __future__ import annotations

import logging
import unicodedata
from urllib.parse import quote

from django.http import FileResponse, Http404

from .content import display_name
from .models import CONTENT_TYPES, EXTENSIONS, FileKind, StoredFile
from .services import file_open

log = logging.getLogger("lianfang.files")


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the real name in RFC 5987 form."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c for c in ascii_name if c.isalnum() or c in "._- ").strip(" .")
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "file" + (("." + name.rsplit(".", 1)[-1]) if "." in name else "")
        ascii_name = "".join(c for c in ascii_name if c.isalnum() or c in "._-")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(stored_file: StoredFile, *, download_name: str | None = None) -> FileResponse:
    """The file as a download. The caller must already have checked access (see the module docstring)."""
    try:
        handle = file_open(stored_file)
    except FileNotFoundError as error:
        log.error("stored file %s is missing at %s", stored_file.public_id, stored_file.storage_name)
        raise Http404 from error
    name = display_name(download_name or "") or stored_file.original_name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension != EXTENSIONS[stored_file.kind] and not (extension == "jpeg" and stored_file.kind == FileKind.JPEG):
        name = f"{name}.{EXTENSIONS[stored_file.kind]}"
    response = FileResponse(handle, content_type=CONTENT_TYPES[stored_file.kind])
    response["Content-Disposition"] = content_disposition(name)
    response["Content-Length"] = str(stored_file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
