"""What a ledger cell holds, read tolerantly: text, codes, dates and yes/no.

Ledgers are typed by hand in Excel or WPS, so a cell may carry stray spaces, full-width digits
(１２３), a date in one of several spellings, or a number where text was meant. Each reader here
returns the clean value or raises CellError with the reason, for the row's error report.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _


class CellError(Exception):
    """A cell's value cannot be used; the message says why (and, where it helps, how to fix it)."""


def text(value: Any) -> str:
    """Free text (a name, an address): stray spaces removed, the characters themselves kept.

    No NFKC here: it would rewrite full-width brackets in an address that was typed that way, and
    an exported ledger would no longer import unchanged.
    """
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def code(value: Any) -> str:
    """A code typed as text (a region code, a user name): NFKC (full-width digits), no spaces.

    A whole number stored as a number is taken as its digits: codes of up to 15 digits survive
    Excel's floating point exactly.
    """
    if isinstance(value, bool):
        raise CellError(_("it is a yes/no value, not a code"))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
            raise CellError(_("it is a number with decimals, not a code"))
        return str(int(value))
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


# 4.10106E+17 as text: what Excel shows (and a CSV keeps) after it has rounded a long number.
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$", re.IGNORECASE)


def stored_as_number() -> CellError:
    return CellError(
        _(
            "Excel stored this number as a number and has already dropped its last digits. Format the column "
            "as Text (设置单元格格式 → 文本), type the numbers again from the originals, and import again"
        )
    )


def long_number(value: Any) -> str:
    """An identity document number or credit code: it must have been kept as text.

    Excel keeps 15 significant digits, so an 18-digit number typed into a General cell has lost
    its end; the digits cannot be recovered from the file, only retyped. Such a cell is refused,
    never rounded back into something that looks valid.
    """
    if isinstance(value, bool):
        raise CellError(_("it is a yes/no value, not a number"))
    if isinstance(value, (int, float)):
        raise stored_as_number()
    cleaned = "".join(unicodedata.normalize("NFKC", str(value)).split())
    if _SCIENTIFIC.match(cleaned):
        raise stored_as_number()
    if "*" in cleaned:
        raise CellError(
            _("it is masked (it contains *), as in an export without full numbers; import the full number instead")
        )
    return cleaned


def phone(value: Any) -> str:
    """A mobile number: 11 digits survive Excel's floating point, so a number cell is accepted."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, bool):
        raise CellError(_("it is a yes/no value, not a number"))
    raw = str(value)
    if "*" in raw:
        raise CellError(
            _("it is masked (it contains *), as in an export without full numbers; import the full number instead")
        )
    return raw.strip()


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def date(value: Any) -> dt.date | None:
    """A date stored as an Excel date, or written 2022-01-14, 2022/1/14, 2022.1.14, 2022年1月14日
    or 20220114 (full-width digits too). An empty cell is None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        compact = _COMPACT_DATE.match(str(int(value))) if float(value).is_integer() else None
        if compact is None:
            raise CellError(_("it is a number, not a date; write it as 2022-01-14"))
        return _make_date(*compact.groups())
    cleaned = unicodedata.normalize("NFKC", str(value)).strip()
    if not cleaned:
        return None
    match = _DATE.match(cleaned) or _COMPACT_DATE.match(cleaned)
    if match is None:
        raise CellError(_("it is not a date; write it as 2022-01-14"))
    return _make_date(*match.groups())


def _make_date(year: str, month: str, day: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as error:
        raise CellError(_("there is no such day")) from error


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "对"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "不是", ""}


def yes_no(value: Any) -> bool:
    """是/否 (also Y/N, yes/no, 1/0, √/×, or an Excel TRUE/FALSE); an empty cell is no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value in (0.0, 1.0):
        return value == 1.0
    cleaned = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if cleaned in _YES:
        return True
    if cleaned in _NO:
        return False
    raise CellError(_("write 是 or 否"))


def split_list(value: Any) -> list[str]:
    """Several values in one cell, separated by 、 , ， ; ； / or new lines."""
    return [part.strip() for part in re.split(r"[、,，;；/\n]+", text_keep_lines(value)) if part.strip()]


def text_keep_lines(value: Any) -> str:
    return value if isinstance(value, str) else text(value)


def label_lookup(pairs: list[tuple[str, Any]]) -> dict[str, str]:
    """Map every spelling of a choice (its Chinese and English labels and its code) to the code,
    compared without spaces and case."""
    lookup: dict[str, str] = {}
    for value, label in pairs:
        for spelling in (value, str(label)):
            lookup[normalise_label(spelling)] = value
    return lookup


def normalise_label(value: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).lower()


class Choices:
    """A set of choices (roles, kinds of organisation …) as a ledger spells them.

    A cell may hold a choice's code or its Chinese or English label; an export and every message
    list the Chinese labels, in declaration order.
    """

    def __init__(self, choices: type[models.Choices]) -> None:
        pairs: list[tuple[str, Any]] = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                pairs += [(value, str(label)) for value, label in choices.choices]
        self.lookup = label_lookup(pairs)
        with translation.override("zh-hans"):
            self.labels = {value: str(label) for value, label in choices.choices}
        self.listed = "、".join(self.labels.values())

    def get(self, value: Any) -> str | None:
        """The code of the choice spelt in this cell, or None."""
        return self.lookup.get(normalise_label(value))

    def many(self, value: Any) -> list[str]:
        """Several choices in one cell (see split_list); raises CellError naming one it does not know."""
        found: list[str] = []
        for label in split_list(value):
            code = self.get(label)
            if code is None:
                raise CellError(
                    _("Unknown kind %(kind)s; use one or more of: %(kinds)s.") % {"kind": label, "kinds": self.listed}
                )
            found.append(code)
        return found

    def shown(self, codes: Iterable[str]) -> str:
        """Codes written back as their Chinese labels in declaration order, as an export shows them."""
        order = {code: i for i, code in enumerate(self.labels)}
        return "、".join(self.labels.get(code, code) for code in sorted(codes, key=lambda c: order.get(c, len(order))))
