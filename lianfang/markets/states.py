"""The markets' stored words (kinds of inspection, outcomes, flags) and the shop's flow.

A shop is open or suspended (责令停业整改). It is suspended by an inspection that orders it, and
returns to business only through a passing acceptance inspection (验收) or a review (复核) that
revokes the order: each is an automatic transition taken by the services (services.py), never asked
for by hand, so the reopening gate has one door.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.flows.engine import Flow, Transition, register_flow


class ShopState(models.TextChoices):
    OPEN = "open", _("Open for business")
    SUSPENDED = "suspended", _("Suspended for rectification (责令停业整改)")


class Kind(models.TextChoices):
    ROUTINE = "routine", _("Routine inspection")
    CLOSURE = "closure", _("Closure check")
    ACCEPTANCE = "acceptance", _("Acceptance inspection (验收)")


class Outcome(models.TextChoices):
    RED = "red", _("Red flag (红旗)")
    BLACK = "black", _("Black flag (黑旗)")
    SUSPENSION = "suspension", _("Suspension order (责令停业整改)")
    CLOSED = "closed", _("Still closed")
    TRADING = "trading", _("Found trading while suspended")
    ACCEPTED = "accepted", _("Passed acceptance")
    REJECTED = "rejected", _("Failed acceptance")


class Flag(models.TextChoices):
    RED = "red", _("Red flag (红旗)")
    BLACK = "black", _("Black flag (黑旗)")


# The outcomes of a routine inspection, mildest first: an inspector may move up, never down.
SEVERITY = (Outcome.RED, Outcome.BLACK, Outcome.SUSPENSION)
# Outcomes that give the shop a black flag (a suspension is also a black flag).
BLACK_OUTCOMES = (Outcome.BLACK, Outcome.SUSPENSION)


def _no_side(record: Any, actor: Actor) -> Iterable[str]:
    return ()  # every transition is automatic: taken by the services as the consequence of a record


SHOP_FLOW = register_flow(
    Flow(
        key="markets.shop",
        states=tuple(ShopState),
        transitions=(
            Transition(
                "suspend",
                _("Suspend for rectification"),
                (ShopState.OPEN,),
                ShopState.SUSPENDED,
                "team",
                automatic=True,
            ),
            Transition(
                "reopen", _("Reopen after acceptance"), (ShopState.SUSPENDED,), ShopState.OPEN, "team", automatic=True
            ),
            Transition(
                "revoke",
                _("Reopen: suspension revoked on review"),
                (ShopState.SUSPENDED,),
                ShopState.OPEN,
                "team",
                automatic=True,
            ),
        ),
        sides=("team",),
        sides_of=_no_side,
        verb_prefix="shop",
        snapshot_fields=("state", "flag", "flag_since"),
        noun=_("shop"),
    )
)
