"""The schools' forms: transport only; the rules are the services' (checks.py for a report)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .checks import Symptom
from .models import AbsenceReason, AidKind, Attendance, CheckAction, Enrolment, Lack

BLANK: list[tuple[str, Any]] = [("", "—")]


class _ClientId(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("client_id", uuid.uuid4())


class GuardianCheckinForm(_ClientId):
    name = forms.CharField(label=_("Child's name"), max_length=64)
    id_ending = forms.CharField(
        label=_("Last 4 characters of the child's ID number"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )
    temperature = forms.CharField(
        label=_("Temperature (℃), if taken"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms today (leave empty if well)"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TeacherCheckinForm(_ClientId):
    temperature = GuardianCheckinForm.base_fields["temperature"]
    symptoms = GuardianCheckinForm.base_fields["symptoms"]


class MorningCheckForm(_ClientId):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    present = forms.IntegerField(
        label=_("Present"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    absent = forms.IntegerField(
        label=_("Absent"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args: Any, headcount: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("day", timezone.localdate())
        self.initial.setdefault("present", headcount)
        self.initial.setdefault("absent", 0)


class EntryForm(forms.Form):
    """One absent or unwell student; a row without a student is left out."""

    student = forms.ChoiceField(label=_("Student"), required=False)
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices, required=False)
    reason = forms.ChoiceField(label=_("Reason for the absence"), choices=BLANK + AbsenceReason.choices, required=False)
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), choices=Symptom.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_symptom = forms.CharField(label=_("Other symptom"), required=False, max_length=50)
    temperature = forms.CharField(
        label=_("Temperature (℃)"), required=False, max_length=8, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    retest = forms.CharField(
        label=_("Retest (℃)"), required=False, max_length=8, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    action = forms.ChoiceField(label=_("Action taken"), choices=BLANK + CheckAction.choices, required=False)
    suspected_covid = forms.BooleanField(label=_("Suspected COVID-19"), required=False)

    def __init__(self, *args: Any, students: list[Enrolment] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["student"]).choices = BLANK + [
            (str(e.pk), f"{e.number}号 {e.person.name}") for e in (students or [])
        ]

    def entry(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("student"):
            return None
        return {key: data.get(key) for key in self.fields}


EntryFormSet = forms.formset_factory(EntryForm, extra=1, max_num=60, validate_max=True)


class EnrolForm(forms.Form):
    rows = forms.CharField(
        label=_("Students, one per line: number, name, ID number (pasted from Excel)"),
        widget=forms.Textarea,
        max_length=100_000,
    )


class ClassForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int)
    number = forms.IntegerField(label=_("Class number"), min_value=1, max_value=99)
    head_teacher = forms.ChoiceField(label=_("Head teacher"))

    def __init__(self, *args: Any, teachers: list[Any] | None = None, **kwargs: Any) -> None:
        from .models import Grade

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["grade"]).choices = Grade.choices
        cast(forms.ChoiceField, self.fields["head_teacher"]).choices = BLANK + [
            (str(u.pk), u.full_name or u.username) for u in teachers or []
        ]


class AbsenceStepForm(forms.Form):
    note = forms.CharField(label=_("Follow-up"), required=False, widget=forms.Textarea, max_length=2000)
    diagnosis = forms.CharField(label=_("Diagnosis or outcome"), required=False, max_length=100)
    infectious = forms.BooleanField(label=_("An infectious disease"), required=False)
    returned_on = forms.DateField(
        label=_("Back at school on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CertificateForm(forms.Form):
    certificate = forms.FileField(label=_("Return certificate (复课证明)"))


class GapForm(forms.Form):
    enrolment = forms.ChoiceField(label=_("Student"))
    lack = forms.ChoiceField(label=_("What is lacking"), choices=Lack.choices)
    recorded_on = forms.DateField(label=_("Recorded on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, students: list[Enrolment] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["enrolment"]).choices = BLANK + [
            (str(e.pk), f"{e.number}号 {e.person.name}") for e in (students or [])
        ]
        self.initial.setdefault("recorded_on", timezone.localdate())


class AidForm(forms.Form):
    kind = forms.ChoiceField(label=_("Aid"), choices=AidKind.choices)
    given_on = forms.DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("given_on", timezone.localdate())


class HomeVisitForm(_ClientId):
    enrolment = forms.ChoiceField(label=_("Student"))
    visited_on = forms.DateField(label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}))
    family = forms.CharField(label=_("Family's situation"), widget=forms.Textarea, max_length=5000)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea, max_length=5000)
    measures = forms.CharField(label=_("Measures"), widget=forms.Textarea, required=False, max_length=5000)

    def __init__(self, *args: Any, students: list[Enrolment] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["enrolment"]).choices = BLANK + [
            (str(e.pk), f"{e.number}号 {e.person.name}") for e in (students or [])
        ]
        self.initial.setdefault("visited_on", timezone.localdate())


class LessonForm(forms.Form):
    teacher = forms.ChoiceField(label=_("Teacher"))
    subject = forms.CharField(label=_("Subject"), max_length=20)
    observed_on = forms.DateField(label=_("Observed on"), widget=forms.DateInput(attrs={"type": "date"}))
    score = forms.IntegerField(
        label=_("Total score"), min_value=0, max_value=100, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    suggestions = forms.CharField(label=_("Suggestions"), widget=forms.Textarea, required=False, max_length=5000)
    sheet = forms.FileField(label=_("Scored sheet"))

    def __init__(self, *args: Any, teachers: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["teacher"]).choices = BLANK + [
            (str(u.pk), u.full_name or u.username) for u in teachers or []
        ]
        self.initial.setdefault("observed_on", timezone.localdate())
