from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.files.forms import EvidenceFilesField
from lianfang.core.regions.models import Region
from lianfang.core.units.models import Unit, UnitKind

from .models import TargetKind


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region.name}）"


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    body = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    target_kind = forms.ChoiceField(
        label=_("sent to"), choices=TargetKind.choices, widget=forms.RadioSelect, initial=TargetKind.KIND_IN_REGION
    )
    target_unit_kind = forms.ChoiceField(
        label=_("kind of organisation"), choices=[("", "—"), *UnitKind.choices], required=False
    )
    target_region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none(), required=False)
    target_units = UnitChoiceField(label=_("organisations"), queryset=Unit.objects.none(), required=False)
    attachments = EvidenceFilesField(
        label=_("attachments"),
        help_text=_("Photos (JPEG, PNG, WebP), PDF, Word (.docx) or Excel (.xlsx); at most 10 files."),
    )

    def __init__(self, *args: Any, regions: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["target_units"].queryset = units  # type: ignore[attr-defined]
