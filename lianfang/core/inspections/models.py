"""Checklist templates as data, and the inspections that answer them.

A template (the epidemic checklist of the small shops, a construction site's gate checklist) is
kept by a department; each change of its items is a new version, and each inspection keeps the
version it answered, so that an old inspection reads as it was made. The practice built on it
(markets, sites, supervision) decides what the answers mean (a flag, a finding) from the
verdict (services.Verdict): the engine only says which items failed, required or serious.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.files.models import StoredFile
from lianfang.core.idempotency import ClientSubmitted
from lianfang.core.regions.models import Department, Region


class ChecklistTemplate(models.Model):
    key = models.SlugField(_("key"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name=_("kept by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The department whose staff edit the checklist (none: the district commander)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return self.name


class ChecklistVersion(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["template_id", "number"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="checklist_version_once")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class ChecklistItem(models.Model):
    """One question of a version: it passes or fails. A required item that fails fails the
    inspection; a serious one is graver still (the practice says what follows)."""

    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("item"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    serious = models.BooleanField(_("serious"), default=False)

    class Meta:
        ordering = ["version_id", "position"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="checklist_item_once")]

    def __str__(self) -> str:
        return self.text


class Inspection(ClientSubmitted):
    """An inspection of an organisation against one version of a checklist, by its inspectors."""

    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of inspection"), max_length=24, blank=True)  # the practice's word
    outcome = models.CharField(_("outcome"), max_length=24, blank=True)  # the practice's decision
    inspected_at = models.DateTimeField(_("inspected at"), db_index=True)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    scope_fields = {
        "region": "region",
        "department": "version__template__department",
        "unit": "unit",
        "assignee": "recorded_by",
    }

    class Meta:
        ordering = ["-inspected_at", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.version.template} {self.inspected_at:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    photo = models.ForeignKey(
        StoredFile, verbose_name=_("photo"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["inspection_id", "item__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.item} {'✓' if self.passed else '✗'}"
