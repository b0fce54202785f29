"""The case list's filters, read from a query string the same way by the API and the pages
(each refusal names its field: a 400 in the API, a message on the page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from lianfang.core.api.params import choice, flag, number, region_prefix

from .kinds import all_kinds
from .selectors import CaseFilters
from .states import State

STATES = frozenset(State.values)  # State.values builds a new list on every read
UNKNOWN_STATE = gettext_lazy("Unknown state: %(value)s")
UNKNOWN_KIND = gettext_lazy("Unknown kind of case: %(value)s")


def case_filters(params: Mapping[str, Any]) -> CaseFilters:
    return CaseFilters(
        state=choice(params, "state", STATES, unknown=UNKNOWN_STATE),
        kind=choice(params, "kind", {k.key for k in all_kinds()}, unknown=UNKNOWN_KIND),
        region_prefix=region_prefix(params),  # before the ids: the first bad one answers, as before
        owner_department=number(params, "owner_department"),
        overdue=flag(params, "overdue"),
        closed=flag(params, "closed"),
        unit=number(params, "unit"),
        person=number(params, "person"),
        q=str(params.get("q", ""))[:100],
    )
