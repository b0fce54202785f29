"""Opening an uploaded workbook safely, then reading its first sheet with python-calamine.

An .xlsx file is a zip of XML parts. Before any parser sees it, the file is checked:

- its size against settings.IMPORT_MAX_BYTES;
- that it is a zip at all, and an Excel workbook rather than another zip (a renamed .docx);
- for a zip bomb: the sizes the zip declares (in total, and each part's compression ratio), and
  then the bytes each XML part really inflates to, counted while streaming;
- for an XML bomb: no part may declare a document type or entities (`<!DOCTYPE`, `<!ENTITY`),
  which no workbook that Excel or WPS writes contains.

Only then is the sheet parsed, by calamine (about 12 times faster than openpyxl read-only).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from typing import IO, Any

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

# A cell as calamine returns it: text, a number (float), a bool, a date or a time.
Cell = Any

# Excel's own parts compress 5 to 20 times; a part that inflates far more than that is a bomb.
MAX_RATIO = 100
# The ratio is judged only for parts large enough to matter (a tiny part of zeros is harmless).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_PARTS = 10_000
_CHUNK = 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class LedgerFileError(Exception):
    """The file as a whole cannot be imported (not a workbook, too big, malicious, damaged).

    The message is for the user, in their language; the upload page answers it with a 400.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_uncompressed_bytes() -> int:
    """How much all parts of a workbook may inflate to: ten times the largest file accepted
    (200 MB for the default 20 MB), room for some 400,000 rows of a people ledger."""
    return 10 * settings.IMPORT_MAX_BYTES


def read_rows(file: IO[bytes] | str | os.PathLike[str], filename: str = "") -> list[list[Cell]]:
    """Every row of the workbook's first visible worksheet, from A1 on, after the safety checks.

    Row i of the result (0-based) is Excel's row i + 1. Raises LedgerFileError.
    """
    data = _read_bounded(file)
    _check_container(data, filename)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = _first_worksheet(workbook)
        # skip_empty_area=False keeps leading empty rows and columns, so that row numbers are Excel's.
        return sheet.to_python(skip_empty_area=False)
    except LedgerFileError:
        raise
    except Exception as error:  # calamine raises its own errors and, on odd files, ValueError and friends
        raise LedgerFileError(
            _("The workbook is damaged and cannot be read (%(error)s). Open it in Excel or WPS and save it again.")
            % {"error": str(error)[:200]}
        ) from error


def _read_bounded(file: IO[bytes] | str | os.PathLike[str]) -> bytes:
    limit = settings.IMPORT_MAX_BYTES
    too_big = LedgerFileError(
        _("The file is larger than %(limit)s MB. Split the ledger into several files.")
        % {"limit": f"{limit / 1024 / 1024:g}"}
    )
    if isinstance(file, (str, os.PathLike)):
        if os.path.getsize(file) > limit:
            raise too_big
        with open(file, "rb") as fh:
            return _read_at_most(fh, limit, too_big)
    return _read_at_most(file, limit, too_big)


def _read_at_most(fh: IO[bytes], limit: int, too_big: LedgerFileError) -> bytes:
    # One byte more than the limit tells a file of exactly the limit from a larger one without
    # reading the rest of an oversized upload into memory.
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise too_big
    return data


def _check_container(data: bytes, filename: str) -> None:
    if not data.startswith(_ZIP_MAGIC):
        if data.startswith(_OLE_MAGIC):
            raise LedgerFileError(
                _(
                    "This is an old-format .xls workbook or a password-protected one. Open it in Excel or WPS, "
                    "remove any password and save it as an Excel workbook (.xlsx)."
                )
            )
        raise LedgerFileError(
            _("%(name)s is not an Excel workbook (.xlsx). Save the ledger as an Excel workbook and upload that.")
            % {"name": filename or _("The file")}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise LedgerFileError(
            _("The workbook is damaged (it is not a complete zip archive). Save it again and upload it.")
        ) from error
    with archive:
        names = {part.filename for part in parts}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise LedgerFileError(
                _(
                    "%(name)s is a zip archive but not an Excel workbook (perhaps a renamed Word or other file). "
                    "Save the ledger as an Excel workbook (.xlsx)."
                )
                % {"name": filename or _("The file")}
            )
        _check_declared_sizes(parts)
        for part in parts:
            if part.filename.lower().endswith(_XML_SUFFIXES):
                _scan_part(archive, part)


def _bomb() -> LedgerFileError:
    return LedgerFileError(
        _("The workbook inflates to far more data than a ledger holds (a zip bomb?). It was not imported.")
    )


def _check_declared_sizes(parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise _bomb()
    if sum(part.file_size for part in parts) > max_uncompressed_bytes():
        raise _bomb()
    for part in parts:
        if part.file_size > RATIO_FLOOR_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise _bomb()


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Inflate one XML part as a stream: count what it really inflates to (a zip may lie about
    sizes) and look for entity declarations, which is how an XML bomb multiplies itself."""
    budget = max_uncompressed_bytes()
    seen = 0
    tail = b""
    try:
        with archive.open(part) as stream:
            first = True
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                seen += len(chunk)
                if seen > budget:
                    raise _bomb()
                if first:
                    _check_encoding(chunk)
                    first = False
                # The tail of the previous chunk catches a declaration split across two chunks.
                window = (tail + chunk).upper()
                if any(marker in window for marker in _FORBIDDEN):
                    raise LedgerFileError(
                        _(
                            "The workbook contains XML entity declarations, which Excel never writes "
                            "(an XML bomb?). It was not imported."
                        )
                    )
                tail = chunk[-16:]
    except LedgerFileError:
        raise
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        # CRC mismatch, an unsupported compression method, an encrypted part, a truncated stream.
        raise LedgerFileError(
            _("The workbook is damaged (part %(part)s cannot be read). Save it again and upload it.")
            % {"part": part.filename}
        ) from error


def _check_encoding(chunk: bytes) -> None:
    # Excel writes UTF-8. Markup in UTF-16 or UTF-32 would hide a declaration from the byte scan
    # above (every other byte is NUL), so it is refused rather than decoded.
    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:4]:
        raise LedgerFileError(
            _("The workbook's XML is not in UTF-8 and cannot be checked. Save it again in Excel or WPS.")
        )


def _first_worksheet(workbook: python_calamine.CalamineWorkbook) -> python_calamine.CalamineSheet:
    for index, meta in enumerate(workbook.sheets_metadata):
        if (
            meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            and meta.visible == python_calamine.SheetVisibleEnum.Visible
        ):
            return workbook.get_sheet_by_index(index)
    raise LedgerFileError(_("The workbook has no visible worksheet."))


def iter_nonempty(rows: list[list[Cell]], start: int) -> Iterator[tuple[int, list[Cell]]]:
    """(Excel row number, cells) for each row from index `start` that holds anything."""
    for index in range(start, len(rows)):
        cells = rows[index]
        if any(cell != "" and not (isinstance(cell, str) and not cell.strip()) for cell in cells):
            yield index + 1, cells
