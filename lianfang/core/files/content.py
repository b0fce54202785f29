"""Recognising an upload by its bytes and cleaning it before it is stored.

The name and the Content-Type a client sends are never trusted: the kind is read from the
content (magic numbers, and for Word and Excel files the members of the zip). Anything else —
SVG, HTML, executables, macro-enabled or encrypted Office files, old .doc/.xls — is refused.

Images are decoded and encoded again from their pixels alone, so that EXIF (with its GPS
position), XMP, comments and any bytes appended after the image are dropped; the EXIF
orientation is applied to the pixels first so that the photo still stands the right way up.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .models import EXTENSIONS, FileKind


class UnacceptableContent(Exception):
    """The content is not one of the accepted kinds, or is damaged; the message is for the user."""


# The largest picture decoded: 50 megapixels (a 12 MP phone photo is well inside). A small file
# can declare a huge canvas, and decoding it would take gigabytes of memory.
MAX_PIXELS = 50_000_000
# Office files: parts, the total they may inflate to, and the largest ratio for a big part.
MAX_ZIP_PARTS = 5_000
MAX_INFLATED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024

_OFFICE_MAIN_PART: dict[str, str] = {FileKind.DOCX: "word/document.xml", FileKind.XLSX: "xl/workbook.xml"}
_PIL_FORMATS: dict[str, str] = {FileKind.JPEG: "JPEG", FileKind.PNG: "PNG", FileKind.WEBP: "WEBP"}


def sniff(data: bytes) -> str | None:
    """The kind the bytes are, by their magic number; Office files are told apart by their parts."""
    if data.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return FileKind.WEBP
    if data.startswith(b"%PDF-"):
        return FileKind.PDF
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for kind, part in _OFFICE_MAIN_PART.items():
        if part in names:
            return kind
    return None


def check_office(data: bytes) -> None:
    """A Word or Excel file that is whole, without macros, encryption or a zip bomb inside."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_ZIP_PARTS or sum(p.file_size for p in parts) > MAX_INFLATED_BYTES:
                raise UnacceptableContent(_("The document inflates to far more data than a document holds."))
            for part in parts:
                if part.flag_bits & 0x1:
                    raise UnacceptableContent(_("The document is encrypted. Remove the password and save it again."))
                if part.file_size > RATIO_FLOOR_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                    raise UnacceptableContent(_("The document inflates to far more data than a document holds."))
                name = part.filename.lower()
                if name.startswith("/") or ".." in name.split("/") or name.endswith("vbaproject.bin"):
                    raise UnacceptableContent(
                        _("The document contains macros or unusual parts. Save it as a plain .docx or .xlsx file.")
                    )
            with archive.open("[Content_Types].xml") as stream:
                types = stream.read(RATIO_FLOOR_BYTES).lower()
            archive.testzip()
    except UnacceptableContent:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise UnacceptableContent(_("The document is damaged. Save it again and upload it.")) from error
    if b"macroenabled" in types or b"vbaproject" in types:
        raise UnacceptableContent(
            _("The document contains macros or unusual parts. Save it as a plain .docx or .xlsx file.")
        )


def check_pdf(data: bytes) -> None:
    # A PDF ends with %%EOF (possibly followed by a line break or a few bytes of padding).
    if b"%%EOF" not in data[-1024:]:
        raise UnacceptableContent(_("The PDF is incomplete or damaged. Save it again and upload it."))


def clean_image(data: bytes, kind: str) -> bytes:
    """The picture re-encoded from its pixels only, in the same format, upright, without metadata."""
    try:
        with warnings.catch_warnings():
            # The canvas is checked against MAX_PIXELS below, with a message that gives its size.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        if image.format != _PIL_FORMATS[kind]:
            raise UnacceptableContent(_("The picture is damaged and cannot be read."))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise UnacceptableContent(
                _("The picture is too large (%(width)d × %(height)d pixels). Send a smaller photo.")
                % {"width": width, "height": height}
            )
        image.load()
        upright = ImageOps.exif_transpose(image) or image
    except UnacceptableContent:
        raise
    except Image.DecompressionBombError as error:
        raise UnacceptableContent(_("The picture is too large. Send a smaller photo.")) from error
    except (OSError, ValueError, SyntaxError) as error:
        raise UnacceptableContent(_("The picture is damaged and cannot be read.")) from error
    icc_profile = image.info.get("icc_profile")
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    if kind == FileKind.JPEG:
        mode = "L" if upright.mode in ("1", "L", "I", "I;16", "F") else "RGB"
    else:
        mode = "RGBA" if has_alpha else "RGB"
    pixels = upright.convert(mode)
    # Built from raw pixels, the new image carries nothing of the old one's info (EXIF, XMP, text).
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    options: dict[str, object] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile  # colour, not location: kept so photos look the same
    if kind == FileKind.JPEG:
        options.update(quality=90, optimize=True)
    elif kind == FileKind.WEBP:
        options.update(quality=90)
    out = io.BytesIO()
    clean.save(out, format=_PIL_FORMATS[kind], **options)
    return out.getvalue()


_FORBIDDEN_IN_NAMES = set('/\\:*?"<>|')


def display_name(raw: str) -> str:
    """What the uploader called the file, without folders or control characters."""
    name = unicodedata.normalize("NFC", str(raw or "")).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c not in _FORBIDDEN_IN_NAMES and unicodedata.category(c)[0] != "C")


def clean_name(raw: str, kind: str) -> str:
    """The name a file is shown and downloaded under: the uploader's name (see display_name),
    at most 100 characters before an extension that matches the content."""
    name = display_name(raw)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.strip(" .")[:100] or _("file")
    wanted = EXTENSIONS[kind]
    if extension.lower() == "jpeg" and wanted == "jpg":
        wanted = extension
    return f"{stem}.{wanted}"
