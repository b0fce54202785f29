from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DayKind, EpidemicLevel


class DateInput(forms.DateInput):
    input_type = "date"


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("kind"), choices=DayKind.choices)
    name = forms.CharField(label=_("name"), max_length=32, help_text=_("For example 春节 or 春节调休."))


class SchoolTermForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=64, help_text=_("For example 2021—2022学年第二学期."))
    starts_on = forms.DateField(label=_("first day"), widget=DateInput)
    ends_on = forms.DateField(label=_("last day"), widget=DateInput)


class EpidemicDeclareForm(forms.Form):
    starts_on = forms.DateField(label=_("first day"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("last day"), widget=DateInput, required=False, help_text=_("Leave empty while it lasts.")
    )
    level = forms.ChoiceField(label=_("response level"), choices=EpidemicLevel.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
