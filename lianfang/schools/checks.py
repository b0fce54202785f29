"""What a 晨午检 and a 健康打卡 say, and the rules of WS/T 772-2020 that their content follows.

The duty's content check (duties.py) runs these on every submission, from any entry point: a
report's structure, the reasons, the symptoms, the temperatures and their retest. Whether the
students named belong to the class, and whether the counts add up to its headcount, need the
class: services.morning_check_submit checks that before submitting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AbsenceReason, Attendance, CheckAction


class Symptom(models.TextChoices):
    """The twelve symptoms of WS/T 772-2020, jaundice (the cluster rule names it) and other."""

    FEVER = "fever", gettext_lazy("Fever (发热)")
    COUGH = "cough", gettext_lazy("Cough (咳嗽)")
    HEADACHE = "headache", gettext_lazy("Headache (头痛)")
    SORE_THROAT = "sore_throat", gettext_lazy("Sore throat (咽痛)")
    PAROTID = "parotid", gettext_lazy("Swollen parotid glands (腮腺肿大)")
    ABDOMINAL_PAIN = "abdominal_pain", gettext_lazy("Abdominal pain (腹痛)")
    DIARRHOEA = "diarrhoea", gettext_lazy("Diarrhoea (腹泻)")
    VOMITING = "vomiting", gettext_lazy("Vomiting (呕吐)")
    RASH = "rash", gettext_lazy("Rash (皮疹)")
    DIZZINESS = "dizziness", gettext_lazy("Dizziness (头晕)")
    FATIGUE = "fatigue", gettext_lazy("Fatigue (乏力)")
    CONJUNCTIVITIS = "conjunctivitis", gettext_lazy("Red eyes (结膜红肿)")
    JAUNDICE = "jaundice", gettext_lazy("Jaundice (黄疸)")
    OTHER = "other", gettext_lazy("Other (其他)")


# A temperature at or above this is a fever: it is retested, and a fever that stays is observed.
FEVER_FROM = Decimal("37.3")
LOWEST = Decimal("34")
HIGHEST = Decimal("43")
# What an action must be when the retest still shows a fever.
OBSERVED = {CheckAction.OBSERVATION, CheckAction.PARENTS_TOLD, CheckAction.TO_DOCTOR}


def temperature(value: Any, field: str) -> Decimal | None:
    """A body temperature in ℃ with one decimal, 34–43, or None when not given."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace("℃", ""))
    except InvalidOperation:
        raise ValidationError({field: [_("Give the temperature as a number, such as 36.5.")]}) from None
    if not number.is_finite() or not LOWEST <= number <= HIGHEST:
        raise ValidationError({field: [_("A body temperature lies between 34 and 43 ℃.")]})
    return number.quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Entry:
    """One absent or unwell student in a 晨午检."""

    student: int
    attendance: str
    reason: str
    symptoms: tuple[str, ...]
    other_symptom: str
    temperature: Decimal | None
    retest: Decimal | None
    action: str
    suspected_covid: bool

    @property
    def feverish(self) -> bool:
        """A fever that the retest did not clear (or the symptom, without a temperature)."""
        measured = self.retest if self.retest is not None else self.temperature
        return (measured is not None and measured >= FEVER_FROM) or Symptom.FEVER in self.symptoms

    def as_content(self) -> dict[str, Any]:
        return {
            "student": self.student,
            "attendance": self.attendance,
            "reason": self.reason,
            "symptoms": list(self.symptoms),
            "other_symptom": self.other_symptom,
            "temperature": str(self.temperature) if self.temperature is not None else None,
            "retest": str(self.retest) if self.retest is not None else None,
            "action": self.action,
            "suspected_covid": self.suspected_covid,
        }


def _entry(raw: Any, row: int) -> Entry:
    """One entry, checked; errors name the row (第N名学生) and the field."""
    if not isinstance(raw, Mapping):
        raise ValidationError(
            {"entries": [_("Student %(row)d: the entry is not a set of named values.") % {"row": row}]}
        )
    errors: list[str] = []

    def refuse(message: str) -> None:
        errors.append(_("Student %(row)d: %(message)s") % {"row": row, "message": message})

    student = raw.get("student")
    if not str(student or "").isdigit() or not 0 < int(str(student)) < 2**63:
        refuse(_("choose the student."))
        student = 0
    attendance = str(raw.get("attendance") or "")
    if attendance not in Attendance.values:
        refuse(_("say whether the student is absent or present but unwell."))
    reason = str(raw.get("reason") or "")
    if attendance == Attendance.ABSENT and reason not in AbsenceReason.values:
        refuse(_("an absence needs its reason (illness or personal matters)."))
    if attendance == Attendance.PRESENT_UNWELL:
        reason = ""
    symptoms_raw = raw.get("symptoms") or []
    if not isinstance(symptoms_raw, list | tuple) or any(str(s) not in Symptom.values for s in symptoms_raw):
        refuse(_("unknown symptom."))
        symptoms_raw = []
    symptoms = tuple(dict.fromkeys(str(s) for s in symptoms_raw))
    other = " ".join(str(raw.get("other_symptom") or "").split())[:50]
    if Symptom.OTHER in symptoms and not other:
        refuse(_("say what the other symptom is."))
    measured: list[Decimal | None] = []
    for key in ("temperature", "retest"):
        try:
            measured.append(temperature(raw.get(key), key))
        except ValidationError as error:
            refuse(" ".join(error.messages))
            measured.append(None)
    first, retest = measured
    action = str(raw.get("action") or "")
    if action and action not in CheckAction.values:
        refuse(_("unknown action."))
    present_unwell = attendance == Attendance.PRESENT_UNWELL
    if first is not None and first >= FEVER_FROM and retest is None:
        refuse(_("%(t)s ℃ is 37.3 ℃ or more: retest the temperature and enter the retest.") % {"t": first})
    if present_unwell and not action:
        refuse(_("choose the action taken."))
    if present_unwell and retest is not None and retest >= FEVER_FROM and action not in OBSERVED:
        refuse(_("the retest still shows a fever: the student is observed (留观), not sent back to class."))
    if present_unwell and not symptoms and (first is None or first < FEVER_FROM):
        refuse(_("name the symptoms of an unwell student."))
    if errors:
        raise ValidationError({"entries": errors})
    return Entry(
        student=int(str(student)),
        attendance=attendance,
        reason=reason,
        symptoms=symptoms,
        other_symptom=other if Symptom.OTHER in symptoms else "",
        temperature=first,
        retest=retest,
        action=action,
        suspected_covid=bool(raw.get("suspected_covid")),
    )


def _count(content: Mapping[str, Any], key: str, label: str) -> int:
    value = content.get(key)
    if not str(value if value is not None else "").isdigit() or int(str(value)) > 10000:
        raise ValidationError({key: [_("Give the number %(what)s.") % {"what": label}]})
    return int(str(value))


def morning_check_content(content: Mapping[str, Any]) -> dict[str, Any]:
    """A 晨午检's content: the numbers present and absent, and each absent or unwell student."""
    present = _count(content, "present", _("present"))
    absent = _count(content, "absent", _("absent"))
    raw_entries = content.get("entries") or []
    if not isinstance(raw_entries, list) or len(raw_entries) > 500:
        raise ValidationError({"entries": [_("The students are a list.")]})
    errors: list[str] = []
    entries: list[Entry] = []
    seen: set[int] = set()
    for row, raw in enumerate(raw_entries, start=1):
        try:
            entry = _entry(raw, row)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if entry.student in seen:
            errors.append(_("Student %(row)d: this student is named twice in one report.") % {"row": row})
        seen.add(entry.student)
        entries.append(entry)
    if errors:
        raise ValidationError({"entries": errors})
    named_absent = sum(1 for e in entries if e.attendance == Attendance.ABSENT)
    if named_absent != absent:
        raise ValidationError(
            {
                "absent": [
                    _("%(n)d absent, but %(m)d absent students are named: name each one with the reason.")
                    % {"n": absent, "m": named_absent}
                ]
            }
        )
    return {"present": present, "absent": absent, "entries": [e.as_content() for e in entries]}


def entries_of(content: Mapping[str, Any]) -> list[Entry]:
    """The entries of content that morning_check_content has already checked."""
    return [_entry(raw, row) for row, raw in enumerate(content.get("entries") or [], start=1)]


def checkin_content(content: Mapping[str, Any]) -> dict[str, Any]:
    """A 健康打卡: the temperature (optional) and any symptoms; nothing else is asked of a phone."""
    measured = temperature(content.get("temperature"), "temperature")
    raw = content.get("symptoms") or []
    if not isinstance(raw, list | tuple) or any(str(s) not in Symptom.values for s in raw):
        raise ValidationError({"symptoms": [_("Unknown symptom.")]})
    symptoms = list(dict.fromkeys(str(s) for s in raw))
    clean: dict[str, Any] = {}
    if measured is not None:
        clean["temperature"] = str(measured)
    if symptoms:
        clean["symptoms"] = symptoms
    return clean
