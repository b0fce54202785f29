"""Reads of notices, receipts and notifications.

Two ways lead to a notice: a sender's jurisdiction (Notice.scope_fields through the scoping
layer: the region and department the notice was sent from, or its sender), and a unit contact's
organisation (the receipts of the units their unit-contact memberships stand for). A notice
reached by neither does not exist for that user (404).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lianfang.core.regions.models import Membership, Role
from lianfang.core.regions.scoping import Grant, scope_for

from .models import Notice, NoticeReceipt, Notification

# Roles that may send notices: every writing role but the unit contact, who receives them.
SENDING_ROLES = (Role.COMMANDER, Role.DEPARTMENT_STAFF, Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER)

Role_ = Literal["sender", "recipient"]
Box = Literal["sent", "received"]


def sending_grant(user: Any) -> Grant | None:
    """The membership a user sends notices under: their widest sending one (the commander's first)."""
    grants = [g for g in scope_for(user).grants if g.role in SENDING_ROLES]
    if not grants:
        return None
    return min(grants, key=lambda g: (len(g.region_prefix), SENDING_ROLES.index(Role(g.role)), g.membership_id or 0))


def may_send(user: Any) -> bool:
    return sending_grant(user) is not None


def contact_unit_ids(user: Any) -> list[int]:
    """The organisations a user stands for as their unit contact (from the cached scope)."""
    return sorted({g.unit_id for g in scope_for(user).grants if g.role == Role.UNIT_CONTACT and g.unit_id})


def with_counts(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """Each notice with `total`, `read` and `acknowledged` receipt counts, in the same query."""
    return notices.annotate(
        total=Count("receipts"),
        read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
        acknowledged=Count("receipts", filter=Q(receipts__acknowledged_at__isnull=False)),
    )


def notice_list(user: Any) -> QuerySet[Notice]:
    """Notices the user may follow as a sender (their jurisdiction's), with receipt counts."""
    notices = Notice.objects.select_related("sender", "region", "department")
    return with_counts(scope_for(user).filter(notices)).order_by("-created_at", "-id")


def notice_inbox(user: Any) -> QuerySet[NoticeReceipt]:
    """The receipts of the organisations the user is the contact of: their incoming notices,
    newest first. The one query of what reached a user, for the pages, the API and the services
    alike (as a subquery, `.values("notice_id")`, its joins and order fall away)."""
    units = contact_unit_ids(user)
    if not units:
        return NoticeReceipt.objects.none()
    return (
        NoticeReceipt.objects.filter(unit_id__in=units)
        .select_related("notice", "notice__sender", "notice__region", "notice__department", "unit")
        .order_by("-notice__created_at", "-notice_id", "unit__name_pinyin", "unit__name")
    )


def inbox_unacknowledged(user: Any) -> int:
    """How many of the user's organisations' receipts still wait for an acknowledgement."""
    return notice_inbox(user).filter(acknowledged_at__isnull=True).count()


def notice_feed(user: Any, *, box: Box | None = None) -> QuerySet[Notice]:
    """Every notice the user may open in one list, newest first: those they follow from the
    sender's side (notice_list) and those their organisations received (notice_inbox), or only
    one `box` of the two. Each with its receipt counts (shown to the sender side only), its
    attachments and the names a list shows."""
    followed = Q(pk__in=notice_list(user).values("pk"))
    received = Q(pk__in=notice_inbox(user).values("notice_id"))
    condition = followed if box == "sent" else received if box == "received" else followed | received
    return (
        with_counts(Notice.objects.filter(condition))
        .select_related("sender", "region", "department", "target_region")
        .prefetch_related("attachments")
        .order_by("-created_at", "-id")
    )


def my_receipts_by_notice(user: Any, notice_ids: list[int]) -> dict[int, list[NoticeReceipt]]:
    """The receipts of these notices that the user answers for as a unit contact, by notice: a
    list's worth of my_receipts in one query."""
    mine: dict[int, list[NoticeReceipt]] = {}
    for receipt in notice_inbox(user).filter(notice_id__in=notice_ids):
        mine.setdefault(receipt.notice_id, []).append(receipt)
    return mine


def notice_for(user: Any, pk: int) -> tuple[Notice, Role_] | None:
    """A notice the user may open, and whether they follow it as its sender side or receive it."""
    notice = notice_list(user).filter(pk=pk).first()
    if notice is not None:
        return notice, "sender"
    receipt = notice_inbox(user).filter(notice_id=pk).first()
    if receipt is not None:
        return with_counts(Notice.objects.filter(pk=pk)).select_related("sender", "region", "department").get(), (
            "recipient"
        )
    return None


def notice_receipts(notice: Notice) -> QuerySet[NoticeReceipt]:
    """Every receipt of a notice (for its sender side), by organisation name."""
    return notice.receipts.select_related("unit", "unit__region", "read_by", "acknowledged_by").order_by(
        "unit__name_pinyin", "unit__name", "id"
    )


def receipts_not_read(notice: Notice) -> QuerySet[NoticeReceipt]:
    return notice_receipts(notice).filter(read_at__isnull=True)


def receipts_not_acknowledged(notice: Notice) -> QuerySet[NoticeReceipt]:
    return notice_receipts(notice).filter(acknowledged_at__isnull=True)


def my_receipts(user: Any, notice: Notice) -> list[NoticeReceipt]:
    """The receipts of this notice that the user answers for as a unit contact."""
    return list(notice_inbox(user).filter(notice=notice))


def unit_contacts(unit_ids: list[int]) -> dict[int, list[int]]:
    """The users (ids) standing for each organisation as its contact today."""
    contacts: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.active_on(timezone.localdate())
        .filter(role=Role.UNIT_CONTACT, unit_id__in=unit_ids, user__is_active=True)
        .values_list("unit_id", "user_id")
        .distinct()
    )
    for unit_id, user_id in rows:
        if unit_id is not None:
            contacts[unit_id].append(user_id)
    return dict(contacts)


def notification_list(user: Any) -> QuerySet[Notification]:
    """A user's own notifications. An inbox is personal: no role, not even the commander's, sees
    another user's, so this filters by owner rather than by jurisdiction."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user, retired_at__isnull=True).order_by("-created_at", "-id")


def notification_unread_count(user: Any) -> int:
    """For the badge on every page: one count over the (user, read_at) index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
