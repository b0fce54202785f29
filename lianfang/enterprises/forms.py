"""Forms of the three interactions' pages; they parse, the services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.models import User
from lianfang.core.regions.models import Region
from lianfang.core.units.models import Unit

from .models import InstructorAssignment, ProblemCategory


class _Resendable(forms.Form):
    # Made when the form is shown: a second tap, or a resend after a lost answer, is the same submission.
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())


class ProblemForm(_Resendable):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("enterprise"), queryset=Unit.objects.none())
    category = forms.ChoiceField(label=_("category"), choices=ProblemCategory.choices)
    title = forms.CharField(label=_("title"), max_length=100, required=False)
    # Description and confirmation are required, and marked so on the page, but the service refuses
    # them when empty (problem_report): one check, with the same words on the page and in the API.
    description = forms.CharField(
        label=_("description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea,
        help_text=_("What the enterprise needs, how many or how much, by when."),
    )
    confirmed = forms.BooleanField(label=_("I confirm that this report is accurate."), required=False)
    marked_required = ("unit", "category", "description", "confirmed")

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


def _number(**attrs: str) -> forms.TextInput:
    # Text, not type=number: the service reads "1,200" and says what is wrong in words; the phone
    # still shows its numeric keypad.
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", **attrs})


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(label=_("outcome of the case"), max_length=5000, widget=forms.Textarea)
    workers_placed = forms.CharField(label=_("workers placed"), max_length=10, required=False, widget=_number())
    subsidy_amount = forms.CharField(
        label=_("subsidy applied for (yuan)"), max_length=20, required=False, widget=_number()
    )
    loan_amount = forms.CharField(label=_("loan coordinated (yuan)"), max_length=20, required=False, widget=_number())
    materials_supplied = forms.CharField(label=_("materials supplied"), max_length=200, required=False)


class OfferForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("enterprise"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("resource"), max_length=100)
    description = forms.CharField(label=_("description"), max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class DispatchForm(_Resendable):
    title = forms.CharField(label=_("what is asked for"), max_length=100, required=False)
    description = forms.CharField(label=_("description"), max_length=2000, required=False, widget=forms.Textarea)
    deadline = forms.DateField(label=_("deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AssignForm(forms.Form):
    instructor_document = forms.CharField(
        label=_("instructor's document number"),
        max_length=32,
        help_text=_("The instructor must already be registered in the people registry."),
    )
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("enterprise"), queryset=Unit.objects.none())
    starts_on = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.initial.setdefault("starts_on", timezone.localdate())


class VisitForm(_Resendable):
    assignment: forms.ModelChoiceField[InstructorAssignment] = forms.ModelChoiceField(
        label=_("instructor and enterprise"), queryset=InstructorAssignment.objects.none()
    )
    visited_on = forms.DateField(label=_("visited on"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("what was checked and advised"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, assignments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments  # type: ignore[attr-defined]
        self.initial.setdefault("visited_on", timezone.localdate())


class TaskForceForm(forms.Form):
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(
        label=_("subdistrict or town"), queryset=Region.objects.none()
    )
    name = forms.CharField(
        label=_("name"),
        max_length=100,
        required=False,
        help_text=_("Leave it empty for the usual name: the subdistrict's name followed by “enterprise task force”."),
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(label=_("member"), queryset=User.objects.none())
    duty = forms.CharField(label=_("duty"), max_length=40, required=False, help_text=_("e.g. team leader or liaison"))

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class CoverForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("enterprise"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
