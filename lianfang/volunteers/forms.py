"""Forms of the volunteer pages. They only parse; the services validate and decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.models import User
from lianfang.core.people.identity import DocumentType
from lianfang.core.regions.models import Region
from lianfang.core.units.models import Unit

from .models import Availability, TaskKind, Volunteer

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=64)
    document_type = forms.ChoiceField(
        label=_("document type"), choices=DocumentType.choices, initial=DocumentType.RESIDENT_ID
    )
    document_number = forms.CharField(label=_("document number"), max_length=32)
    phone = forms.CharField(label=_("mobile"), max_length=32)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For an enterprise volunteer; leave empty for a community volunteer."),
    )
    community: forms.ModelChoiceField[Region] = forms.ModelChoiceField(
        label=_("community"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("For a community volunteer."),
    )
    skills = forms.CharField(label=_("skills"), max_length=200, required=False)
    availability = forms.ChoiceField(label=_("availability"), choices=Availability.choices)

    def __init__(self, *args: Any, units: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class VolunteerEditForm(forms.Form):
    skills = forms.CharField(label=_("skills"), max_length=200, required=False)
    availability = forms.ChoiceField(label=_("availability"), choices=Availability.choices)
    is_active = forms.TypedChoiceField(
        label=_("serving now"),
        choices=[("1", _("yes")), ("0", _("no"))],
        coerce=lambda v: v == "1",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=TaskKind.choices)
    title = forms.CharField(label=_("title"), max_length=100)
    place = forms.CharField(label=_("place"), max_length=200)
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    starts_at = forms.DateTimeField(
        label=_("starts at"),
        input_formats=MOMENT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("ends at"),
        input_formats=MOMENT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    people_needed = forms.IntegerField(label=_("people needed"), min_value=1, max_value=500, initial=1)
    organiser: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("organiser"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Who checks the volunteers in and out; you, if left empty."),
    )
    invited_units = forms.ModelMultipleChoiceField(
        label=_("enterprises invited"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Their contacts see the task and may sign their volunteers up."),
    )
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, regions: Any, organisers: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["invited_units"].queryset = units  # type: ignore[attr-defined]


class DispatchForm(forms.Form):
    volunteers = forms.ModelMultipleChoiceField(queryset=Volunteer.objects.none(), required=False)

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = volunteers  # type: ignore[attr-defined]


class SignUpForm(forms.Form):
    volunteer: forms.ModelChoiceField[Volunteer] = forms.ModelChoiceField(
        label=_("volunteer"), queryset=Volunteer.objects.none()
    )
    # Made when the form is shown: a double tap or a resend signs the volunteer up once.
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())


class CheckForm(forms.Form):
    client_id = forms.UUIDField(required=False)


class HoursForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    hours = forms.DecimalField(label=_("hours"), max_digits=4, decimal_places=1, min_value=0, max_value=24)
    reason = forms.CharField(label=_("reason"), max_length=500)


class TransitionForm(forms.Form):
    name = forms.ChoiceField(choices=[("finish", "finish"), ("cancel", "cancel")])
    version = forms.IntegerField()
    reason = forms.CharField(max_length=500, required=False)
