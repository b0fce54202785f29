"""工业路街道 三互动: the enterprise task force, enterprises' problems (cases with outcome figures),
resources enterprises offer and their dispatch (resource-request cases), and party-building
instructors assigned one to one to enterprises, with their guidance visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.cases.models import Case
from lianfang.core.idempotency import ClientSubmitted
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Department, Region, Role
from lianfang.core.units.models import Unit


class TaskForce(models.Model):
    """企业疫情防控专班: the subdistrict's team that keeps in touch with its enterprises."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, verbose_name=_("subdistrict"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_fields = {"region": "region", "department": "department"}

    class Meta:
        ordering = ["region__code", "id"]
        verbose_name = _("enterprise task force")
        verbose_name_plural = _("enterprise task forces")
        constraints = [models.UniqueConstraint(fields=["region"], name="one_task_force_per_region")]

    def __str__(self) -> str:
        return self.name


# Who may serve on a task force: staff serving inside its subdistrict.
TASK_FORCE_MEMBER_ROLES = frozenset({Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER, Role.DEPARTMENT_STAFF})


class TaskForceMember(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT)
    duty = models.CharField(_("duty"), max_length=40, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        constraints = [models.UniqueConstraint(fields=["task_force", "user"], name="task_force_member_once")]

    def __str__(self) -> str:
        return f"{self.task_force} · {self.user}"


class TaskForceEnterprise(models.Model):
    """An enterprise the task force covers: keeps in touch with, and assigns an instructor to."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="coverage")
    unit = models.ForeignKey(Unit, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("covered since"), default=timezone.now)

    class Meta:
        ordering = ["unit__name_pinyin", "unit__name", "id"]
        verbose_name = _("enterprise covered")
        verbose_name_plural = _("enterprises covered")
        constraints = [models.UniqueConstraint(fields=["task_force", "unit"], name="task_force_covers_once")]

    def __str__(self) -> str:
        return f"{self.task_force} · {self.unit}"


class ProblemCategory(models.TextChoices):
    LABOUR = "labour", _("Labour shortage")
    MATERIALS = "materials", _("Material shortage")
    SUBSIDY = "subsidy", _("Subsidy application")
    LOAN = "loan", _("Loan")
    OTHER = "other", _("Other")


class EnterpriseProblem(models.Model):
    """An enterprise's problem (诉求): the case, its category, and the figures its outcome adds."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="enterprise_problem")
    category = models.CharField(_("category"), max_length=12, choices=ProblemCategory.choices)
    subsidy_amount = models.DecimalField(
        _("subsidy applied for (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    loan_amount = models.DecimalField(
        _("loan coordinated (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    workers_placed = models.PositiveIntegerField(_("workers placed"), null=True, blank=True)
    materials_supplied = models.CharField(_("materials supplied"), max_length=200, blank=True)

    scope_fields = {
        "region": "case__region",
        "department": "case__owner_department",
        "assignee": ("case__assignee", "case__reporter"),
        "unit": ("case__unit", "case__owner_unit"),
    }

    class Meta:
        ordering = ["-case__created_at", "-case_id"]
        verbose_name = _("enterprise problem")
        verbose_name_plural = _("enterprise problems")
        constraints = [
            models.CheckConstraint(
                condition=Q(subsidy_amount__isnull=True) | Q(subsidy_amount__gte=0), name="problem_subsidy_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(loan_amount__isnull=True) | Q(loan_amount__gte=0), name="problem_loan_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.case)


class ResourceOffer(models.Model):
    """A resource an enterprise offers for prevention work (a fog-cannon truck, printing …)."""

    unit = models.ForeignKey(Unit, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("resource"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_available = models.BooleanField(_("available"), default=True)
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_fields = {"region": "unit__region", "unit": "unit"}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("resource offer")
        verbose_name_plural = _("resource offers")

    def __str__(self) -> str:
        return f"{self.unit} · {self.title}"


class ResourceDispatch(models.Model):
    """The subdistrict asks an enterprise for an offered resource: a resource-request case that the
    enterprise accepts, carries out and reports done."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="resource_dispatch")
    offer = models.ForeignKey(ResourceOffer, on_delete=models.PROTECT, related_name="dispatches")

    scope_fields = {
        "region": "case__region",
        "department": "case__owner_department",
        "assignee": ("case__assignee", "case__reporter"),
        "unit": ("case__unit", "case__owner_unit"),
    }

    class Meta:
        ordering = ["-case__created_at", "-case_id"]
        verbose_name = _("resource dispatch")
        verbose_name_plural = _("resource dispatches")

    def __str__(self) -> str:
        return str(self.case)


class InstructorAssignment(models.Model):
    """A party-building instructor (党建指导员) assigned to one enterprise, one to one."""

    instructor = models.ForeignKey(Person, verbose_name=_("instructor"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    task_force = models.ForeignKey(TaskForce, on_delete=models.PROTECT, related_name="assignments")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    scope_fields = {"region": "unit__region", "unit": "unit"}

    class Meta:
        ordering = ["unit__name_pinyin", "unit__name", "id"]
        verbose_name = _("instructor assignment")
        verbose_name_plural = _("instructor assignments")
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(ends_on__isnull=True), name="one_instructor_per_unit"),
            models.UniqueConstraint(
                fields=["instructor"], condition=Q(ends_on__isnull=True), name="one_unit_per_instructor"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="assignment_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instructor} → {self.unit}"


class GuidanceVisit(ClientSubmitted):
    """One guidance visit of an instructor to their enterprise, logged on a phone."""

    assignment = models.ForeignKey(InstructorAssignment, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("what was checked and advised"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_fields = {"region": "assignment__unit__region", "unit": "assignment__unit"}

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("guidance visit")
        verbose_name_plural = _("guidance visits")

    def __str__(self) -> str:
        return f"{self.assignment} {self.visited_on}"
