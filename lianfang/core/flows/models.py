"""A status change: one row on a record's timeline for each transition it takes.

Records with a timeline of their own (a case's events) write there instead (Flow.timeline);
every other flow's record keeps its status changes here, found by its type and id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import Actor, acting_user, shown_name
from lianfang.core.audit.labels import shown_actor


class StatusChange(models.Model):
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.PositiveBigIntegerField(_("record"))
    flow = models.CharField(max_length=64)
    transition = models.CharField(_("transition"), max_length=32)
    from_state = models.CharField(max_length=32)
    to_state = models.CharField(max_length=32)
    at = models.DateTimeField(_("time"), default=timezone.now)
    # Read with the timeline, never searched by (the audit log answers "what did this user do").
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)

    # Filled in by selectors.status_changes from the flow's table, not stored: a label changed in
    # the code reads the same on every old row.
    transition_label: str = ""
    from_label: str = ""
    to_label: str = ""

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["record_type", "record_id", "at"], name="status_change_record")]

    def __str__(self) -> str:
        return f"{self.record_type}#{self.record_id} {self.from_state}→{self.to_state}"

    @property
    def shown_by(self) -> str:
        return shown_actor(self.actor_name)

    @classmethod
    def record(
        cls, *, record: models.Model, flow: str, transition: str, source: str, target: str, actor: Actor, note: str
    ) -> StatusChange:
        """The row for a transition just taken."""
        return cls.objects.create(
            record_type=record._meta.label_lower,
            record_id=record.pk,
            flow=flow,
            transition=transition,
            from_state=source,
            to_state=target,
            actor=acting_user(actor),
            actor_name=shown_name(actor),
            note=note[:2000],
        )
