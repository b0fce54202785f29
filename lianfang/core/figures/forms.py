"""Parsing a period and a region from a query string, shared by the API, the pages and the command."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianfang.core.api.params import FIRST_YEAR, LAST_YEAR
from lianfang.core.regions.models import Region

from .registry import Period


@dataclass(frozen=True)
class PeriodPreset:
    """A period the page offers with one tap (今日, 本周, 近14天, 本月), ending today."""

    key: str
    label: Promise
    period: Period


def period_presets(today: dt.date) -> list[PeriodPreset]:
    """The presets for `today` (a day in Asia/Shanghai): each ends today, so none lies in the future."""
    monday = today - dt.timedelta(days=today.weekday())
    return [
        PeriodPreset("today", pgettext_lazy("period", "Today"), Period.day(today)),
        PeriodPreset("week", pgettext_lazy("period", "This week"), Period(monday, today)),
        PeriodPreset("14days", pgettext_lazy("period", "Last 14 days"), Period(today - dt.timedelta(days=13), today)),
        PeriodPreset("month", pgettext_lazy("period", "This month"), Period(today.replace(day=1), today)),
    ]


class PeriodRegionForm(forms.Form):
    # "from" is a Python keyword, so the field is named start and read from the "from" parameter.
    start = forms.DateField(label=_("from"), required=False)
    end = forms.DateField(label=_("to"), required=False)
    region = forms.CharField(label=_("region"), required=False, max_length=12)
    key = forms.CharField(label=_("figure"), required=False, max_length=100)

    def __init__(self, data: Any, *, default_region: Region | None) -> None:
        query = {
            "start": data.get("from", ""),
            "end": data.get("to", ""),
            "region": data.get("region", ""),
            "key": data.get("key", ""),
        }
        super().__init__(query)
        self.default_region = default_region

    def clean_region(self) -> Region | None:
        code = self.cleaned_data.get("region") or ""
        if not code:
            return self.default_region
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("No region has the code %(code)s.") % {"code": code[:12]})
        return region

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        start, end = data.get("start") or None, data.get("end") or None
        for name, day in (("start", start), ("end", end)):
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                message = _("The date must be between the years %(first)s and %(last)s.")
                self.add_error(name, message % {"first": FIRST_YEAR, "last": LAST_YEAR})
        if self.errors:
            return data
        start = start or end or today
        end = end or start
        if end < start:
            self.add_error("end", _("The end date comes before the start date."))
        elif (end - start).days > 366 * 3:
            self.add_error("end", _("A period may span at most three years."))
        data["start"], data["end"] = start, end
        if data.get("region") is None and "region" not in self.errors:
            self.add_error("region", _("You answer for no region; ask an administrator for a membership."))
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    def presets(self) -> list[PeriodPreset]:
        """The presets for today in Asia/Shanghai (the page marks the one equal to the period)."""
        return period_presets(timezone.localdate())

    def error_fields(self) -> dict[str, list[str]]:
        names = {"start": "from", "end": "to"}
        return {names.get(k, k): [str(m) for m in v] for k, v in self.errors.items()}
