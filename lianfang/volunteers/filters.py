"""The volunteers' list filters (volunteers, tasks, shifts), read from a query string the same way
by the API and the pages (each refusal names its field: a 400 in the API, a message on a page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lianfang.core.api.params import choice, day, flag, number, region_prefix

from .models import Availability, TaskKind
from .selectors import ShiftFilters, TaskFilters, VolunteerFilters
from .states import TaskState


def _text(params: Mapping[str, Any], name: str, limit: int) -> str:
    return str(params.get(name, ""))[:limit]


def volunteer_filters(params: Mapping[str, Any]) -> VolunteerFilters:
    return VolunteerFilters(
        q=_text(params, "q", 64),
        organisation=_text(params, "organisation", 40),
        region_prefix=region_prefix(params),
        active=flag(params, "active"),
        availability=choice(params, "availability", Availability.values),
    )


def task_filters(params: Mapping[str, Any]) -> TaskFilters:
    return TaskFilters(
        kind=choice(params, "kind", TaskKind.values),
        state=choice(params, "state", TaskState.values),
        region_prefix=region_prefix(params),
        start=day(params, "from"),
        end=day(params, "to"),
        q=_text(params, "q", 100),
    )


def shift_filters(params: Mapping[str, Any]) -> ShiftFilters:
    return ShiftFilters(
        kind=choice(params, "kind", TaskKind.values),
        region_prefix=region_prefix(params),
        organisation=_text(params, "organisation", 40),
        start=day(params, "from"),
        end=day(params, "to"),
        task=number(params, "task"),
        volunteer=number(params, "volunteer"),
    )
