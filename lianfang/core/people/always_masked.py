"""People whose numbers no export shows in full, whoever asks (students: issue 14).

A practice registers which people it protects, as a condition on Person; a revealed ledger
export (core.ledgers) writes their numbers masked all the same. A revealed export does not
import back those rows: their numbers are masked.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

_CONDITIONS: list[Callable[[], Q]] = []


def register_always_masked(condition: Callable[[], Q]) -> None:
    """Declare, in an app's ready(), the people (a condition on Person) never exported unmasked."""
    if condition not in _CONDITIONS:
        _CONDITIONS.append(condition)


def always_masked() -> Q | None:
    """The condition on Person of everyone protected, or None when no practice protects anyone."""
    combined: Q | None = None
    for condition in _CONDITIONS:
        combined = condition() if combined is None else combined | condition()
    return combined
