"""The schools' records: a school (a unit of kind school) with its health officer, its classes,
the students enrolled in them, what each 晨午检 found about a student, the absences for illness
followed until the student returns, and the cluster alerts.

Students are registry persons, mostly minors. Their rows here reach a viewer only through the
class: its teachers and the school's health officer are named on the row ("staff" in the scoping
layer), and beyond them only memberships that may view sensitive records see them
(`scope_sensitive`). Everyone else reads class-level counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.cases.models import Case
from lianfang.core.duties.models import Submission
from lianfang.core.files.models import StoredFile
from lianfang.core.idempotency import ClientSubmitted
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Department
from lianfang.core.units.models import Unit, UnitKind, UnitProfile

# Paths from a class to where it is counted and to the people named on it.
_SCHOOL_SCOPE = {
    "region": "unit__region",
    "department": "unit__profiles__department",
    "unit": "unit",
    "staff": "health_officer",
    "staff_unit": "unit",
}


def _through(prefix: str, fields: dict[str, str]) -> dict[str, str]:
    return {key: f"{prefix}__{path}" for key, path in fields.items()}


def education_department(unit: Unit) -> Department | None:
    """The department that supervises a school (区教育局)."""
    profile = UnitProfile.objects.filter(unit=unit, kind=UnitKind.SCHOOL).select_related("department").first()
    return profile.department if profile is not None else None


class School(models.Model):
    """The schools' own record of a unit of kind school: who reports its epidemic matters."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("school"), primary_key=True, on_delete=models.PROTECT, related_name="school"
    )
    health_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("health officer (疫情报告人)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_fields = _SCHOOL_SCOPE

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.unit.name


class Grade(models.IntegerChoices):
    G1 = 1, _("Grade 1")
    G2 = 2, _("Grade 2")
    G3 = 3, _("Grade 3")
    G4 = 4, _("Grade 4")
    G5 = 5, _("Grade 5")
    G6 = 6, _("Grade 6")
    G7 = 7, _("Grade 7")
    G8 = 8, _("Grade 8")
    G9 = 9, _("Grade 9")
    G10 = 10, _("Senior grade 1")
    G11 = 11, _("Senior grade 2")
    G12 = 12, _("Senior grade 3")


_CLASS_STAFF = ("head_teacher", "teachers", "school__health_officer")


class SchoolClass(models.Model):
    """A class: its grade and number, its head teacher (班主任) and the teachers who teach it.
    Its headcount is the number of students enrolled on a day (selectors.headcounts)."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    number = models.PositiveSmallIntegerField(_("class number"))
    head_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("head teacher"), on_delete=models.PROTECT, related_name="+"
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("teachers"), blank=True, related_name="+"
    )

    scope_fields = {**_through("school", _SCHOOL_SCOPE), "staff": _CLASS_STAFF, "staff_unit": "school__unit"}

    class Meta:
        ordering = ["school_id", "grade", "number"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [models.UniqueConstraint(fields=["school", "grade", "number"], name="school_class_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _("%(grade)s class %(number)s") % {"grade": self.get_grade_display(), "number": self.number}


class Enrolment(models.Model):
    """A student in a class for a span of days (a transfer ends the row and starts another)."""

    person = models.ForeignKey(Person, verbose_name=_("student"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="enrolments"
    )
    number = models.PositiveSmallIntegerField(_("student number in the class"))
    valid_from = models.DateField(_("enrolled from"))
    valid_until = models.DateField(_("enrolled until"), null=True, blank=True)

    scope_sensitive = True
    scope_fields = {
        "region": "school_class__school__unit__region",
        "department": "school_class__school__unit__profiles__department",
        "staff": tuple(f"school_class__{path}" for path in _CLASS_STAFF),
        "staff_unit": "school_class__school__unit",
    }

    class Meta:
        ordering = ["school_class_id", "number"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "number"], condition=Q(valid_until__isnull=True), name="enrolment_number_once"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(valid_until__isnull=True), name="enrolment_one_class"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")), name="enrolment_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id}#{self.number}"


class Attendance(models.TextChoices):
    ABSENT = "absent", _("Absent")
    PRESENT_UNWELL = "unwell", _("Present, unwell")


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", _("Illness (因病)")
    PERSONAL = "personal", _("Personal matters (因事)")


class CheckAction(models.TextChoices):
    BACK_TO_CLASS = "back_to_class", _("Back to class (返班)")
    OBSERVATION = "observation", _("Observation (留观)")
    PARENTS_TOLD = "parents_told", _("Parents told (通知家长)")
    TO_DOCTOR = "to_doctor", _("To a doctor (就医)")


class CheckFinding(models.Model):
    """One absent or unwell student in one 晨午检 report (one version of it: a correction writes
    the findings again with its own version, and only the current version's count)."""

    submission = models.ForeignKey(Submission, verbose_name=_("report"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("student"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    session = models.CharField(_("session"), max_length=16)
    attendance = models.CharField(_("attendance"), max_length=8, choices=Attendance.choices)
    reason = models.CharField(_("reason"), max_length=8, choices=AbsenceReason.choices, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    other_symptom = models.CharField(_("other symptom"), max_length=50, blank=True)
    temperature = models.DecimalField(_("temperature (℃)"), max_digits=3, decimal_places=1, null=True, blank=True)
    retest = models.DecimalField(_("retest (℃)"), max_digits=3, decimal_places=1, null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=CheckAction.choices, blank=True)
    suspected_covid = models.BooleanField(_("suspected COVID-19"), default=False)
    # When the symptoms and temperatures were erased at the end of the retention period (retention.py).
    retired_at = models.DateTimeField(_("health details erased at"), null=True, blank=True, editable=False)

    scope_sensitive = True
    scope_fields = {
        "region": "school_class__school__unit__region",
        "department": "school_class__school__unit__profiles__department",
        "staff": tuple(f"school_class__{path}" for path in _CLASS_STAFF),
        "staff_unit": "school_class__school__unit",
    }

    class Meta:
        ordering = ["day", "session", "enrolment__number"]
        verbose_name = _("check finding")
        verbose_name_plural = _("check findings")
        indexes = [models.Index(fields=["school_class", "day"], name="check_finding_class_day")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.day}"


class AbsenceState(models.TextChoices):
    REGISTERED = "registered", _("Registered (登记)")
    TRACKING = "tracking", _("Followed up (追踪)")
    OUTCOME = "outcome", _("Outcome known (转归)")
    RETURNED = "returned", _("Back at school (复课)")


class Absence(models.Model):
    """An absence for illness, followed until the student is back (登记 → 追踪 → 转归 → 复课).
    After an infectious disease the return needs a certificate (复课证明) that the school's health
    officer has checked."""

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("student"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("first day absent"))
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=AbsenceState.choices, default=AbsenceState.REGISTERED)
    follow_up = models.TextField(_("follow-up"), blank=True)
    diagnosis = models.CharField(_("diagnosis"), max_length=100, blank=True)
    infectious = models.BooleanField(_("infectious disease"), default=False)
    certificate = models.ForeignKey(
        StoredFile,
        verbose_name=_("return certificate (复课证明)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("certificate checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_on = models.DateField(_("back at school on"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # When the symptoms, follow-up, diagnosis and certificate were erased (retention.py).
    retired_at = models.DateTimeField(_("health details erased at"), null=True, blank=True, editable=False)

    scope_sensitive = True
    scope_fields = CheckFinding.scope_fields

    class Meta:
        ordering = ["-first_day", "id"]
        verbose_name = _("absence for illness")
        verbose_name_plural = _("absences for illness")
        constraints = [
            models.UniqueConstraint(fields=["enrolment"], condition=~Q(state="returned"), name="absence_one_open")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.first_day}"


class ClusterAlert(models.Model):
    """Illness gathering in one class (聚集性疫情预警): a case for the school's health officer,
    due within an hour in an epidemic period and a day otherwise. Counted by class, never by name."""

    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    symptom = models.CharField(_("shared symptom"), max_length=24)
    students = models.PositiveSmallIntegerField(_("students"))
    rule = models.CharField(_("rule met"), max_length=100)
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("due at"))
    # The disease control department told of it, besides the bureau: it sees the alert too.
    disease_control = models.ForeignKey(
        Department,
        verbose_name=_("disease control told"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    # Class-level: what any viewer of the class may see.
    scope_fields = {
        **_through("school_class__school", _SCHOOL_SCOPE),
        "department": ("school_class__school__unit__profiles__department", "disease_control"),
        "staff": tuple(f"school_class__{path}" for path in _CLASS_STAFF),
        "staff_unit": "school_class__school__unit",
    }

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cluster alert")
        verbose_name_plural = _("cluster alerts")

    def __str__(self) -> str:
        return f"{self.school_class_id} {self.day}"


class Lack(models.TextChoices):
    DEVICE = "device", _("No device (无设备)")
    NETWORK = "network", _("No network (无网络)")
    BOTH = "both", _("Neither device nor network")


class TeachingGap(models.Model):
    """A student who cannot attend online lessons: no device, no network or neither (一个不少:
    each is recorded and given an aid). Closed on the day it is solved for good."""

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("student"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    lack = models.CharField(_("what is lacking"), max_length=8, choices=Lack.choices)
    recorded_on = models.DateField(_("recorded on"))
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_sensitive = True
    scope_fields = CheckFinding.scope_fields

    class Meta:
        ordering = ["school_class_id", "recorded_on", "id"]
        verbose_name = _("student without online access")
        verbose_name_plural = _("students without online access")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(solved_on__isnull=True), name="teaching_gap_one_open"
            ),
            models.CheckConstraint(
                condition=Q(solved_on__isnull=True) | Q(solved_on__gte=F("recorded_on")), name="teaching_gap_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.get_lack_display()}"


class AidKind(models.TextChoices):
    DATA_PLAN = "data_plan", _("Data plan (流量)")
    LENT_PHONE = "lent_phone", _("Lent phone (借用手机)")
    TV_LESSONS = "tv_lessons", _("TV lessons (电视课堂)")


class TeachingAid(models.Model):
    """What a student without online access was given, from a day; a lent phone until it is back."""

    gap = models.ForeignKey(
        TeachingGap, verbose_name=_("student without online access"), on_delete=models.PROTECT, related_name="aids"
    )
    kind = models.CharField(_("aid"), max_length=16, choices=AidKind.choices)
    given_on = models.DateField(_("given on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    returned_on = models.DateField(_("phone returned on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_sensitive = True
    scope_fields = {
        key: f"gap__{path}" if isinstance(path, str) else tuple(f"gap__{p}" for p in path)
        for key, path in CheckFinding.scope_fields.items()
    }

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("teaching aid")
        verbose_name_plural = _("teaching aids")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("given_on")), name="teaching_aid_in_order"
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(kind="lent_phone"), name="teaching_aid_only_a_phone_returns"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gap_id} {self.get_kind_display()}"


class HomeVisit(ClientSubmitted):
    """An online home visit (线上家访) by a teacher: the student, the day, the family's situation,
    the purpose, the findings and the measures."""

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("student"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("visited on"))
    family = models.TextField(_("family's situation"))
    purpose = models.CharField(_("purpose"), max_length=200)
    findings = models.TextField(_("findings"))
    measures = models.TextField(_("measures"), blank=True)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_sensitive = True
    scope_fields = CheckFinding.scope_fields

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("online home visit")
        verbose_name_plural = _("online home visits")
        indexes = [models.Index(fields=["visited_on"], name="home_visit_day")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.visited_on}"


class LessonGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


def lesson_grade(score: int) -> str:
    """A at 80 or more, B from 60 to 79, C below 60."""
    return LessonGrade.A if score >= 80 else LessonGrade.B if score >= 60 else LessonGrade.C


class LessonObservation(models.Model):
    """A lesson observed online by a teaching researcher (听评课): the teacher, the subject, the day,
    the total score and its grade, the suggestions and the scored sheet; a suggestion may open an
    improvement case for the school. The lesson ledger (台账) is these rows."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=20)
    observed_on = models.DateField(_("observed on"))
    score = models.PositiveSmallIntegerField(_("total score"))
    grade = models.CharField(_("grade of the lesson"), max_length=1, choices=LessonGrade.choices)
    suggestions = models.TextField(_("suggestions"), blank=True)
    sheet = models.ForeignKey(
        StoredFile, verbose_name=_("scored sheet"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("teaching researcher"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("improvement case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # The bureau and the school's jurisdiction see the ledger; of the school's teachers only the
    # one observed (and the researcher who observed), not every colleague's score.
    scope_fields = {
        "region": "school__unit__region",
        "department": "school__unit__profiles__department",
        "staff": "teacher",
        "staff_unit": "school__unit",
    }

    class Meta:
        ordering = ["-observed_on", "-id"]
        verbose_name = _("lesson observation")
        verbose_name_plural = _("lesson observations")
        indexes = [models.Index(fields=["observed_on"], name="lesson_observed_day")]
        constraints = [models.CheckConstraint(condition=Q(score__lte=100), name="lesson_score_at_most_100")]

    def __str__(self) -> str:
        return f"{self.subject} {self.observed_on}"
