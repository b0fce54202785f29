"""Notices (通知) sent to a set of organisations, one receipt per organisation (已读/已确认),
and the per-user in-app notification list that reminders and new notices arrive in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.files.models import StoredFile
from lianfang.core.regions.models import Department, Region
from lianfang.core.units.models import Unit, UnitKind


class TargetKind(models.TextChoices):
    KIND_IN_REGION = "kind_in_region", _("All organisations of a kind in a region")
    KIND = "kind", _("All organisations of a kind")
    UNITS = "units", _("A list of organisations")


class Notice(models.Model):
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT, related_name="+"
    )
    # Where the sender served when sending (from their membership): the notice belongs there.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The target set as chosen; the receipts are what it resolved to when the notice was sent.
    target_kind = models.CharField(_("sent to"), max_length=16, choices=TargetKind.choices)
    target_unit_kind = models.CharField(_("kind of organisation"), max_length=24, choices=UnitKind.choices, blank=True)
    target_region = models.ForeignKey(
        Region, verbose_name=_("target region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_description = models.CharField(_("recipients"), max_length=200)
    attachments = models.ManyToManyField(StoredFile, verbose_name=_("attachments"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    # Senders see the notices of their jurisdiction (and department), field workers their own;
    # recipients reach a notice through its receipts instead (see selectors).
    scope_fields = {"region": "region", "department": "department", "assignee": "sender"}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """One recipient organisation of a notice: whether and when its contacts read and acknowledged it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(Unit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reminders = models.PositiveIntegerField(_("reminders"), default=0)

    # A unit contact reaches the receipts of their organisation; senders those of their notices.
    scope_fields = {
        "unit": "unit",
        "region": "notice__region",
        "department": "notice__department",
        "assignee": "notice__sender",
    }

    class Meta:
        ordering = ["notice_id", "unit__name_pinyin", "unit__name", "id"]
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit"], name="notice_receipt_once_per_unit"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(read_at__isnull=False),
                name="notice_receipt_acknowledged_is_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.unit}"


class Notification(models.Model):
    """One message in one user's in-app notification list. The key says what it is about (for
    example one reminder of one notice): the same key is never delivered to a user twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("key"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("received at"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # When its text was erased at the end of the retention period (retention.py): the row stays, so
    # that its key is never delivered again, but it is no longer listed.
    retired_at = models.DateTimeField(_("text erased at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [
            # The unread badge on every page: one index-only count.
            models.Index(fields=["user", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title
