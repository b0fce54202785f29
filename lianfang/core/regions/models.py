"""The jurisdiction tree, departments, and who serves where in which role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    TOWN = "town", _("Town")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")


# A level's scope is the fixed-length prefix of the 12-digit code (2-2-2-3-3).
LEVEL_PREFIX_LENGTH: dict[str, int] = {
    RegionLevel.DISTRICT: 6,
    RegionLevel.SUBDISTRICT: 9,
    RegionLevel.TOWN: 9,
    RegionLevel.COMMUNITY: 12,
    RegionLevel.VILLAGE: 12,
}


def code_prefix(code: str) -> str:
    """The prefix shared by the codes of every region inside the region with this 12-digit code,
    read from the code's shape (a district ends in six zeros, a subdistrict or town in three):
    410106001000 -> 410106001. Not `rstrip("0")`, which would turn community 410106001010 into
    41010600101 and take in its neighbours 011 to 019."""
    if code.endswith("000000"):
        return code[:6]
    if code.endswith("000"):
        return code[:9]
    return code


def level_for_code(code: str) -> str:
    """The level a 12-digit code's shape gives: a district ends in six zeros, a subdistrict or town
    in three, anything else is a community or village. The national rules for statistical division
    codes number subdistricts (街道) 001-099 and towns and townships (镇, 乡) from 100 in digits 7-9,
    and communities (居委会) 001-199 and villages (村委会) from 200 in digits 10-12."""
    if code.endswith("000000"):
        return RegionLevel.DISTRICT
    if code.endswith("000"):
        return RegionLevel.TOWN if int(code[6:9]) >= 100 else RegionLevel.SUBDISTRICT
    return RegionLevel.VILLAGE if int(code[9:]) >= 200 else RegionLevel.COMMUNITY


def parent_code(code: str) -> str | None:
    """The code of the region a 12-digit code stands under, read from its shape; None for a district."""
    if code.endswith("000000"):
        return None
    if code.endswith("000"):
        return code[:6] + "000000"
    return code[:9] + "000"


# Which level may stand under which.
PARENT_LEVELS: dict[str, set[str]] = {
    RegionLevel.DISTRICT: set(),
    RegionLevel.SUBDISTRICT: {RegionLevel.DISTRICT},
    RegionLevel.TOWN: {RegionLevel.DISTRICT},
    RegionLevel.COMMUNITY: {RegionLevel.SUBDISTRICT, RegionLevel.TOWN},
    RegionLevel.VILLAGE: {RegionLevel.SUBDISTRICT, RegionLevel.TOWN},
}

code_validator = RegexValidator(r"^\d{12}$", _("A division code has exactly 12 digits."))


class Region(models.Model):
    """A node of the jurisdiction tree. The primary key is a surrogate so a code can be corrected."""

    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The code prefix that every region inside this one shares."""
        return self.code[: LEVEL_PREFIX_LENGTH[self.level]]

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        length = LEVEL_PREFIX_LENGTH.get(self.level)
        if length and self.code and len(self.code) == 12 and set(self.code[length:]) - {"0"}:
            errors["code"] = _("A %(level)s code must end in zeros after its first %(n)d digits.") % {
                "level": self.get_level_display(),
                "n": length,
            }
        allowed = PARENT_LEVELS.get(self.level, set())
        if self.parent is None and allowed:
            errors["parent"] = _("This level needs a parent region.")
        elif self.parent is not None:
            if self.parent.level not in allowed:
                errors["parent"] = _("A %(level)s cannot stand under a %(parent)s.") % {
                    "level": self.get_level_display(),
                    "parent": self.parent.get_level_display(),
                }
            elif self.code and not self.code.startswith(self.parent.prefix):
                errors["code"] = _("The code must begin with the parent's prefix %(prefix)s.") % {
                    "prefix": self.parent.prefix
                }
            elif self.code == self.parent.code:
                errors["code"] = _("The code must differ from the parent's code.")
        if errors:
            raise ValidationError(errors)


class DepartmentKind(models.TextChoices):
    BUREAU = "bureau", _("District bureau or office")
    SUBDISTRICT_OFFICE = "subdistrict_office", _("Subdistrict or town office")


class Department(models.Model):
    """A district bureau (区直部门) or a subdistrict/town office, with the region it answers for."""

    code = models.SlugField(_("short code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=DepartmentKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("jurisdiction"), on_delete=models.PROTECT)
    supervises = models.JSONField(
        _("supervises kinds of organisation"),
        default=list,
        blank=True,
        help_text=_("Kinds of organisation this department supervises, e.g. small shops for market regulation."),
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A case goes to the office whose region is its subdistrict (cases.services.default_owner):
        # an office filed under a community, or a bureau under a subdistrict, would never be found.
        if self.region_id is None:
            return
        level = self.region.level
        if self.kind == DepartmentKind.BUREAU and level != RegionLevel.DISTRICT:
            raise ValidationError({"region": _("A district bureau answers for the whole district.")})
        if self.kind == DepartmentKind.SUBDISTRICT_OFFICE and level not in (RegionLevel.SUBDISTRICT, RegionLevel.TOWN):
            raise ValidationError({"region": _("A subdistrict or town office answers for a subdistrict or town.")})


class Role(models.TextChoices):
    COMMANDER = "commander", _("District commander")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    SUBDISTRICT_STAFF = "subdistrict_staff", _("Subdistrict staff")
    FIELD_WORKER = "field_worker", _("Field worker")
    UNIT_CONTACT = "unit_contact", _("Unit contact")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active_on(self, day: dt.date) -> MembershipQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def overlapping(self, start: dt.date, end: dt.date) -> MembershipQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=end),
            Q(valid_until__isnull=True) | Q(valid_until__gte=start),
        )


class Membership(models.Model):
    """One user serving in one role, over one region scope, optionally for a department and a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name=_("region scope"), on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For unit contacts: the organisation they stand for."),
    )
    sent_down = models.BooleanField(
        _("sent down"), default=False, help_text=_("Office staff posted to a community for a campaign (下沉).")
    )
    may_reveal = models.BooleanField(
        _("may reveal full numbers"),
        default=False,
        help_text=_("May show a full identity number or phone, giving a reason each time (audited)."),
    )
    may_view_sensitive = models.BooleanField(
        _("may view sensitive records"),
        default=False,
        help_text=_("May see minors and health, income and disability records (every view audited)."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    # How the scoping layer reaches this model's jurisdiction (see core.regions.scoping).
    scope_fields = {"region": "region", "department": "department", "assignee": "user", "unit": "unit"}

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="membership_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(sent_down=False) | (Q(valid_from__isnull=False) & Q(valid_until__isnull=False)),
                name="membership_sent_down_has_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.role == Role.DEPARTMENT_STAFF and not self.department_id:
            errors["department"] = _("Department staff need a department.")
        if self.role == Role.COMMANDER and self.region_id and self.region.level != RegionLevel.DISTRICT:
            errors["region"] = _("A district commander serves over the whole district.")
        if self.role == Role.UNIT_CONTACT and not self.unit_id:
            errors["unit"] = _("A unit contact needs the organisation they stand for.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end date comes before the start date.")
        if self.sent_down and not (self.valid_from and self.valid_until):
            errors["valid_until"] = _("A posting of sent-down staff needs a start and an end date.")
        if errors:
            raise ValidationError(errors)

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )
