"""One person, one record (一人一档), whichever practice registers them.

Document numbers and phones are kept only as ciphertext, a blind index (for exact lookup and
de-duplication) and a masked form (for lists): a database dump holds no full number or phone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from lianfang.core.privacy.masking import age_on
from lianfang.core.regions.models import Department, Region

from .identity import DocumentType, Sex, district_today
from .names import pinyin_key

MINOR_AGE = 14

# The one order of people and organisations in every list, page, API answer and export: by the
# pinyin of the name (see names.py), then by the name (characters of one sound), then by id.
NAME_ORDER = ("name_pinyin", "name", "id")


def minors_born_after(day: dt.date) -> dt.date:
    """People born after this date are under 14 on `day`."""
    try:
        return day.replace(year=day.year - MINOR_AGE)
    except ValueError:  # 29 February
        return day.replace(year=day.year - MINOR_AGE, day=28)


class Person(models.Model):
    name = models.CharField(_("name"), max_length=64)
    name_initials = models.CharField(_("pinyin initials"), max_length=64, blank=True, db_index=True, editable=False)
    name_pinyin = models.CharField(_("pinyin sort key"), max_length=255, blank=True, editable=False)
    document_type = models.CharField(
        _("document type"), max_length=24, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID
    )
    document_cipher = models.TextField(_("document number (encrypted)"), editable=False)
    document_index = models.CharField(_("document blind index"), max_length=64, unique=True, editable=False)
    document_masked = models.CharField(_("document number"), max_length=32, editable=False)
    phone_cipher = models.TextField(_("mobile (encrypted)"), blank=True, editable=False)
    phone_index = models.CharField(_("mobile blind index"), max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("mobile"), max_length=16, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    home_region = models.ForeignKey(
        Region, verbose_name=_("home region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Visible where the person lives and to the jurisdictions and departments that registered them.
    scope_fields = {
        "region": ("home_region", "links__region"),
        "department": "links__department",
        "assignee": "links__created_by",
    }
    # The audit log keeps neither ciphertexts nor blind indexes (a blind index is a stable
    # pseudonym of the number); the masked columns show what changed.
    audit_masked_fields = {
        "document_cipher": lambda v: "***",
        "phone_cipher": lambda v: "***",
        "document_index": lambda v: "***",
        "phone_index": lambda v: "***",
    }

    class Meta:
        ordering = list(NAME_ORDER)
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=list(NAME_ORDER), name="person_name_order")]

    def __str__(self) -> str:
        return f"{self.name} {self.document_masked}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The sort key follows the name on every save (bulk inserts set it in services._apply)."""
        self.name_pinyin = pinyin_key(self.name, surname=True)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, district_today())

    @property
    def is_minor(self) -> bool:
        return self.birth_date is not None and self.birth_date > minors_born_after(district_today())


class PersonLink(models.Model):
    """Who registered a person: a jurisdiction (and department) that may now see the core record.

    A link shows the person's own record to that jurisdiction and nothing that other practices or
    jurisdictions hold about them.
    """

    # Both foreign keys are indexed below: the person by the leading column of person_link_once.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links", db_index=False)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    source = models.CharField(_("registered by"), max_length=32)  # "registry", "import", a practice's app label
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        # Every registration writes each of these indexes, so there are as few as will do: one
        # unique index (a link without a department counts as department 0) that also finds a
        # person's links, and the department's index only where there is a department.
        constraints = [
            models.UniqueConstraint(
                F("person"), F("region"), Coalesce(F("department"), Value(0)), F("source"), name="person_link_once"
            ),
        ]
        indexes = [
            models.Index(fields=["department"], condition=Q(department__isnull=False), name="person_link_department"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.region_id}"
