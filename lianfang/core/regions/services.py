"""Writes to the jurisdiction tree, departments and memberships. Each is checked and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from lianfang.core.accounts.actors import Actor
from lianfang.core.accounts.permissions import require_registry_admin
from lianfang.core.audit.services import audited_save

from .models import Department, Membership, Region


def region_save(*, actor: Actor, region: Region) -> Region:
    """Create or correct a region (its code may be corrected: the key is a surrogate)."""
    require_registry_admin(actor, verb="region.save")
    audited_save(actor=actor, instance=region)
    return region


def department_save(*, actor: Actor, department: Department) -> Department:
    require_registry_admin(actor, verb="department.save")
    audited_save(actor=actor, instance=department)
    return department


def membership_save(*, actor: Actor, membership: Membership) -> Membership:
    """Grant or change a role over a region scope, optionally limited in time (下沉)."""
    require_registry_admin(actor, verb="membership.save")
    with transaction.atomic():
        previous = Membership.objects.filter(pk=membership.pk).values_list("user_id", flat=True).first()
        audited_save(actor=actor, instance=membership)
        _sync_staff_flag(membership.user)
        if previous is not None and previous != membership.user_id:
            _sync_staff_flag(type(membership.user).objects.get(pk=previous))
    return membership


def membership_end(*, actor: Actor, membership: Membership, on: dt.date) -> Membership:
    """End a membership on a day; the row stays, so the history of who served when is kept."""
    membership.valid_until = on
    if membership.valid_from and membership.valid_from > on:
        membership.valid_from = on
    return membership_save(actor=actor, membership=membership)


def _sync_staff_flag(user: Any) -> None:
    # Only system administrators reach the admin site; the flag follows their memberships.
    from .models import Role

    is_admin = Membership.objects.filter(user=user, role=Role.SYSADMIN).exists()
    if user.is_staff != is_admin and not user.is_superuser:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])
