"""The care practice's forms. They only read what was sent; the services check everything."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CareRoleKind, Relation
from .states import (
    Confirmer,
    NeedKind,
    PaymentMethod,
    ReliefCause,
    ReliefType,
    RiskTier,
    ServiceKind,
    TagKind,
    TagSource,
    VisitMode,
)

BLANK = [("", "—")]
NEED_ROWS = 3


def _choices(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, field).choices = choices


def member_choices(members: list[Any], *, blank: bool = True) -> list[tuple[str, str]]:
    rows = [(str(m.person_id), f"{m.person.name}（{m.get_relation_display()}）") for m in members]
    return (BLANK + rows) if blank else rows


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Address, name, or the phone's last four digits"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "search", "autocomplete": "off"}),
    )


class VisitForm(forms.Form):
    """The needs come as need-kind-N, need-person-N, need-detail-N, need-due-N and need-risk-N
    (N = 0, 1, 2), read by the view."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    mode = forms.ChoiceField(label=_("How"), choices=VisitMode.choices, initial=VisitMode.DOOR)
    reached = forms.BooleanField(label=_("Someone was reached"), required=False, initial=True)
    seen = forms.MultipleChoiceField(label=_("Who was seen"), widget=forms.CheckboxSelectMultiple, required=False)
    situation = forms.CharField(
        label=_("Situation"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    change_reported = forms.BooleanField(
        label=_("A change to follow up within 24 hours (a fall, a hospital stay …)"), required=False
    )
    new_tags = forms.MultipleChoiceField(
        label=_("Found on this visit"), choices=TagKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    tag_person = forms.ChoiceField(label=_("Whom the tags found are about"), required=False)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("client_id", uuid.uuid4())
        _choices(self.fields["seen"], member_choices(members, blank=False))
        _choices(self.fields["tag_person"], [("", _("The whole household")), *member_choices(members, blank=False)])


NEED_CHOICES = BLANK + list(NeedKind.choices)


class HouseholdForm(forms.Form):
    region = forms.ChoiceField(label=_("Community"))
    address = forms.CharField(label=_("Address"), max_length=200)
    name = forms.CharField(label=_("Head of household"), max_length=64)
    document_number = forms.CharField(label=_("Identity number"), max_length=40)
    phone = forms.CharField(
        label=_("Mobile"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["region"], [(r.code, r.name) for r in regions])


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    document_number = forms.CharField(label=_("Identity number"), max_length=40)
    phone = forms.CharField(
        label=_("Mobile"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices, initial=Relation.OTHER)


class TagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tag"), choices=TagKind.choices)
    person = forms.ChoiceField(label=_("Who"), required=False)
    source = forms.ChoiceField(label=_("Source"), choices=TagSource.choices)
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["person"], [("", _("The whole household")), *member_choices(members, blank=False)])


class RaiseForm(forms.Form):
    tier = forms.ChoiceField(
        label=_("Raise the tier to"), choices=[("", _("As the tags give")), *list(RiskTier.choices)]
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    person = forms.ChoiceField(label=_("For"))
    detail = forms.CharField(label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    due_on = forms.DateField(label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["person"], member_choices(members, blank=False))


class DispatchForm(forms.Form):
    squad = forms.ChoiceField(label=_("Volunteer squad"), required=False)
    person = forms.ChoiceField(label=_("Or a person"), required=False)

    def __init__(self, *args: Any, squads: list[Any], people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["squad"], BLANK + [(str(s.pk), s.name) for s in squads])
        _choices(self.fields["person"], BLANK + [(str(u.pk), u.full_name or u.username) for u in people])


class DeliverForm(forms.Form):
    photo = forms.ImageField(label=_("Photo of the delivery"), required=False)
    amount_advanced = forms.DecimalField(
        label=_("Money advanced (元)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    receipt = forms.ImageField(label=_("Photo of the receipt"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ConfirmForm(forms.Form):
    confirmed_as = forms.ChoiceField(
        label=_("Who confirms"), choices=Confirmer.choices, widget=forms.RadioSelect, initial=Confirmer.RESIDENT
    )
    proof = forms.ImageField(label=_("The resident's signature or a photo"))
    resident_unable = forms.CharField(label=_("Why the resident cannot confirm"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RiskForm(forms.Form):
    referral = forms.CharField(label=_("Referred to"), max_length=300)


class ReliefApplyForm(forms.Form):
    applicant = forms.ChoiceField(label=_("Applicant"))
    cause = forms.ChoiceField(label=_("Cause"), choices=ReliefCause.choices)
    relief_type = forms.ChoiceField(label=_("Type"), choices=BLANK + list(ReliefType.choices), required=False)
    local_hukou = forms.BooleanField(label=_("Local household registration (本地户籍)"), required=False, initial=True)
    story = forms.CharField(label=_("Circumstances"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    applied_on = forms.DateField(label=_("Applied on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["applicant"], member_choices(members, blank=False))


class InvestigateForm(forms.Form):
    household_size = forms.IntegerField(label=_("Household size"), min_value=1, max_value=30)
    monthly_income = forms.DecimalField(label=_("Household monthly income (元)"), min_value=0, decimal_places=2)
    assets = forms.DecimalField(label=_("Household financial assets (元)"), min_value=0, decimal_places=2)
    findings = forms.CharField(label=_("Findings of the home investigation"), widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(label=_("Amount proposed (元)"), min_value=0, decimal_places=2)
    publicity_days = forms.IntegerField(label=_("Public notice (days)"), min_value=1, max_value=60)
    publicity_starts = forms.DateField(
        label=_("Public notice from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ObjectionForm(forms.Form):
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=2000)


class ApproveForm(forms.Form):
    override = forms.CharField(label=_("Reason for approving a repeat"), max_length=300, required=False)


class PayForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (元)"), min_value=0, decimal_places=2)
    method = forms.ChoiceField(label=_("How paid"), choices=PaymentMethod.choices, widget=forms.RadioSelect)
    account = forms.CharField(
        label=_("Bank account number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    items = forms.CharField(label=_("Items given"), max_length=300, required=False)
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason for showing the full number"), max_length=200)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    region = forms.ChoiceField(label=_("Where"))
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    doors_per_task = forms.IntegerField(label=_("Doors per volunteer task"), min_value=1, max_value=200, initial=20)
    vulnerable_only = forms.BooleanField(label=_("Only households with a vulnerability tag"), required=False)

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["region"], [(r.code, r.name) for r in regions])


class DayCareForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    people = forms.MultipleChoiceField(label=_("Elders present"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, elders: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["people"], [(str(p.pk), p.name) for p in elders])


class CareRoleForm(forms.Form):
    user = forms.ChoiceField(label=_("Who"))
    kind = forms.ChoiceField(label=_("Care role"), choices=CareRoleKind.choices)
    region = forms.ChoiceField(label=_("Where"))

    def __init__(self, *args: Any, users: list[Any], regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["user"], [(str(u.pk), u.full_name or u.username) for u in users])
        _choices(self.fields["region"], [(r.code, r.name) for r in regions])
