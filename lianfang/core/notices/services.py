"""Writes: notifications (notify, marking read) and notices (send, read, acknowledge, remind).

notify() is the one way any app tells people something (case reminders, escalations, notices):

    notify(users=[...], title="...", body="...", link="/cases/12/", key="case:12:remind:due")

It records one row per user and key in the in-app list and hands only the new rows to the other
channels after the commit (see channels.py); the same key never reaches a user twice, even when
two workers send it at the same moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, acting_user
from lianfang.core.audit.services import audit_record, audit_record_refusal
from lianfang.core.files.models import StoredFile
from lianfang.core.files.services import CheckedUpload, file_store
from lianfang.core.people.models import NAME_ORDER
from lianfang.core.regions.models import Membership
from lianfang.core.regions.scoping import scope_for

from .channels import push, pushing_channels
from .models import Notice, NoticeReceipt, Notification
from .selectors import notice_inbox, notice_list, sending_grant, unit_contacts
from .targets import Target, describe, target_units

# A receipt is reminded at most once in this interval, however often the button is pressed.
REMIND_INTERVAL = dt.timedelta(hours=1)
MAX_ATTACHMENTS = 10
MAX_BODY = 5000
_BATCH = 500


def _safe_link(link: str) -> str:
    # Only a path on this site: a notification must not send anyone elsewhere.
    link = str(link or "")
    return link if link.startswith("/") and not link.startswith("//") and "\\" not in link else ""


def _insert_new(user_ids: list[int], *, key: str, title: str, body: str, link: str, at: dt.datetime) -> list[int]:
    """Insert the rows that do not exist yet and return their ids, in one statement per batch.

    INSERT … ON CONFLICT DO NOTHING RETURNING (PostgreSQL, and SQLite since 3.35) tells exactly
    which rows this call created, so that the other channels get each notification once even
    when another worker inserts the same key at the same moment (it waits, then skips the row).
    """
    table = connection.ops.quote_name(Notification._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("user_id", "key", "title", "body", "link", "created_at"))
    conflict = ", ".join(connection.ops.quote_name(c) for c in ("user_id", "key"))
    stamp = connection.ops.adapt_datetimefield_value(at)
    created: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(user_ids), _BATCH):
            batch = user_ids[start : start + _BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            params: list[Any] = []
            for user_id in batch:
                params += [user_id, key, title, body, link, stamp]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 (names quoted, values bound)
                f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {connection.ops.quote_name('id')}",
                params,
            )
            created += [row[0] for row in cursor.fetchall()]
    return created


def notify(*, users: Iterable[Any], title: str, body: str = "", link: str = "", key: str) -> int:
    """Tell each user something once per key; returns how many users it was new to.

    `users` are User objects or ids (inactive users are skipped). `key` names what the message
    is about (at most 100 characters); the same key is never delivered to a user twice. Call it
    inside the transaction of the change it announces: the rows commit (or roll back) with it,
    and the channels are called only after the commit.
    """
    from lianfang.core.accounts.models import User

    key = str(key)
    if not key or len(key) > 100:
        raise ValueError("A notification key is 1 to 100 characters.")
    # Users given as rows say whether they are active; only bare ids are looked up.
    active: set[int] = set()
    ids: set[int] = set()
    for user in users:
        if isinstance(user, User):
            if user.pk is not None and user.is_active:
                active.add(int(user.pk))
        elif user is not None:
            ids.add(int(user))
    if ids:
        active.update(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    if not active:
        return 0
    title, body, link = str(title)[:200], str(body), _safe_link(link)
    with transaction.atomic():
        created = _insert_new(sorted(active), key=key, title=title, body=body, link=link, at=timezone.now())
        if created and pushing_channels():
            transaction.on_commit(lambda: push(list(Notification.objects.filter(pk__in=created))))
    return len(created)


def notification_mark_read(*, actor: Actor, notifications: Sequence[Notification] | None = None) -> int:
    """Mark some of the actor's own notifications read (all of them when none are named)."""
    rows = Notification.objects.filter(user=acting_user(actor), read_at__isnull=True)
    if notifications is not None:
        rows = rows.filter(pk__in=[n.pk for n in notifications])
    with transaction.atomic():
        count = rows.update(read_at=timezone.now())
        if count:
            audit_record(actor=actor, verb="notification.read", detail=f"{count}")
    return count


# Notices


def _notice_snapshot(notice: Notice, unit_names: list[str], files: list[StoredFile]) -> dict[str, Any]:
    return {
        "title": notice.title,
        "target": notice.target_description,
        "target_kind": notice.target_kind,
        "units": len(unit_names),
        "unit_names": unit_names[:50],
        "attachments": [f"{f.original_name} ({f.sha256[:12]})" for f in files],
    }


def _clean_text(title: Any, body: Any) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    clean_title = " ".join(str(title or "").split())
    clean_body = str(body or "").replace("\r\n", "\n").strip()
    if not clean_title:
        errors["title"] = [_("The title is empty.")]
    elif len(clean_title) > 100:
        errors["title"] = [_("The title is longer than 100 characters.")]
    if not clean_body:
        errors["body"] = [_("The text is empty.")]
    elif len(clean_body) > MAX_BODY:
        errors["body"] = [_("The text is longer than %(n)d characters.") % {"n": MAX_BODY}]
    if errors:
        raise ValidationError(errors)
    return clean_title, clean_body


def notice_send(
    *,
    actor: Actor,
    title: str,
    body: str,
    target: Target,
    attachments: Sequence[CheckedUpload | StoredFile] = (),
) -> Notice:
    """Send a notice to a target set, resolved now to one receipt per organisation in the
    sender's scope, and tell the organisations' contacts. Attachments are checked uploads (stored
    here) or files the sender uploaded before."""
    grant = sending_grant(actor)
    if grant is None or grant.membership_id is None or not scope_for(actor).can_write:
        audit_record_refusal(actor=actor, verb="notice.send", detail="no sending role")
        raise PermissionDenied(_("Your role may not send notices."))
    clean_title, clean_body = _clean_text(title, body)
    scope = scope_for(actor)
    if target.region is not None and not scope.covers_region(target.region):
        audit_record_refusal(actor=actor, verb="notice.send", region_code=target.region.code)
        raise PermissionDenied(
            _("You may not send notices to organisations in %(region)s.") % {"region": target.region.name}
        )
    units = list(target_units(target, scope).order_by(*NAME_ORDER).values_list("pk", "name").distinct())
    if target.unit_ids and len(units) != len(target.unit_ids):
        raise ValidationError(
            {"target_units": [_("Some of the chosen organisations are unknown or outside your jurisdiction.")]}
        )
    if not units:
        raise ValidationError({"target_kind": [_("No organisation in your jurisdiction matches this choice.")]})
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [_("At most %(n)d files at a time.") % {"n": MAX_ATTACHMENTS}]})
    for item in attachments:
        if isinstance(item, StoredFile) and item.uploaded_by_id != actor.pk:
            raise ValidationError({"attachments": [_("Attach only files you uploaded yourself.")]})
    membership = Membership.objects.select_related("region", "department").get(pk=grant.membership_id)
    sender = acting_user(actor)
    assert sender is not None  # a sending grant is always a signed-in user's
    with transaction.atomic():
        files = [item if isinstance(item, StoredFile) else file_store(actor=actor, upload=item) for item in attachments]
        notice = Notice.objects.create(
            title=clean_title,
            body=clean_body,
            sender=sender,
            region=membership.region,
            department=membership.department,
            target_kind=target.kind,
            target_unit_kind=target.unit_kind,
            target_region=target.region,
            target_description=describe(target, sender_region=membership.region, names=[n for _pk, n in units])[:200],
        )
        notice.attachments.set(files)
        NoticeReceipt.objects.bulk_create(NoticeReceipt(notice=notice, unit_id=pk) for pk, _name in units)
        audit_record(
            actor=actor, verb="notice.send", target=notice, after=_notice_snapshot(notice, [n for _, n in units], files)
        )
        contacts = unit_contacts([pk for pk, _name in units])
        notify(
            users={user for users in contacts.values() for user in users},
            title=_("New notice: %(title)s") % {"title": clean_title},
            body=clean_body[:200],
            link=reverse("notices:detail", args=[notice.pk]),
            key=f"notice:{notice.pk}",
        )
    return notice


def _own_receipts(actor: Actor, notice: Notice, verb: str) -> list[int]:
    ids = list(notice_inbox(actor).filter(notice=notice).order_by().values_list("pk", flat=True))
    if not ids:
        audit_record_refusal(actor=actor, verb=verb, target=notice)
        raise PermissionDenied(_("This notice was not sent to your organisation."))
    return ids


def _audit_receipts(actor: Actor, verb: str, notice: Notice, receipt_ids: list[int]) -> None:
    for receipt in NoticeReceipt.objects.filter(pk__in=receipt_ids).select_related("unit"):
        audit_record(
            actor=actor,
            verb=verb,
            target=receipt,
            region_code=notice.region.code,
            after={"read_at": str(receipt.read_at), "acknowledged_at": str(receipt.acknowledged_at)},
        )


def notice_read(*, actor: Actor, notice: Notice) -> list[NoticeReceipt]:
    """Record that the actor's organisation read the notice. Idempotent: the first time is kept."""
    receipt_ids = _own_receipts(actor, notice, "notice.read")
    with transaction.atomic():
        fresh = list(
            NoticeReceipt.objects.filter(pk__in=receipt_ids, read_at__isnull=True).values_list("pk", flat=True)
        )
        if fresh:
            NoticeReceipt.objects.filter(pk__in=fresh, read_at__isnull=True).update(
                read_at=timezone.now(), read_by=actor
            )
            _audit_receipts(actor, "notice.read", notice, fresh)
    return list(NoticeReceipt.objects.filter(pk__in=receipt_ids).select_related("unit"))


def notice_acknowledge(*, actor: Actor, notice: Notice) -> list[NoticeReceipt]:
    """Record that the actor's organisation acknowledged the notice (which implies reading it).
    Idempotent: the first acknowledgement is kept."""
    receipt_ids = _own_receipts(actor, notice, "notice.acknowledge")
    with transaction.atomic():
        now = timezone.now()
        unread = list(
            NoticeReceipt.objects.filter(pk__in=receipt_ids, read_at__isnull=True).values_list("pk", flat=True)
        )
        if unread:
            NoticeReceipt.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=now, read_by=actor)
            _audit_receipts(actor, "notice.read", notice, unread)
        fresh = list(
            NoticeReceipt.objects.filter(pk__in=receipt_ids, acknowledged_at__isnull=True).values_list("pk", flat=True)
        )
        if fresh:
            NoticeReceipt.objects.filter(pk__in=fresh, acknowledged_at__isnull=True).update(
                acknowledged_at=now, acknowledged_by=actor
            )
            _audit_receipts(actor, "notice.acknowledge", notice, fresh)
    return list(NoticeReceipt.objects.filter(pk__in=receipt_ids).select_related("unit"))


@dataclass(frozen=True)
class Reminded:
    """What a reminder did: organisations reminded, those reminded too recently to be reminded
    again, and those reminded that have no contact account to tell."""

    reminded: int
    too_soon: int
    without_contact: int


def notice_remind(*, actor: Actor, notice: Notice) -> Reminded:
    """Remind the organisations that have not acknowledged the notice: their contacts get a
    notification. Each receipt is reminded at most once an hour; a receipt is claimed with a
    conditional UPDATE, so two people (or two workers) pressing at once remind it once."""
    if not scope_for(actor).can_write or not notice_list(actor).filter(pk=notice.pk).exists():
        audit_record_refusal(actor=actor, verb="notice.remind", target=notice)
        raise PermissionDenied(_("You may not remind the recipients of this notice."))
    with transaction.atomic():
        now = timezone.now()
        due = Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMIND_INTERVAL)
        pending = list(notice.receipts.filter(acknowledged_at__isnull=True).order_by("pk").values_list("pk", "unit_id"))
        claimed: list[tuple[int, int]] = []
        for receipt_id, unit_id in pending:
            # Re-checked row by row in the UPDATE itself: the winner of a race stamps the row and
            # the other finds it no longer due (PostgreSQL re-evaluates the WHERE after the lock).
            if NoticeReceipt.objects.filter(due, pk=receipt_id, acknowledged_at__isnull=True).update(
                last_reminded_at=now, reminders=F("reminders") + 1
            ):
                claimed.append((receipt_id, unit_id))
        contacts = unit_contacts([unit_id for _rid, unit_id in claimed])
        counts = dict(NoticeReceipt.objects.filter(pk__in=[r for r, _u in claimed]).values_list("pk", "reminders"))
        link = reverse("notices:detail", args=[notice.pk])
        for receipt_id, unit_id in claimed:
            notify(
                users=contacts.get(unit_id, []),
                title=_("Reminder: %(title)s") % {"title": notice.title},
                body=_("Please read and acknowledge this notice."),
                link=link,
                key=f"notice:{notice.pk}:reminder:{receipt_id}:{counts[receipt_id]}",
            )
        result = Reminded(
            reminded=len(claimed),
            too_soon=len(pending) - len(claimed),
            without_contact=sum(1 for _rid, unit_id in claimed if not contacts.get(unit_id)),
        )
        if claimed:
            audit_record(
                actor=actor,
                verb="notice.remind",
                target=notice,
                after={"reminded": result.reminded, "without_contact": result.without_contact},
            )
    return result
