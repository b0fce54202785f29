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


class PendingState(models.TextChoices):
    PENDING = "pending", _("Waiting for the home jurisdiction")
    RETURNED = "returned", _("Returned by the home jurisdiction")


class Person(models.Model):
    name = models.CharField(_("name"), max_length=64)
    name_initials = models.CharField(_("pinyin initials"), max_length=64, blank=True, db_index=True, editable=False)
    name_pinyin = models.CharField(_("pinyin sort key"), max_length=255, blank=True, editable=False)
    document_type = models.CharField(
        _("document type"), max_length=24, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID
    )
    document_cipher = models.TextField(_("document number (encrypted)"), editable=False)
    # Unique among records on file (see Meta); a pending record shares its record's index.
    document_index = models.CharField(_("document blind index"), max_length=64, editable=False)
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
    # A registration of a document number that is on file where the registrant may not look is a
    # record of its own, holding only what the registrant typed, until the home jurisdiction of the
    # record on file joins the two (people.pending). The registrant is told the same either way.
    on_file = models.ForeignKey(
        "self",
        verbose_name=_("record on file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pending_records",
        db_index=False,  # indexed below for pending records only: a new person writes no entry
    )
    pending_state = models.CharField(
        _("confirmation"), max_length=16, choices=PendingState.choices, blank=True, editable=False
    )
    pending_note = models.CharField(_("reason for returning"), max_length=200, blank=True, editable=False)
    # When something that held the person last let go of them (a registration withdrawn, a record
    # naming them deleted or pointed elsewhere), and when the record was anonymised at the end of its
    # retention period (retention.py).
    released_at = models.DateTimeField(_("last released at"), null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    # Visible where the person lives and to the jurisdictions, departments and organisations that
    # registered them.
    scope_fields = {
        "region": ("home_region", "links__region"),
        "department": "links__department",
        "unit": "links__unit",
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
    # Whether a record waits on another is not for its registrant's eyes (they read its history):
    # the log keeps it in the "person.pending" row of the record on file.
    audit_hidden_fields = frozenset({"on_file", "pending_state", "pending_note"})

    class Meta:
        ordering = list(NAME_ORDER)
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # The document's two partial indexes: the unique one of records on file (every new person
        # writes it) and one of the few pending records; with_document() asks both.
        indexes = [
            models.Index(fields=list(NAME_ORDER), name="person_name_order"),
            models.Index(fields=["document_index"], condition=Q(on_file__isnull=False), name="person_pending_document"),
            models.Index(fields=["on_file"], condition=Q(on_file__isnull=False), name="person_pending_on_file"),
        ]
        constraints = [
            # One person, one record (一人一档): one record on file for each document.
            models.UniqueConstraint(
                fields=["document_index"], condition=Q(on_file__isnull=True), name="person_document_once"
            ),
            models.CheckConstraint(
                condition=Q(on_file__isnull=True, pending_state="") | Q(on_file__isnull=False) & ~Q(pending_state=""),
                name="person_pending_state_with_record_on_file",
            ),
        ]

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
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def is_pending(self) -> bool:
        return self.on_file_id is not None

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, district_today())

    @property
    def is_minor(self) -> bool:
        return self.birth_date is not None and self.birth_date > minors_born_after(district_today())


def with_document(indexes: list[str]) -> Q:
    """People whose blind index is one of these, on file or pending: written as two conditions,
    each of which one of the document's partial indexes answers."""
    return Q(document_index__in=indexes, on_file__isnull=True) | Q(document_index__in=indexes, on_file__isnull=False)


class PersonLink(models.Model):
    """Who registered a person: a jurisdiction (and department), or an organisation, that may now
    see the core record.

    A link shows the person's own record to its holder and nothing that other practices or
    jurisdictions hold about them. An organisation's contact registers for the organisation: the
    link names the organisation and its supervising department (with that department's region),
    never the community it stands in.
    """

    # Both foreign keys are indexed below: the person by the leading column of person_link_once.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links", db_index=False)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("organisation"),
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
        # unique index (a missing region, department or organisation counts as 0) that also finds
        # a person's links, and the department's and organisation's only where there is one.
        constraints = [
            models.UniqueConstraint(
                F("person"),
                Coalesce(F("region"), Value(0)),
                Coalesce(F("department"), Value(0)),
                Coalesce(F("unit"), Value(0)),
                F("source"),
                name="person_link_once",
            ),
        ]
        indexes = [
            models.Index(fields=["department"], condition=Q(department__isnull=False), name="person_link_department"),
            models.Index(fields=["unit"], condition=Q(unit__isnull=False), name="person_link_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.region_id}"
