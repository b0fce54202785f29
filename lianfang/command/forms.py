"""The bulletin's forms: a new draft's period, the office's edits, a return's reason, a signature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Bulletin

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class DraftForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    issued_on = forms.DateField(label=_("Date of issue"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["issued_on"].initial = today
        self.fields["end"].initial = today
        self.fields["start"].initial = today - dt.timedelta(days=13)


class EditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    issued_on = forms.DateField(label=_("Date of issue"), widget=DATE)
    editor_note = forms.CharField(
        label=_("Editor's note (编者按)"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )

    def __init__(self, *args: Any, bulletin: Bulletin, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bulletin = bulletin
        self.section_rows = list(bulletin.sections.all())
        for s in self.section_rows:
            self.fields[f"section-{s.pk}-headline"] = forms.CharField(
                label=_("Headline"),
                max_length=200,
                required=False,
                initial=s.headline,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"section-{s.pk}-text"] = forms.CharField(
                label=_("Text"),
                required=False,
                initial=s.text,
                strip=False,
                widget=forms.Textarea(attrs={"class": "form-control bulletin-text", "rows": 8}),
            )
            self.fields[f"section-{s.pk}-remove"] = forms.BooleanField(label=_("Remove this section"), required=False)

    def sections(self) -> list[tuple[Any, Any, Any, Any]]:
        """Each section with its bound fields (headline, text, remove), for the template."""
        return [
            (s, self[f"section-{s.pk}-headline"], self[f"section-{s.pk}-text"], self[f"section-{s.pk}-remove"])
            for s in self.section_rows
        ]

    def section_edits(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            s.pk: {
                "headline": data.get(f"section-{s.pk}-headline"),
                "text": data.get(f"section-{s.pk}-text"),
                "remove": data.get(f"section-{s.pk}-remove"),
            }
            for s in self.section_rows
        }


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Why it goes back"), max_length=500, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm_hand_numbers = forms.BooleanField(label=_("I have checked each number typed by hand."), required=False)
