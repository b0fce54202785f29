from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.regions.models import Region

from .identity import DocumentType


class PersonForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=64)
    document_type = forms.ChoiceField(
        label=_("document type"), choices=DocumentType.choices, initial=DocumentType.RESIDENT_ID
    )
    document_number = forms.CharField(label=_("document number"), max_length=32)
    phone = forms.CharField(
        label=_("mobile"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    home_region = forms.ModelChoiceField(label=_("home region"), queryset=Region.objects.none(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_region"].queryset = regions  # type: ignore[attr-defined]


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("document", _("document number")), ("phone", _("mobile"))])
    reason = forms.CharField(label=_("reason"), max_length=200)
