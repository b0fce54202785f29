"""The daily roll-ups of additive figures (rollups.py): each figure's parts per day and region,
the days they were computed for, and the days a late record has marked dirty since."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyFigure(models.Model):
    """One additive figure's parts on one day in one roll-up region (the district, a subdistrict):
    the count or the stored sum (unscaled), and for a rate its denominator."""

    key = models.CharField(_("figure"), max_length=100)
    day = models.DateField(_("day"))
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE)
    amount = models.DecimalField(_("count or total"), max_digits=20, decimal_places=4)
    denominator = models.BigIntegerField(_("denominator"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [models.UniqueConstraint(fields=["key", "region", "day"], name="daily_figure_once")]

    def __str__(self) -> str:
        return f"{self.key} {self.day} {self.region_id}"


class RolledDay(models.Model):
    """A day whose roll-ups are stored: reads take it from DailyFigure unless it is dirty."""

    day = models.DateField(_("day"), unique=True)
    computed_at = models.DateTimeField(_("computed at"))
    # rollups.signature() of the figures the day was computed by.
    signature = models.CharField(_("figures' signature"), max_length=32, default="")

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")

    def __str__(self) -> str:
        return str(self.day)


class DirtyDay(models.Model):
    """A mark left by a record of a past day, written in that record's transaction. Marks are
    appended, never merged, and the roll-up task deletes exactly the marks it read, so a mark from
    a transaction still open while it runs survives for the next run."""

    day = models.DateField(_("day"), db_index=True)
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("day to roll up again")
        verbose_name_plural = _("days to roll up again")

    def __str__(self) -> str:
        return str(self.day)
