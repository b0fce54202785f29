"""The markets' records (practice 3, 区市场监管局, 红黑旗): inspection teams and their inspectors,
the shops they answer for (三小门店, units of kind shop), the rounds a team goes out on (出动), each
inspection's flag, the suspension notices (责令停业整改通知书) and the reviews (复核) of a flag.

The checklist and its answers are core/inspections' (a ShopInspection is the markets' side of one
core Inspection); the daily coverage is a duty in core/duties (duties.py); rectification orders and
reviews are cases in the case engine (case_kinds.py); the shop's status is a flow (states.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.cases.models import Case
from lianfang.core.files.models import StoredFile
from lianfang.core.inspections.models import Inspection
from lianfang.core.regions.models import Department, Region
from lianfang.core.units.models import Unit

from .states import Flag, Kind, Outcome, ShopState


class Team(models.Model):
    """An inspection team (执法队) of the bureau, assigned to subdistricts and towns (分包镇办)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    regions = models.ManyToManyField(
        Region, verbose_name=_("subdistricts and towns assigned (分包镇办)"), related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_fields = {"region": "regions", "department": "department"}

    class Meta:
        ordering = ["id"]  # as the bureau set them up (执法一队, 二队 …)
        verbose_name = _("inspection team")
        verbose_name_plural = _("inspection teams")

    def __str__(self) -> str:
        return self.name


class Inspector(models.Model):
    """A staff account as a law-enforcement inspector: its certificate number (执法证号) and team."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.PROTECT, related_name="inspector"
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="inspectors")
    badge_number = models.CharField(_("law-enforcement certificate number (执法证号)"), max_length=20, unique=True)
    active = models.BooleanField(_("active"), default=True)

    scope_fields = {"region": "team__regions", "department": "team__department"}

    class Meta:
        ordering = ["team_id", "badge_number"]
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")

    def __str__(self) -> str:
        return f"{self.user.full_name or self.user.username}（{self.badge_number}）"


class Shop(models.Model):
    """The markets' record of a unit of kind shop: its operator, its status and its current flag.

    The responsible team follows from the shop's region (the team assigned to its subdistrict)
    unless `team` overrides it. `state` moves only through the shop flow (states.py); `flag` is the
    flag on the public list, kept by the services from the inspections that give and revoke flags.
    """

    unit = models.OneToOneField(
        Unit, verbose_name=_("shop"), primary_key=True, on_delete=models.PROTECT, related_name="shop"
    )
    operator = models.CharField(_("operator (经营者)"), max_length=60, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("responsible team (overriding the region's)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("status"), max_length=16, choices=ShopState.choices, default=ShopState.OPEN)
    flag = models.CharField(_("current flag"), max_length=8, choices=Flag.choices, blank=True, default="")
    flag_since = models.DateField(_("flag given on"), null=True, blank=True)
    last_inspected_at = models.DateTimeField(_("last inspected"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_fields = {"region": "unit__region", "department": "unit__profiles__department", "unit": "unit"}

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        indexes = [models.Index(fields=["state", "flag"], name="shop_state_flag")]

    def __str__(self) -> str:
        return self.unit.name


class Round(models.Model):
    """One team going out on one day (出动): the members present count toward 出动执法人员人次."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="rounds")
    day = models.DateField(_("day"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors present"), related_name="+")
    size = models.PositiveSmallIntegerField(_("inspectors present"), default=0)  # kept with `members`
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_fields = {"region": "team__regions", "department": "team__department"}

    class Meta:
        ordering = ["-day", "team_id"]
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="round_once_per_team_day")]

    def __str__(self) -> str:
        return f"{self.team} {self.day}"


class ShopInspection(models.Model):
    """The markets' side of one inspection of a shop: its round, kind and outcome (the flag), and
    what followed (the case it opened or settled). A flag revoked on review stays here with
    `revoked_at`, and leaves the figures and the public list."""

    inspection = models.OneToOneField(
        Inspection, primary_key=True, on_delete=models.PROTECT, related_name="shop_inspection"
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="inspections")
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="inspections")
    day = models.DateField(_("day"))  # the inspection's day in Asia/Shanghai
    kind = models.CharField(_("kind of inspection"), max_length=12, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    decided = models.CharField(_("outcome by the checklist"), max_length=12, choices=Outcome.choices)
    stricter_reason = models.CharField(_("reason for a stricter outcome"), max_length=300, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("rectification case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked on review"), null=True, blank=True)

    scope_fields = {
        "region": "inspection__region",
        "department": "inspection__version__template__department",
        "unit": "shop__unit",
    }

    class Meta:
        ordering = ["-day", "-inspection_id"]
        verbose_name = _("shop inspection")
        verbose_name_plural = _("shop inspections")
        indexes = [
            models.Index(fields=["day", "outcome"], name="shop_inspection_day"),
            models.Index(fields=["shop", "day"], name="shop_inspection_shop_day"),
        ]

    def __str__(self) -> str:
        return f"{self.shop} {self.day} {self.get_outcome_display()}"

    @property
    def gives_black(self) -> bool:
        return self.outcome in (Outcome.BLACK, Outcome.SUSPENSION)


class NoticeSequence(models.Model):
    """The last 文号 given in a year (numbers run from 1 each year)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("notice numbering")
        verbose_name_plural = _("notice numbering")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Service(models.TextChoices):
    SIGNED = "signed", _("Signed for by the operator")
    REFUSED = "refused", _("Refused, before a witness")


class SuspensionNotice(models.Model):
    """责令停业整改通知书: issued with a suspension, numbered per year, and served (送达)."""

    inspection = models.OneToOneField(ShopInspection, primary_key=True, on_delete=models.PROTECT, related_name="notice")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("rectify by"))
    requirements = models.TextField(_("rectification requirements"))
    served = models.CharField(_("service (送达)"), max_length=8, choices=Service.choices, blank=True)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    signature = models.ForeignKey(
        StoredFile, verbose_name=_("signature"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    witness = models.CharField(_("witness"), max_length=60, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_fields = {
        "region": "inspection__inspection__region",
        "department": "inspection__inspection__version__template__department",
        "unit": "inspection__shop__unit",
    }

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("suspension notice")
        verbose_name_plural = _("suspension notices")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="suspension_notice_number_once"),
            models.CheckConstraint(
                condition=Q(served="")
                | Q(served="signed", signature__isnull=False)
                | Q(served="refused") & ~Q(witness=""),
                name="suspension_notice_served_with_proof",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """The 文号: 上市监停字〔2022〕第7号 (the prefix is a setting)."""
        return f"{settings.MARKETS_NOTICE_PREFIX}〔{self.year}〕第{self.number}号"


class Decision(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    REVOKED = "revoked", _("Revoked")


class Review(models.Model):
    """复核: a shop's request that another team look again at a black flag or a suspension. Its case
    (kind markets.review) is closed by the decision."""

    flagged = models.ForeignKey(
        ShopInspection, verbose_name=_("inspection reviewed"), on_delete=models.PROTECT, related_name="reviews"
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="reviews")
    team = models.ForeignKey(Team, verbose_name=_("reviewing team"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("the shop's grounds"))
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("reasons for the decision"), blank=True)

    scope_fields = {"region": "shop__unit__region", "department": "team__department", "unit": "shop__unit"}

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("review (复核)")
        verbose_name_plural = _("reviews (复核)")
        constraints = [
            models.UniqueConstraint(fields=["flagged"], condition=Q(decision=""), name="review_one_open_per_inspection")
        ]

    def __str__(self) -> str:
        return f"{self.shop} {self.flagged.day}"
