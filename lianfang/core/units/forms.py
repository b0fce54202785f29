from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.regions.models import Region

from .models import UnitKind


class UnitForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=32, required=False)
    kinds = forms.MultipleChoiceField(label=_("kinds of organisation"), choices=UnitKind.choices)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    contact_document = forms.CharField(
        label=_("contact's document number"),
        max_length=32,
        required=False,
        help_text=_("The contact must already be registered in the people registry."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
