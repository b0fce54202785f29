"""The district's one calendar: days off and 调休 working days against the ordinary week, school
terms, and the epidemic periods the commander declares.

Only the exceptions are stored: a Monday to Friday is a working day and a weekend day is not,
unless a CalendarDay says otherwise. Every rule that counts working days or school days, or
shortens a due time in an epidemic period, reads them through days.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off (holiday)")
    WORKING_DAY = "working_day", _("Working day (调休)")


class CalendarDay(models.Model):
    """A day that differs from the ordinary week: a holiday's day off, or a weekend day worked."""

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=32, help_text=_("For example 春节 or 春节调休."))

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class SchoolTerm(models.Model):
    """A school term: its working days are school days (the holidays inside it are not)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("school term")
        verbose_name_plural = _("school terms")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="school_term_in_order")]

    def __str__(self) -> str:
        return self.name


class EpidemicLevel(models.TextChoices):
    LEVEL_1 = "1", _("Level I response")
    LEVEL_2 = "2", _("Level II response")
    LEVEL_3 = "3", _("Level III response")
    LEVEL_4 = "4", _("Level IV response")


class EpidemicPeriod(models.Model):
    """A period the commander declared an epidemic period, with its response level; open while it
    has no last day. Periods do not overlap."""

    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    level = models.CharField(_("response level"), max_length=1, choices=EpidemicLevel.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("epidemic period")
        verbose_name_plural = _("epidemic periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="epidemic_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on or ''} {self.get_level_display()}"
