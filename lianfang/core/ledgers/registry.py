"""The ledgers there are, each under its kind: the registries' own (people, units, users, regions,
departments, registered below) and those a practice declares from its AppConfig.ready(), so that
core never imports a practice:

    register_ledger("households", LEDGER, label=_("Households"), offered_to=may_import)

A registered ledger is on the upload page for those it is offered to (with its blank template),
goes through the preview and confirmation, the error report and `lianfang import`; one with
`export_rows` is exported by `lianfang export` and, unless `page_export` is off, by the pages'
export links. Who may import or export it is still the ledger's to decide (check_permission,
export_rows): the offer only decides what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.permissions import is_registry_admin

from . import departments, people, regions, units, users
from .importing import ExportLedger, Ledger


def signed_in(user: Any) -> bool:
    """The default offer: anyone signed in (the ledger itself refuses those who may not import)."""
    return bool(getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class RegisteredLedger:
    kind: str
    ledger: Ledger
    # What the upload page calls it (its list of ledgers and of blank templates).
    label: Promise | str
    # Whom the upload page offers it to, and its template and export links.
    offered_to: Callable[[Any], bool]
    # Whether the pages' export links serve it (a ledger with export_rows is always exported by the console).
    page_export: bool

    @property
    def exportable(self) -> bool:
        return callable(getattr(self.ledger, "export_rows", None))

    @property
    def export(self) -> ExportLedger:
        assert self.exportable, self.kind
        return self.ledger  # type: ignore[return-value]


_LEDGERS: dict[str, RegisteredLedger] = {}


def register_ledger(
    kind: str,
    ledger: Ledger,
    *,
    label: Promise | str,
    offered_to: Callable[[Any], bool] = signed_in,
    page_export: bool = True,
) -> Ledger:
    """Declare a ledger under `kind` (its `kind` attribute must agree). Declaring it again the same
    way is harmless; anything else under a kind taken is an error."""
    if getattr(ledger, "kind", kind) != kind:
        raise ValueError(f"ledger {ledger!r} is of kind {ledger.kind!r}, not {kind!r}")
    if not kind.isidentifier():
        raise ValueError(f"ledger kind {kind!r}: letters, digits and underscores only (it is part of URLs)")
    entry = RegisteredLedger(kind, ledger, label, offered_to, page_export)
    known = _LEDGERS.get(kind)
    if known is not None and known != entry:
        raise ValueError(f"a ledger of kind {kind!r} is registered already")
    _LEDGERS[kind] = entry
    return ledger


def unregister_ledger(kind: str) -> None:
    """For tests that declare a ledger of their own."""
    _LEDGERS.pop(kind, None)


def registered_ledger(kind: str) -> RegisteredLedger | None:
    return _LEDGERS.get(kind)


def ledger_kinds() -> tuple[str, ...]:
    """Every kind that imports, in the order they were registered (the upload page's order)."""
    return tuple(_LEDGERS)


def export_kinds() -> tuple[str, ...]:
    """Every kind that exports."""
    return tuple(kind for kind, entry in _LEDGERS.items() if entry.exportable)


def offered_ledgers(user: Any) -> list[RegisteredLedger]:
    """The ledgers the upload page offers this user, in order."""
    return [entry for entry in _LEDGERS.values() if entry.offered_to(user)]


# The registries' own: staff bring people and organisations in and out; only the system
# administrator the accounts, regions and departments (which the pages do not export).
register_ledger("people", people.LEDGER, label=_("People"))
register_ledger("units", units.LEDGER, label=_("Organisations"))
register_ledger("users", users.LEDGER, label=_("Users"), offered_to=is_registry_admin)
register_ledger("regions", regions.LEDGER, label=_("Regions"), offered_to=is_registry_admin, page_export=False)
register_ledger(
    "departments", departments.LEDGER, label=_("Departments"), offered_to=is_registry_admin, page_export=False
)
