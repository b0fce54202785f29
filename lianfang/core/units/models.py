"""One organisation, one record (一企一档): a unit with one or more kinds (profiles)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.people.models import NAME_ORDER, Person
from lianfang.core.people.names import pinyin_key
from lianfang.core.regions.models import Department, Region


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SMALL_RESTAURANT = "small_restaurant", _("Small restaurant")
    SMALL_SHOP = "small_shop", _("Small shop")
    SMALL_WORKSHOP = "small_workshop", _("Small workshop")
    CONSTRUCTION_PROJECT = "construction_project", _("Construction project")
    SCHOOL = "school", _("School")
    SUPERMARKET = "supermarket", _("Supermarket or commerce enterprise")
    HOTEL = "hotel", _("Hotel")
    LOGISTICS = "logistics", _("Logistics firm")
    GOVERNMENT_OFFICE = "government_office", _("Government office")


# The three small businesses (三小门店) that market inspectors check.
SHOP_KINDS = (UnitKind.SMALL_RESTAURANT, UnitKind.SMALL_SHOP, UnitKind.SMALL_WORKSHOP)


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=100)
    name_initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, db_index=True, editable=False)
    name_pinyin = models.CharField(_("pinyin sort key"), max_length=255, blank=True, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, null=True, blank=True, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        Person, verbose_name=_("contact person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Visible in its region, to the departments that supervise one of its kinds, and to its contact.
    scope_fields = {"region": "region", "department": "profiles__department", "unit": ""}

    class Meta:
        ordering = list(NAME_ORDER)
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.CheckConstraint(condition=~Q(credit_code=""), name="unit_credit_code_null_not_blank")]
        indexes = [models.Index(fields=list(NAME_ORDER), name="unit_name_order")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The sort key follows the name on every save."""
        self.name_pinyin = pinyin_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)

    @property
    def kinds(self) -> list[str]:
        return [p.kind for p in self.profiles.all()]


class UnitProfile(models.Model):
    """One kind a unit is (a supermarket is a commerce enterprise *and* an inspected shop), with
    the department that supervises units of that kind."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="profiles")
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("supervising department"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("kind of organisation")
        verbose_name_plural = _("kinds of organisation")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="unit_profile_once")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}"
