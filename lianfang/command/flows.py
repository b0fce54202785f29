"""The bulletin's flow on core/flows: 草稿 → 待签发 → 已签发, with 退回 to the draft (a reason).

Editors draft, edit and submit; the signature (签发) is a second person's: an editor who has
neither drafted, edited nor submitted the issue (permissions.may_sign). Numbers typed by hand are
flagged at signing, and the signer confirms them having checked them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import Actor, acting_user
from lianfang.core.flows.engine import Flow, Move, Refusal, Transition, register_flow

from .permissions import bulletin_sides
from .states import BulletinState
from .text import hand_numbers


def _sides(record: Any, actor: Actor) -> list[str]:
    return bulletin_sides(record, actor)


def numbers_typed_by_hand(bulletin: Any) -> list[str]:
    texts = [bulletin.title, bulletin.editor_note, *[s.headline for s in bulletin.sections.all()]]
    texts += [s.text for s in bulletin.sections.all()]
    return [n for text in texts for n in hand_numbers(text)]


def _hand_numbers_confirmed(move: Move) -> Refusal:
    if numbers_typed_by_hand(move.record) and not move.inputs.get("confirm_hand_numbers"):
        return {
            "confirm_hand_numbers": [
                str(_("The text has numbers typed by hand, not bound to figures: check each one and confirm."))
            ]
        }
    return None


def _entered(move: Move) -> None:
    user = acting_user(move.actor)
    if user is not None:
        move.record.edited_by.add(user)


def _published(move: Move) -> None:
    record = move.record
    record.signed_by = acting_user(move.actor)
    record.published_at = timezone.now()
    record.hand_numbers = numbers_typed_by_hand(record)


def _side_refusal(move: Move, on: frozenset[str]) -> str | None:
    if move.transition.by == "signer" and "editor" in on:
        return str(_("An issue is signed by a second person: one who has not drafted, edited or submitted it."))
    return None


BULLETIN_FLOW = register_flow(
    Flow(
        key="command.bulletin",
        states=tuple(BulletinState),
        transitions=(
            Transition(
                "submit",
                _("Submit for signature"),
                (BulletinState.DRAFT,),
                BulletinState.SUBMITTED,
                "editor",
                effects=(_entered,),
            ),
            Transition(
                "return",
                _("Return to the draft"),
                (BulletinState.SUBMITTED,),
                BulletinState.DRAFT,
                "editor",
                needs_reason=True,
            ),
            Transition(
                "sign",
                _("Sign and publish (签发)"),
                (BulletinState.SUBMITTED,),
                BulletinState.PUBLISHED,
                "signer",
                guards=(_hand_numbers_confirmed,),
                effects=(_published,),
            ),
        ),
        sides=("editor", "signer"),
        sides_of=_sides,
        verb_prefix="bulletin",
        closed_states=(BulletinState.PUBLISHED,),
        snapshot_fields=("state", "signed_by", "published_at", "hand_numbers"),
        side_refusal=_side_refusal,
        noun=_("bulletin issue"),
    )
)
