"""Forms of the case pages. They only parse; the services validate and decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.models import User
from lianfang.core.regions.models import Department, Region
from lianfang.core.units.models import Unit

from .kinds import kind_choices
from .models import Priority


class ReportForm(forms.Form):
    """The report page's form. Its starting values come from the reporter: the kind from their role,
    the region when they serve exactly one (views.case_report_view)."""

    kind = forms.ChoiceField(label=_("kind"), choices=())
    title = forms.CharField(label=_("title"), max_length=100)
    # A report says what is wrong and where: an empty description or region is refused, naming it.
    description = forms.CharField(label=_("description"), max_length=5000, widget=forms.Textarea)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("organisation"), queryset=Unit.objects.none(), required=False
    )
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    deadline = forms.DateField(label=_("deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.TypedChoiceField(
        label=_("priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    # Generated when the form is shown: pressing "submit" twice, or resending after a lost
    # answer, sends the same id and returns the first case instead of a second one.
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, units: Any, regions: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = kind_choices()
        self.fields["kind"].choices = [c for c in choices if kinds is None or c[0] in kinds]  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())


class TransitionForm(forms.Form):
    name = forms.CharField(max_length=32, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("reason or note"), max_length=2000, required=False, widget=forms.Textarea)
    outcome = forms.CharField(label=_("outcome of the case"), max_length=5000, required=False, widget=forms.Textarea)


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    owner_department = forms.ModelChoiceField(
        label=_("department or office"), queryset=Department.objects.order_by("kind", "code"), required=False
    )
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("person"), queryset=User.objects.none(), required=False
    )
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]


class EditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("title"), max_length=100)
    description = forms.CharField(label=_("description"), max_length=5000, required=False, widget=forms.Textarea)
    deadline = forms.DateField(label=_("deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.TypedChoiceField(label=_("priority"), choices=Priority.choices, coerce=int)


class CommentForm(forms.Form):
    note = forms.CharField(label=_("comment"), max_length=2000, widget=forms.Textarea)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("photo or file"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("assign", _("Assign")), ("remind", _("Remind"))])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())
    owner_department = forms.ModelChoiceField(queryset=Department.objects.order_by("kind", "code"), required=False)

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(i, i) for i in ids]  # type: ignore[attr-defined]
