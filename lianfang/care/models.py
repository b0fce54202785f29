"""The care practice's records (practice 2, 中心路街道, 敲门行动+暖心服务).

Households and their members (registry persons), the vulnerability tags on them (sensitive: income,
health, disability, minors), the visits (敲门行动) with the needs they found, door-knocking
campaigns, service orders (暖心服务) with their delivery, day-care attendance, and temporary relief
applications (临时救助) with their investigation, public notice, objections and payments.

Who holds a care role where (CareRole) decides who sees the tags and who acts on orders and
applications (permissions.py). The visit duties are core/duties' (duties.py); the flows of an
order and an application are core/flows' (states.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.files.models import StoredFile
from lianfang.core.idempotency import ClientSubmitted
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Region

from .states import (
    ApprovalLevel,
    Confirmer,
    NeedKind,
    OrderState,
    PaymentMethod,
    ReliefCause,
    ReliefState,
    ReliefType,
    RiskTier,
    ServiceKind,
    TagKind,
    TagSource,
    VisitMode,
)
from .tiers import higher

USER = settings.AUTH_USER_MODEL


class CareRoleKind(models.TextChoices):
    STAFF = "staff", _("Care worker (关爱专员)")
    LEAD = "lead", _("Care lead (关爱负责人)")
    COUNSELLOR = "counsellor", _("Counsellor (心理咨询师)")
    APPROVER = "approver", _("Relief approver (救助审批)")


class CareRole(models.Model):
    """A user's care role over a community or a subdistrict: care workers and the care lead see the
    tags there; a counsellor takes counselling orders; a relief approver approves relief at the
    subdistrict's level."""

    user = models.ForeignKey(USER, verbose_name=_("user"), on_delete=models.PROTECT, related_name="care_roles")
    kind = models.CharField(_("care role"), max_length=16, choices=CareRoleKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_fields = {"region": "region", "assignee": "user"}

    class Meta:
        ordering = ["region__code", "kind", "id"]
        verbose_name = _("care role")
        verbose_name_plural = _("care roles")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "region"], name="care_role_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.region}"


class Household(models.Model):
    """A household at an address in a community or village: its members are registry persons, one
    of them the head. Its phone is its members' (the registry keeps phones encrypted)."""

    region = models.ForeignKey(Region, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=200)
    # The tier the tags give (tiers.py), and a higher one staff may set with a reason.
    tier = models.CharField(_("tier from the tags"), max_length=16, choices=RiskTier.choices, blank=True)
    raised_tier = models.CharField(_("tier raised to"), max_length=16, choices=RiskTier.choices, blank=True)
    raised_reason = models.CharField(_("reason for raising"), max_length=200, blank=True)
    last_visited_at = models.DateTimeField(_("last visited at"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_fields = {"region": "region", "assignee": "created_by"}

    class Meta:
        ordering = ["region__code", "address", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["region", "address"], name="household_address_once")]

    def __str__(self) -> str:
        return self.address

    @property
    def effective_tier(self) -> str:
        return higher(self.tier, self.raised_tier)

    @property
    def effective_tier_label(self) -> str:
        tier = self.effective_tier
        return str(RiskTier(tier).label) if tier else ""


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household (户主)")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")


class Member(models.Model):
    """A person living in a household (one household at a time)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices, default=Relation.OTHER)

    scope_fields = {"region": "household__region"}

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(relation="head"), name="household_one_head")
        ]

    def __str__(self) -> str:
        return self.person.name


class Tag(models.Model):
    """A vulnerability tag on a person, or on the whole household (person empty), with its source
    and its validity. Sensitive: seen only by care staff, civil affairs and sensitive roles."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="tags")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("tag"), max_length=20, choices=TagKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=TagSource.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    visit = models.ForeignKey(
        "Visit", verbose_name=_("visit"), null=True, blank=True, on_delete=models.PROTECT, related_name="new_tags"
    )
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_fields = {"region": "household__region"}
    scope_sensitive = True

    class Meta:
        ordering = ["household_id", "kind", "id"]
        verbose_name = _("vulnerability tag")
        verbose_name_plural = _("vulnerability tags")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="care_tag_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Visit(ClientSubmitted):
    """A knock on a household's door (or a call): who was seen, their situation, what they need."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="visits"
    )
    visitor = models.ForeignKey(USER, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("how"), max_length=8, choices=VisitMode.choices, default=VisitMode.DOOR)
    visited_at = models.DateTimeField(_("visited at"), db_index=True)
    reached = models.BooleanField(_("someone was reached"), default=True)
    seen = models.ManyToManyField(Person, verbose_name=_("people seen"), blank=True, related_name="+")
    situation = models.TextField(_("situation"), blank=True)
    # A change in the household worth a visit within 24 hours (a fall, a hospital stay …).
    change_reported = models.BooleanField(_("a change to follow up"), default=False)
    campaign = models.ForeignKey(
        "Campaign", verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_fields = {"region": "household__region", "assignee": "visitor"}

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["household", "-visited_at"], name="care_visit_household")]

    def __str__(self) -> str:
        return f"{self.household} {timezone.localtime(self.visited_at):%Y-%m-%d %H:%M}"


class Need(models.Model):
    """A need found on a visit, with its follow-up date; one tap turns it into a service order or a
    relief application, linked back here."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("need"), max_length=16, choices=NeedKind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("for"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    follow_up_by = models.DateField(_("follow up by"), null=True, blank=True)
    self_harm_risk = models.BooleanField(_("self-harm risk"), default=False)

    scope_fields = {"region": "visit__household__region", "assignee": "visit__visitor"}

    class Meta:
        ordering = ["visit_id", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def followed(self) -> bool:
        return hasattr(self, "order") or hasattr(self, "relief")


class Campaign(models.Model):
    """A door-knocking campaign: a period and the households on its list; it spawns each day's
    volunteer tasks, and the doors not reached get a second attempt."""

    name = models.CharField(_("name"), max_length=80)
    region = models.ForeignKey(Region, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    doors_per_task = models.PositiveSmallIntegerField(_("doors per volunteer task"), default=20)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_fields = {"region": "region", "assignee": "created_by"}

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("door-knocking campaign")
        verbose_name_plural = _("door-knocking campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_in_order")
        ]

    def __str__(self) -> str:
        return self.name


class Door(models.Model):
    """A household on a campaign's list: reached by a visit, or tried and not reached (a second
    attempt is scheduled), and the volunteer task it was given to on a day."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="doors")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    reached_at = models.DateTimeField(_("reached at"), null=True, blank=True)
    task = models.ForeignKey(
        "volunteers.VolunteerTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_day = models.DateField(_("given out on"), null=True, blank=True)

    scope_fields = {"region": "household__region"}

    class Meta:
        ordering = ["campaign_id", "id"]
        verbose_name = _("door on a campaign's list")
        verbose_name_plural = _("doors on a campaign's list")
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="door_once_per_campaign")]

    def __str__(self) -> str:
        return f"{self.campaign_id}·{self.household_id}"


class ServiceOrder(models.Model):
    """暖心服务: a service for a resident, assigned to a volunteer squad or a person, delivered with
    proof and confirmed by the resident (or by the visitor when the resident cannot)."""

    kind = models.CharField(_("service"), max_length=16, choices=ServiceKind.choices)
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("for"), on_delete=models.PROTECT, related_name="+")
    need = models.OneToOneField(
        Need, verbose_name=_("need"), null=True, blank=True, on_delete=models.PROTECT, related_name="order"
    )
    detail = models.TextField(_("what is needed"), blank=True)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=OrderState.choices, default=OrderState.APPLIED)
    assigned_squad = models.ForeignKey(
        "volunteers.Squad", verbose_name=_("squad"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        USER, verbose_name=_("assigned to"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_photo = models.ForeignKey(
        StoredFile, verbose_name=_("delivery photo"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 代购: the money advanced, the receipt, whether the resident has repaid it.
    amount_advanced = models.DecimalField(
        _("amount advanced (元)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    receipt = models.ForeignKey(
        StoredFile, verbose_name=_("receipt"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repaid = models.BooleanField(_("repaid"), default=False)
    confirmed_as = models.CharField(_("confirmed by"), max_length=16, choices=Confirmer.choices, blank=True)
    confirmed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation = models.ForeignKey(
        StoredFile,
        verbose_name=_("signature or photo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resident_unable = models.CharField(_("why the resident could not confirm"), max_length=200, blank=True)
    # 心理疏导: a self-harm risk seen by the counsellor, the lead told, and the referral made.
    self_harm_risk = models.BooleanField(_("self-harm risk"), default=False)
    referral = models.CharField(_("referral"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_fields = {
        "region": "household__region",
        "assignee": ("assigned_to", "assigned_squad__members", "created_by"),
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        indexes = [models.Index(fields=["state", "created_at"], name="care_order_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(assigned_squad__isnull=True) | Q(assigned_to__isnull=True), name="care_order_one_assignee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person.name}"

    @property
    def is_private(self) -> bool:
        return self.kind == ServiceKind.COUNSELLING


class DayCareAttendance(models.Model):
    """An elder at the community's day-care centre (日间照料中心) on a day."""

    region = models.ForeignKey(Region, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_fields = {"region": "region"}

    class Meta:
        ordering = ["-day", "id"]
        verbose_name = _("day-care attendance")
        verbose_name_plural = _("day-care attendance")
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="day_care_once_a_day")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"


class ReliefApplication(models.Model):
    """临时救助: an application for a household, decided by the rules (relief.py)."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(Person, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+")
    need = models.OneToOneField(
        Need, verbose_name=_("need"), null=True, blank=True, on_delete=models.PROTECT, related_name="relief"
    )
    applied_on = models.DateField(_("applied on"))
    cause = models.CharField(_("cause"), max_length=16, choices=ReliefCause.choices)
    relief_type = models.CharField(_("type"), max_length=16, choices=ReliefType.choices)
    local_hukou = models.BooleanField(_("local household registration (本地户籍)"), default=True)
    story = models.TextField(_("circumstances"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ReliefState.choices, default=ReliefState.APPLIED)
    # The 低保 standard in force on the application date, for the community (urban) or village (rural).
    standard = models.DecimalField(_("monthly subsistence standard (元)"), max_digits=8, decimal_places=2)
    rural = models.BooleanField(_("rural standard"), default=False)
    # The investigation (入户调查) with the household's economic check (家庭经济状况核对).
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    monthly_income = models.DecimalField(
        _("household monthly income (元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    assets = models.DecimalField(
        _("household financial assets (元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    findings = models.TextField(_("findings of the home investigation"), blank=True)
    investigated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    amount = models.DecimalField(_("amount (元)"), max_digits=10, decimal_places=2, null=True, blank=True)
    approval_level = models.CharField(_("approved at"), max_length=16, choices=ApprovalLevel.choices, blank=True)
    publicity_starts = models.DateField(_("public notice from"), null=True, blank=True)
    publicity_ends = models.DateField(_("public notice until"), null=True, blank=True)
    # A repeat for the same cause within the window, named; 区民政局 may override with a reason.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("earlier application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    repeat_override = models.CharField(_("reason for overriding the repeat flag"), max_length=300, blank=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_fields = {"region": "household__region"}
    scope_sensitive = True  # income, assets and the household's hardship

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("relief application")
        verbose_name_plural = _("relief applications")
        indexes = [models.Index(fields=["household", "cause", "applied_on"], name="care_relief_repeat")]

    def __str__(self) -> str:
        return f"{self.applicant.name} {self.applied_on}"

    def paid_total(self) -> Decimal:
        return self.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


class Objection(models.Model):
    """An objection to an application received during its public notice, and how it was resolved."""

    application = models.ForeignKey(ReliefApplication, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("objection"))
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_fields = {"region": "application__household__region"}
    scope_sensitive = True

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.application_id} {self.received_on}"


class Payment(models.Model):
    """A payment of relief: a bank transfer (the account encrypted, masked, audited on reveal) or
    items in kind. An advance (先行救助) is paid before approval, its papers due within days."""

    application = models.ForeignKey(ReliefApplication, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (元)"), max_digits=10, decimal_places=2)
    method = models.CharField(_("how paid"), max_length=16, choices=PaymentMethod.choices)
    account_cipher = models.TextField(_("bank account (encrypted)"), blank=True, editable=False)
    account_masked = models.CharField(_("bank account"), max_length=32, blank=True, editable=False)
    items = models.CharField(_("items given"), max_length=300, blank=True)
    advance = models.BooleanField(_("advance (先行救助)"), default=False)
    paid_on = models.DateField(_("paid on"))
    paid_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_fields = {"region": "application__household__region"}
    scope_sensitive = True
    audit_masked_fields = {"account_cipher": lambda v: "***"}

    class Meta:
        ordering = ["application_id", "paid_on", "id"]
        verbose_name = _("relief payment")
        verbose_name_plural = _("relief payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="care_payment_positive")]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_method_display()}"
