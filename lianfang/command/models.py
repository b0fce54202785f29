"""The bulletin (上街信息): numbered issues, their sections, and the figures bound into their text.

An issue is numbered within its year (第N期) when it is drafted, dated, and signed by the issuing
office. Its sections' text holds figure tokens (text.py): each is a BulletinFigure, bound to its
figure key, period and region, with the value it was drafted from. An editor may move or delete a
token but not retype it. Once signed (签发) by a second person the issue is published: frozen,
with the values it was built from, and the archive shows where a figure has changed since.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .states import BulletinState


class Bulletin(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("issue number"))
    issued_on = models.DateField(_("date of issue"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    office = models.CharField(_("issuing office"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    editor_note = models.TextField(_("editor's note"), blank=True)
    state = models.CharField(_("status"), max_length=16, choices=BulletinState.choices, default=BulletinState.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_by_name = models.CharField(_("drafted by"), max_length=150)
    # Everyone who has edited or submitted the issue: none of them may sign it.
    edited_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("edited by"), blank=True, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Numbers typed by hand in the text, flagged at publication and confirmed by the signer.
    hand_numbers = models.JSONField(_("numbers typed by hand"), default=list, blank=True)
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # The bulletin is read by the bulletin office and the commander (permissions.py), whose reach is
    # the district; its region is the district it reports on.
    scope_fields = {"region": "region"}

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="bulletin_number_once")]

    def __str__(self) -> str:
        return f"{self.year}年第{self.number}期"

    @property
    def drafted_by_shown(self) -> str:
        """Who drafted it as a page shows it (the console's name in words)."""
        from lianfang.core.audit.labels import shown_actor

        return shown_actor(self.drafted_by_name)

    @property
    def is_published(self) -> bool:
        return self.state == BulletinState.PUBLISHED


class BulletinSection(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"))
    practice = models.CharField(_("practice"), max_length=50, blank=True)
    unit = models.CharField(_("unit"), max_length=100)
    headline = models.CharField(_("headline"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("bulletin section")
        verbose_name_plural = _("bulletin sections")

    def __str__(self) -> str:
        return self.headline


class BulletinFigure(models.Model):
    """A figure bound into an issue's text: its key, period and region, the value it was drafted
    from and its words (760, 160余, 1.8万). `token` numbers it within the issue."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="figures")
    token = models.PositiveIntegerField(_("token"))
    key = models.CharField(_("figure"), max_length=100)
    label = models.CharField(_("figure name"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    style = models.CharField(_("written as"), max_length=16, default="plain")
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    words = models.CharField(_("as written"), max_length=40)

    class Meta:
        ordering = ["token"]
        verbose_name = _("bulletin figure")
        verbose_name_plural = _("bulletin figures")
        constraints = [models.UniqueConstraint(fields=["bulletin", "token"], name="bulletin_token_once")]

    def __str__(self) -> str:
        return f"{self.key}={self.words}"
