"""Who hears of a pending record (people.pending), in their notification list (the bell).

A registration pending on a record on file tells the home jurisdiction's staff, who confirm or
return it; their answer tells the registrants. Each message has a key naming the record, the
step and the version, so that it reaches each person once. Called from the services that make
each step (services.py and pending.py), inside their transactions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, acting_user
from lianfang.core.accounts.models import User
from lianfang.core.notices.services import notify
from lianfang.core.regions.models import Region, Role
from lianfang.core.regions.selectors import staff_serving

if TYPE_CHECKING:
    from .models import Person


def confirming_regions(on_file: Person) -> list[Region]:
    """The home jurisdiction of a record on file: where the person lives, or, for a record
    without a home region, the regions that registered it."""
    if on_file.home_region is not None:
        return [on_file.home_region]
    return [link.region for link in on_file.links.select_related("region") if link.region is not None]


def announce_pending(pending: Person) -> int:
    """Tell the staff of the home jurisdiction that a registration waits for them."""
    from .selectors import pending_for_confirmation

    on_file = pending.on_file
    assert on_file is not None
    candidates: dict[int, User] = {}
    for region in confirming_regions(on_file):
        for user in staff_serving(roles=[Role.SUBDISTRICT_STAFF], covering=region):
            candidates[user.pk] = user
    # Only those who will find it to confirm (a minor's only the staff who see minors); the
    # commander, who may confirm any, when nobody in the jurisdiction can.
    users = [u for u in candidates.values() if pending_for_confirmation(u).filter(pk=pending.pk).exists()]
    if not users:
        users = list(staff_serving(roles=[Role.COMMANDER]))
    title = _("A registration waits for your confirmation: %(name)s") % {"name": pending.name}
    body = _("The document number %(number)s was registered elsewhere; it is on file in your jurisdiction.") % {
        "number": pending.document_masked
    }
    key = f"person:{pending.pk}:pending:{pending.version}"
    return notify(users=users, title=title, body=body, link=reverse("people:pending"), key=key)


def announce_confirmed(pending: Person, on_file: Person, *, registrants: list[int]) -> int:
    """Tell the registrants that their registration joined the record on file."""
    title = _("Your registration of %(name)s was confirmed") % {"name": pending.name}
    body = _("The home jurisdiction joined it to the person's record.")
    key = f"person:{pending.pk}:confirmed"
    return notify(users=registrants, title=title, body=body, link=reverse("people:detail", args=[on_file.pk]), key=key)


def announce_returned(pending: Person, *, actor: Actor) -> int:
    """Tell the registrants that the home jurisdiction returned their registration, and why."""
    title = _("Your registration of %(name)s was returned") % {"name": pending.name}
    body = _("Check the document number. The reason given: %(reason)s") % {"reason": pending.pending_note}
    key = f"person:{pending.pk}:returned:{pending.version}"
    link = reverse("people:detail", args=[pending.pk])
    return notify(users=registrants_of(pending, actor), title=title, body=body, link=link, key=key)


def registrants_of(pending: Person, actor: Actor) -> list[int]:
    """The accounts that registered a pending record, but the actor (read before it is joined)."""
    me = acting_user(actor)
    ids = {link.created_by_id for link in pending.links.all() if link.created_by_id is not None}
    return sorted(ids - {me.pk if me is not None else None})
