"""Identity documents and mobile numbers: normalisation and validation at every entry point.

Each check raises a ValidationError whose message says, in the user's language, what is wrong;
the caller (form, serializer, import row) adds which field and which row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits of a mainland division code (provinces, autonomous regions, municipalities).
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
}  # fmt: skip
HMT_PREFIXES = {"810000": "Hong Kong", "820000": "Macao", "830000": "Taiwan"}


def district_today() -> dt.date:
    """Today in the district's time zone. timezone.localdate() first looks up the active zone, a
    context-local lookup that costs more than the rest of an ID check; nothing activates another."""
    return dt.datetime.now(timezone.get_default_timezone()).date()


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", gettext_lazy("Resident identity card")
    HMT_RESIDENCE = "hmt_residence", gettext_lazy("Residence permit for Hong Kong, Macao and Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", gettext_lazy("Foreign permanent resident ID card")
    PASSPORT = "passport", gettext_lazy("Passport")


class Sex(models.TextChoices):
    MALE = "M", gettext_lazy("male")
    FEMALE = "F", gettext_lazy("female")


@dataclass(frozen=True)
class Document:
    type: str
    number: str
    birth_date: dt.date | None = None
    sex: str | None = None


def normalise(raw: object) -> str:
    """NFKC (full-width digits and letters), no white space or separators, upper case."""
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else ""))
    return re.sub(r"[\s\-]", "", text).upper()


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2, as GB 11643 uses it."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _birth_date(text: str, today: dt.date) -> dt.date:
    try:
        born = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as error:
        raise ValidationError(
            _("the birth date %(date)s in it does not exist") % {"date": text}, code="birth_date"
        ) from error
    if born.year < 1900 or born > today:
        raise ValidationError(
            _("the birth date %(date)s in it is not between 1900 and today") % {"date": date_format(born)},
            code="birth_date",
        )
    return born


def _eighteen(number: str, today: dt.date) -> tuple[dt.date, str]:
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(_("it must be 17 digits followed by a digit or X"), code="format")
    born = _birth_date(number[6:14], today)
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("its check digit is %(found)s but should be %(expected)s: a digit is probably mistyped")
            % {"found": number[17], "expected": expected},
            code="check_digit",
        )
    return born, Sex.MALE if int(number[16]) % 2 else Sex.FEMALE


def validate_document(document_type: str, raw: object, *, today: dt.date | None = None) -> Document:
    """Normalise and validate a document number of a type; resident IDs also give birth date and sex."""
    today = today or district_today()
    number = normalise(raw)
    if not number:
        raise ValidationError(_("it is empty"), code="required")
    if document_type == DocumentType.RESIDENT_ID:
        if re.fullmatch(r"\d{15}", number):
            raise ValidationError(
                _("it is a legacy 15-digit number; enter the 18-digit number on the current card"), code="legacy"
            )
        if len(number) != 18:
            raise ValidationError(
                _("it has %(n)d characters; a resident ID has 18") % {"n": len(number)}, code="length"
            )
        if number[:2] not in PROVINCES:
            raise ValidationError(_("it does not begin with a valid region code"), code="region")
        born, sex = _eighteen(number, today)
        return Document(document_type, number, born, sex)
    if document_type == DocumentType.HMT_RESIDENCE:
        if len(number) != 18 or number[:6] not in HMT_PREFIXES:
            raise ValidationError(_("it must be 18 characters beginning with 810000, 820000 or 830000"), code="format")
        born, sex = _eighteen(number, today)
        return Document(document_type, number, born, sex)
    if document_type == DocumentType.FOREIGN_PERMANENT:
        if re.fullmatch(r"[A-Z]{3}\d{12}", number):  # the 2004 card: nationality, region, YYMMDD, serial
            return Document(document_type, number)
        if re.fullmatch(r"9\d{16}[\dX]", number):  # the 2023 card, with the same check digit as IDs
            born, sex = _eighteen(number, today)
            return Document(document_type, number, born, sex)
        raise ValidationError(
            _("it must be 3 letters and 12 digits (2004 card) or 18 characters beginning with 9 (2023 card)"),
            code="format",
        )
    if document_type == DocumentType.PASSPORT:
        if not re.fullmatch(r"[A-Z0-9]{5,17}", number) or not re.search(r"\d", number):
            raise ValidationError(_("it must be 5 to 17 letters and digits"), code="format")
        return Document(document_type, number)
    raise ValidationError(_("the document type %(type)s is not known") % {"type": document_type}, code="type")


def normalise_phone(raw: object) -> str:
    """A mainland mobile number: +86, 0086, spaces, dashes and brackets removed, 11 digits left."""
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else ""))
    digits = re.sub(r"[\s\-()]", "", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise ValidationError(_("it is not a mainland mobile number (11 digits beginning with 13 to 19)"), code="phone")
    return digits
