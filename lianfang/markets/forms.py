"""The markets' forms: a round's members, an inspection on a phone, the notice's service, a
review's request and decision, a shop's closed days (歇业), a team and an inspector, and the
checklist's items. The services check everything; these only read what was sent."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Decision, Service, Team
from .states import SEVERITY, Kind

BLANK = [("", "—")]


class RoundForm(forms.Form):
    members = forms.MultipleChoiceField(label=_("Inspectors present"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, inspectors: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["members"]).choices = [
            (str(i.user_id), str(i)) for i in inspectors or []
        ]


class InspectionForm(forms.Form):
    """The items' answers come as item-<id> (pass/fail), note-<id> and photo-<id>: read by the view."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind of inspection"), choices=Kind.choices)
    inspectors = forms.MultipleChoiceField(
        label=_("Inspectors with you"), widget=forms.CheckboxSelectMultiple, required=False
    )
    outcome = forms.ChoiceField(
        label=_("Stricter outcome (optional)"),
        choices=BLANK + [(o.value, o.label) for o in SEVERITY[1:]],
        required=False,
        help_text=_("Only stricter than the answers give, with the reason."),
    )
    stricter_reason = forms.CharField(label=_("Reason for the stricter outcome"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    def __init__(self, *args: Any, kinds: list[str], partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("client_id", uuid.uuid4())
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k, Kind(k).label) for k in kinds]
        cast(forms.MultipleChoiceField, self.fields["inspectors"]).choices = [
            (str(u.pk), u.full_name or u.username) for u in partners
        ]


class ServeForm(forms.Form):
    served = forms.ChoiceField(label=_("Service (送达)"), choices=Service.choices, widget=forms.RadioSelect)
    signature = forms.ImageField(label=_("Image of the operator's signature"), required=False)
    witness = forms.CharField(label=_("Witness of the refusal"), max_length=60, required=False)


class ReviewRequestForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Reviewing team"), queryset=Team.objects.none())
    reason = forms.CharField(label=_("The shop's grounds"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams if teams is not None else Team.objects.none()


class ReviewDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class PauseForm(forms.Form):
    starts_on = forms.DateField(label=_("Closed from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Closed until"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("starts_on", timezone.localdate())
        self.initial.setdefault("ends_on", timezone.localdate())


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team's name"), max_length=60)
    regions = forms.MultipleChoiceField(
        label=_("Subdistricts and towns (分包镇办)"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["regions"]).choices = [(r.code, r.name) for r in regions]


class InspectorForm(forms.Form):
    username = forms.CharField(label=_("Account (user name)"), max_length=150)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all())
    badge_number = forms.CharField(label=_("Law-enforcement certificate number (执法证号)"), max_length=20)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ShopForm(forms.Form):
    operator = forms.CharField(label=_("Operator (经营者)"), max_length=60, required=False)
    team = forms.ModelChoiceField(
        label=_("Responsible team"),
        queryset=Team.objects.all(),
        required=False,
        empty_label=_("The team of its subdistrict"),
    )
