"""A case: anything that must be closed with evidence (problem → action → verified).

The allowed states and transitions of each kind are data (workflow.py, kinds.py); this module
holds the records: the case, its timeline of events, and the reminders already sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import shown_actor
from lianfang.core.idempotency import ClientSubmitted
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Department, Region
from lianfang.core.units.models import Unit

from .kinds import UnknownKind, get_kind
from .states import State


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


PRIORITIES = frozenset(Priority.values)  # Priority.values builds a new list on every read


class Case(ClientSubmitted):
    kind = models.CharField(_("kind"), max_length=32)  # indexed with closed_at, for the figures
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    # The subject, the owning organisation and the assignee are often empty: their indexes (in
    # Meta) leave out the empty rows, so that a report writes no index page for them.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_department = models.ForeignKey(
        Department,
        verbose_name=_("owning department or office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # case_department_open leads with it
    )
    # A case can be handed to an organisation (a resource request to the enterprise that offered it).
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("owning organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # case_assignee_open leads with it
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REPORTED)
    # Kept by the services from the kind's flow, so that lists and figures need no per-kind logic.
    is_closed = models.BooleanField(_("closed"), default=False)
    outcome = models.TextField(_("outcome of the case"), blank=True)
    # Who did and who checked the work: read with the case, never searched by, so not indexed
    # (every index is one more page written by each report and transition).
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Visible in its region, to the owning department, to the person it is assigned to or who
    # reported it, and to the contact of the organisation it concerns.
    scope_fields = {
        "region": "region",
        "department": "owner_department",
        "assignee": ("assignee", "reporter"),
        "unit": ("unit", "owner_unit"),
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["is_closed", "deadline"], name="case_open_deadline"),
            models.Index(
                fields=["assignee", "is_closed"], name="case_assignee_open", condition=Q(assignee__isnull=False)
            ),
            models.Index(fields=["unit"], name="case_unit", condition=Q(unit__isnull=False)),
            models.Index(fields=["owner_unit"], name="case_owner_unit", condition=Q(owner_unit__isnull=False)),
            models.Index(fields=["person"], name="case_person", condition=Q(person__isnull=False)),
            models.Index(fields=["owner_department", "is_closed"], name="case_department_open"),
            # The figures: cases of one kind closed within a period.
            models.Index(fields=["kind", "closed_at"], name="case_kind_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_closed=False) | Q(closed_at__isnull=False), name="case_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def kind_label(self) -> str:
        try:
            return str(get_kind(self.kind).label)
        except UnknownKind:
            return self.kind

    @property
    def state_label(self) -> str:
        # As get_state_display(), without the dict of choices it builds on every call.
        try:
            return str(State(self.state).label)
        except ValueError:
            return self.state

    @property
    def is_overdue(self) -> bool:
        return bool(self.deadline and not self.is_closed and self.deadline < timezone.localdate())


class EventKind(models.TextChoices):
    REPORTED = "reported", _("Reported")
    TRANSITION = "transition", _("State changed")
    COMMENT = "comment", _("Comment")
    ASSIGNED = "assigned", _("Assigned")
    EDITED = "edited", _("Edited")
    ATTACHMENT = "attachment", _("File attached")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated")


class CaseEvent(models.Model):
    """One line of a case's timeline; written by the services with the audit row, never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    # Read with the timeline, never searched by (the audit log answers "what did this user do").
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    transition = models.CharField(max_length=32, blank=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def shown_by(self) -> str:
        return shown_actor(self.actor_name)

    @property
    def to_state_label(self) -> str:
        return str(State(self.to_state).label) if self.to_state in State.values else self.to_state


class ReminderStep(models.TextChoices):
    BEFORE = "before", _("Before the deadline")
    DUE = "due", _("On the deadline")
    OVERDUE = "overdue", _("Overdue: escalated")


class CaseReminder(models.Model):
    """A reminder step already taken for a case and deadline. The unique row is what keeps a
    reminder from going out twice, even with two workers sweeping at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(max_length=8, choices=ReminderStep.choices)
    deadline = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "step", "deadline"], name="case_reminder_once")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.deadline}"


class CaseAttachment(models.Model):
    """A photo or file attached to a case as evidence; served only to those who see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.OneToOneField("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="attachment")

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.case_id} {self.file_id}"
