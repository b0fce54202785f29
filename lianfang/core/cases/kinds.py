"""Kinds of case: each names its flow (workflow.py) and what closing it needs. A practice adds a
kind here with `register_kind`, not a copy of the engine.

The kinds every practice shares are declared below; their keys are stored on each case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianfang.core.flows.engine import Flow, get_flow
from lianfang.core.regions.models import Role

# The flows a kind may follow (declared in workflow.py): closed by a check by someone else, or
# closed by the owner's word.
VERIFIED = "case.verified"
UNVERIFIED = "case.unverified"
# Closed by a later record of the practice (a passing acceptance inspection, a review's decision),
# never by hand: the owner works and marks it done; the record that proves it closes it.
SETTLED = "case.settled"


@dataclass(frozen=True)
class CaseKind:
    key: str
    label: Promise | str
    flow_key: str = VERIFIED
    # Closing needs at least one photo or file on the case.
    needs_evidence: bool = False
    # The verifier must be someone other than the person who marked the work done.
    independent_verifier: bool = True
    # Days from report to deadline when the reporter gives none (None: no deadline).
    default_days: int | None = 7
    # The owner is reminded this many days before the deadline (and again on the day).
    remind_days_before: int = 1

    @property
    def flow(self) -> Flow:
        return get_flow(self.flow_key)

    @property
    def closed_state(self) -> str:
        return self.flow.closed_states[0]

    @property
    def verified(self) -> bool:
        return self.flow_key == VERIFIED


class UnknownKind(KeyError):
    pass


_KINDS: dict[str, CaseKind] = {}


def register_kind(kind: CaseKind) -> CaseKind:
    if len(kind.key) > 32:
        raise ValueError(f"case kind key {kind.key!r} is longer than 32 characters")
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"case kind {kind.key!r} is already registered differently")
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> CaseKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise UnknownKind(key) from None


def all_kinds() -> list[CaseKind]:
    return list(_KINDS.values())


def kind_choices() -> list[tuple[str, str]]:
    return [(k.key, str(k.label)) for k in _KINDS.values()]


@dataclass(frozen=True)
class OutcomeField:
    """One figure of a case's outcome as its page shows it (workers placed: 20 persons)."""

    label: Promise | str
    value: str
    unit: Promise | str = ""


@dataclass(frozen=True)
class Outcome:
    """What a practice recorded about a case's outcome, and the keys of the figures
    (core.figures) the case counts toward once it is closed."""

    fields: tuple[OutcomeField, ...] = ()
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Closing:
    """A practice's own way of closing cases of a kind: the page where the outcome's figures are
    entered (subsidies, workers placed …), what must be filled in before 办结 is allowed, and
    what the case's page shows of the outcome (None: nothing recorded yet)."""

    url: Callable[[Any], str]
    missing: Callable[[Any], dict[str, list[str]]]
    outcome: Callable[[Any], Outcome | None] | None = None


_CLOSINGS: dict[str, Closing] = {}


def register_closing(kind_key: str, closing: Closing) -> Closing:
    get_kind(kind_key)  # the kind must exist
    _CLOSINGS[kind_key] = closing
    return closing


def closing_for(kind_key: str) -> Closing | None:
    return _CLOSINGS.get(kind_key)


PROBLEM = register_kind(CaseKind("problem", _("Enterprise problem")))
RESOURCE_REQUEST = register_kind(
    CaseKind("resource_request", _("Resource request"), UNVERIFIED, independent_verifier=False, default_days=3)
)
RECTIFICATION = register_kind(CaseKind("rectification", _("Rectification order"), needs_evidence=True))
FINDING = register_kind(CaseKind("finding", _("Supervision finding"), needs_evidence=True))
NEED = register_kind(CaseKind("need", _("Resident's need"), default_days=3))


# The kind a role's report form starts with: a field worker reports residents' needs, not
# enterprises' problems. Other roles start with the first kind. A practice may add its own role.
_ROLE_KINDS: dict[str, str] = {}


def register_role_kind(role: str, kind_key: str) -> None:
    get_kind(kind_key)  # the kind must exist
    _ROLE_KINDS[role] = kind_key


def default_kind_for(roles: Iterable[str]) -> str | None:
    """The kind a user's report form starts with, from their roles (None: the first kind)."""
    found = {_ROLE_KINDS[r] for r in roles if r in _ROLE_KINDS}
    return found.pop() if len(found) == 1 else None


register_role_kind(Role.FIELD_WORKER, NEED.key)
