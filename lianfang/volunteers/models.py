"""Volunteers, the tasks they are dispatched to, and their shifts.

A volunteer is a person of the people registry (一人一档) who serves for an enterprise or a
community. A task (a nucleic-acid testing site shift, a proxy-shopping run, a door-knocking
round) needs a number of people at a place and a time; a shift is one volunteer on one task,
from dispatch or sign-up through check-in and check-out to the hours served. Hours are never
typed in: they come from check-in and check-out, and staff may correct them with a reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.idempotency import ClientSubmitted
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Region
from lianfang.core.units.models import Unit

from .states import TaskState

# Hours of one shift as a staff correction may set them (a day at most).
MAX_SHIFT_HOURS = Decimal("24.0")


class Availability(models.TextChoices):
    ANY_TIME = "any_time", _("Any time")
    WEEKDAYS = "weekdays", _("Weekdays")
    WEEKENDS = "weekends", _("Weekends")
    EVENINGS = "evenings", _("Evenings")


class Volunteer(models.Model):
    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    # An enterprise volunteer serves for a unit of kind enterprise; a community volunteer has none.
    unit = models.ForeignKey(
        Unit, verbose_name=_("enterprise"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The community a community volunteer serves in; for an enterprise volunteer, the enterprise's region.
    region = models.ForeignKey(Region, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(
        _("availability"), max_length=16, choices=Availability.choices, default=Availability.ANY_TIME
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Visible in its community (or its enterprise's region), to its enterprise's contact, and to the
    # field worker who registered it or organises a task it served on.
    scope_fields = {"region": "region", "unit": "unit", "assignee": ("created_by", "shifts__task__organiser")}

    class Meta:
        ordering = ["person__name_pinyin", "person__name", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.person.name

    @property
    def is_enterprise(self) -> bool:
        return self.unit_id is not None

    @property
    def organisation_name(self) -> str:
        return self.unit.name if self.unit is not None else self.region.name


class TaskKind(models.TextChoices):
    TESTING_SITE = "testing_site", _("Nucleic-acid testing site shift")
    PROXY_PURCHASE = "proxy_purchase", _("Proxy-shopping run")
    DOOR_VISIT = "door_visit", _("Door-knocking round")


class VolunteerTask(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=100)
    place = models.CharField(_("place"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    people_needed = models.PositiveSmallIntegerField(
        _("people needed"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Enterprises asked to send volunteers: their contacts see the task and sign volunteers up.
    invited_units = models.ManyToManyField(Unit, verbose_name=_("enterprises invited"), blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=TaskState.choices, default=TaskState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_fields = {
        "region": "region",
        "unit": ("invited_units", "shifts__volunteer__unit"),
        "assignee": "organiser",
    }

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("volunteer task")
        verbose_name_plural = _("volunteer tasks")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="task_ends_after")]

    def __str__(self) -> str:
        return self.title


class ShiftSource(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED_UP = "signed_up", _("Signed up")


SHIFT_STATUS_LABELS = {
    "waiting": _("Waiting for check-in"),
    "checked_in": _("Checked in"),
    "checked_out": _("Checked out"),
    "withdrawn": _("Withdrawn"),
}


class Shift(ClientSubmitted):
    """One volunteer on one task. The client id is the sign-up's (dispatches come from staff pages)."""

    task = models.ForeignKey(VolunteerTask, verbose_name=_("task"), on_delete=models.PROTECT, related_name="shifts")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="shifts"
    )
    source = models.CharField(_("how"), max_length=16, choices=ShiftSource.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    hours_corrected = models.BooleanField(_("hours corrected"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_fields = {"region": "task__region", "unit": "volunteer__unit", "assignee": "task__organiser"}

    class Meta:
        ordering = ["task_id", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(fields=["task", "volunteer"], name="shift_once_per_task"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_in_at__isnull=False),
                name="shift_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}·{self.volunteer_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def status(self) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.checked_out_at is not None:
            return "checked_out"
        if self.checked_in_at is not None:
            return "checked_in"
        return "waiting"

    @property
    def status_label(self) -> str:
        return str(SHIFT_STATUS_LABELS[self.status])


class CheckKind(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in")
    CHECK_OUT = "check_out", _("Check-out")


class ShiftCheck(ClientSubmitted):
    """A check-in or check-out as it was submitted, usually from a phone: the row that makes a
    resend return the first answer. Each shift has at most one of each."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("kind"), max_length=16, choices=CheckKind.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_fields = {
        "region": "shift__task__region",
        "unit": "shift__volunteer__unit",
        "assignee": "shift__task__organiser",
    }

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("check-in or check-out")
        verbose_name_plural = _("check-ins and check-outs")
        constraints = [models.UniqueConstraint(fields=["shift", "kind"], name="shift_check_once")]

    def __str__(self) -> str:
        return f"{self.shift_id} {self.kind}"


class Squad(models.Model):
    """A standing volunteer squad (扶老助残志愿小分队) of a community or subdistrict: its members sign
    in and take the service orders given to the squad (lianfang.care)."""

    name = models.CharField(_("name"), max_length=60)
    region = models.ForeignKey(Region, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="volunteer_squads"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_fields = {"region": "region", "assignee": ("leader", "members")}

    class Meta:
        ordering = ["region__code", "name", "id"]
        verbose_name = _("volunteer squad")
        verbose_name_plural = _("volunteer squads")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="squad_name_once")]

    def __str__(self) -> str:
        return self.name
