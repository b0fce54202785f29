"""The duties' records: who is on a duty's roster and when (DutySubject), who is exempt and why
(DutyExemption), the events that call for one report (DutyEvent), and what was submitted
(Submission, one row per version).

No row is stored per expected obligation: what is owed on a day is worked out from the rules
(rules.py), the calendar and the roster rows valid that day (see docs/decisions.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.idempotency import ClientSubmitted
from lianfang.core.regions.models import Department, Region


class DutySubject(models.Model):
    """A subject on a duty's roster for a span of days: what must be covered (a class, a shop, a
    person …, named by its app's record), where it is counted, and who answers for it.

    A change (a transfer, another responsible teacher) ends the row the day before and starts a
    new one, so that a past day's completeness is computed over that day's roster.
    """

    duty = models.CharField(_("duty"), max_length=48)
    subject_type = models.CharField(_("kind of subject"), max_length=48)  # "schools.class", "units.unit"
    subject_id = models.PositiveBigIntegerField(_("subject"))
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("responsible organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    responsible_department = models.ForeignKey(
        Department,
        verbose_name=_("responsible office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("on the roster from"))
    valid_until = models.DateField(_("on the roster until"), null=True, blank=True)

    # Visible where it is counted, and to whoever answers for it.
    scope_fields = {
        "region": "region",
        "department": "responsible_department",
        "unit": "responsible_unit",
        "assignee": "responsible_user",
    }

    class Meta:
        verbose_name = _("subject of a duty")
        verbose_name_plural = _("subjects of duties")
        indexes = [
            models.Index(fields=["duty", "valid_from"], name="duty_subject_roster"),
            models.Index(fields=["duty", "subject_type", "subject_id"], name="duty_subject_identity"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="duty_subject_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ExemptionReason(models.TextChoices):
    LEAVE = "leave", _("On leave (请假)")
    CLOSED = "closed", _("Closed (歇业)")
    TRANSFERRED = "transferred", _("Transferred away (转学)")
    IN_HOSPITAL = "in_hospital", _("In hospital (住院)")
    OTHER = "other", _("Other")


class DutyExemption(models.Model):
    """A subject that owes a duty nothing for a span of days, and why: neither expected nor missing."""

    duty = models.CharField(_("duty"), max_length=48)
    subject_type = models.CharField(_("kind of subject"), max_length=48)
    subject_id = models.PositiveBigIntegerField(_("subject"))
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=16, choices=ExemptionReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_fields = {"region": "region"}

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        indexes = [models.Index(fields=["duty", "subject_type", "subject_id"], name="duty_exemption_subject")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="duty_exemption_in_order")]

    def __str__(self) -> str:
        return f"{self.duty} {self.subject_type}#{self.subject_id} {self.starts_on}–{self.ends_on}"


class DutyEvent(models.Model):
    """Something that calls for one report after it (a reported change, an emergency payment)."""

    duty = models.CharField(_("duty"), max_length=48)
    subject = models.ForeignKey(DutySubject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("happened at"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_fields = {
        "region": "subject__region",
        "department": "subject__responsible_department",
        "unit": "subject__responsible_unit",
        "assignee": "subject__responsible_user",
    }

    class Meta:
        verbose_name = _("event calling for a report")
        verbose_name_plural = _("events calling for a report")

    def __str__(self) -> str:
        return f"{self.duty} {self.subject_id} {self.occurred_at:%Y-%m-%d %H:%M}"


class Submission(ClientSubmitted):
    """One version of what a subject submitted for one obligation (a day and session, or an event).

    A correction adds a version and leaves the earlier one in place, no longer current; lateness
    is the first version's. `region` is the roster row's at the time, kept here so that counting
    by region needs no join.
    """

    duty = models.CharField(_("duty"), max_length=48)
    subject = models.ForeignKey(DutySubject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    session = models.CharField(_("session"), max_length=16, blank=True)
    event = models.ForeignKey(
        DutyEvent, verbose_name=_("event"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    zero_report = models.BooleanField(_("nothing to report (零报告)"), default=False)
    content = models.JSONField(_("content"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))  # the first version's time
    recorded_at = models.DateTimeField(_("recorded at"))  # this version's time
    late = models.BooleanField(_("late"), default=False)
    is_current = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    # When its personal content was erased at the end of the duty's retention period (the row stays:
    # completeness counts it).
    retired_at = models.DateTimeField(_("personal content erased at"), null=True, blank=True, editable=False)

    scope_fields = {
        "region": "region",
        "department": "subject__responsible_department",
        "unit": "subject__responsible_unit",
        "assignee": ("subject__responsible_user", "submitted_by"),
    }

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [models.Index(fields=["duty", "day", "session"], name="submission_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "day", "session"],
                condition=Q(is_current=True, event__isnull=True),
                name="submission_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["event"], condition=Q(is_current=True, event__isnull=False), name="submission_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        """The duty and session by their labels, and the day (the audit log shows it)."""
        from .rules import get_duty

        rule = get_duty(self.duty)
        if rule is None:
            return f"{self.duty} {self.day} {self.session}".strip()
        found = rule.session(self.session)
        session = f"·{found.label}" if found is not None and found.label else ""
        return f"{rule.label}{session} {self.day}"
