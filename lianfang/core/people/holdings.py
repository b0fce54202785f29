"""What each practice holds about a person or an organisation, for their registry pages.

A practice registers a function that, given the record and the viewer, returns what it holds
about it *within the viewer's scope* (a label, a count and a link). The registry page lists them;
it never reaches into a practice itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Holding:
    practice: str
    label: str
    count: int
    url: str = ""


HoldingsOf = Callable[[Any, Any], list[Holding]]  # (record, viewer) -> holdings
_PERSON: list[HoldingsOf] = []
_UNIT: list[HoldingsOf] = []


def register_person_holdings(fn: HoldingsOf) -> HoldingsOf:
    _PERSON.append(fn)
    return fn


def register_unit_holdings(fn: HoldingsOf) -> HoldingsOf:
    _UNIT.append(fn)
    return fn


def person_holdings(person: Any, viewer: Any) -> list[Holding]:
    return [h for fn in _PERSON for h in fn(person, viewer) if h.count]


def unit_holdings(unit: Any, viewer: Any) -> list[Holding]:
    return [h for fn in _UNIT for h in fn(unit, viewer) if h.count]
