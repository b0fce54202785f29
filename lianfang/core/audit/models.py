"""Audit rows and the seals that chain them.

Both tables are append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).
Events carry no foreign-key constraints, so that deleting a user never has to touch an audit row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .labels import action_label, detail_text, record_type_label, system_actor_label


class Outcome(models.TextChoices):
    OK = "ok", _("succeeded")
    DENIED = "denied", _("denied")
    FAILED = "failed", _("failed")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        # audit_actor_at_idx (actor, at) serves the reads by actor; a second index on the actor
        # alone would cost every write of the system a page more and serve nothing it does not.
        db_index=False,
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    membership_id = models.BigIntegerField(_("membership used"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    verb = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("record type"), max_length=64, blank=True)  # audit_target_idx covers it
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.OK)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    # Auditors see the rows of their region; rows with no region are district-wide.
    scope_fields = {"region_code": "region_code"}

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # What did this person do in a period, newest first: equality on the actor, a range and
            # the order on the time (the id after it only breaks ties, see selectors.NEWEST_FIRST).
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.verb} {self.target_repr}"

    # How a row reads. The selectors join the actor's account, so these ask the database nothing.

    @property
    def verb_label(self) -> str:
        return action_label(self.verb)

    @property
    def target_type_label(self) -> str:
        return record_type_label(self.target_type)

    @property
    def account(self) -> Any:
        """The acting account, if the row has one and it still exists."""
        if self.actor_id is None:
            return None
        try:
            return self.actor
        except models.ObjectDoesNotExist:
            return None

    @property
    def actor_label(self) -> str:
        """The account's full name; a system actor's label; or the name given without signing in."""
        account = self.account
        if account is not None:
            return str(account.full_name or account.get_username())
        if self.actor_id is None:
            system = system_actor_label(self.actor_name)
            if system is not None:
                return system
            if self.actor_name:
                return gettext("%(name)s (not signed in)") % {"name": self.actor_name}
            return gettext("anonymous")
        return self.actor_name

    @property
    def detail_label(self) -> str:
        return detail_text(self.detail)


class AuditSeal(models.Model):
    """The chain: seal n holds HMAC(key, digest of seal n-1 + the event's canonical form)."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="seal")
    digest = models.CharField(max_length=64)
    # Covered by the digest: the sequencer's cut-off and verify's "inserted" check rely on it.
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")

    def __str__(self) -> str:
        return f"#{self.seq}"
