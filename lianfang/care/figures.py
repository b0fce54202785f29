"""The care practice's figures (practice 2, 敲门行动+暖心服务): households visited, doors knocked ÷
doors listed, people helped, relief paid and applications by state, and the overdue visits of
each tier (from core/duties). Staff sent down (下沉人员) is the regions' figure and volunteers
active the volunteers'.

Relief figures count sensitive records: a viewer sees the relief of the regions where they may
see it (the scoping layer's sensitive grants; the commander sees all).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianfang.core.duties.figures import completeness_figure, missing_figure
from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units, in_region, register
from lianfang.core.figures.sections import Section, register_section
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Region

from .duties import VISIT_AFTER_CHANGE, VISIT_GENERAL, VISIT_HIGH, VISIT_PRIORITY
from .models import Door, Payment, ReliefApplication, ServiceOrder, Visit
from .states import OrderState, ReliefCause, ReliefState

PRACTICE = "care"


def _visits(period: Period, region: Region) -> QuerySet[Any]:
    rows = Visit.objects.filter(visited_at__gte=period.starts_at, visited_at__lt=period.ends_before, reached=True)
    return in_region(rows, "household__region", region)


def _doors(period: Period, region: Region) -> QuerySet[Any]:
    """The doors on the lists of campaigns running in the period."""
    rows = Door.objects.filter(campaign__starts_on__lte=period.end, campaign__ends_on__gte=period.start)
    return in_region(rows, "household__region", region)


def _doors_knocked(period: Period, region: Region) -> QuerySet[Any]:
    return _doors(period, region).filter(reached_at__isnull=False, reached_at__lt=period.ends_before)


def _delivered(period: Period, region: Region) -> QuerySet[Any]:
    rows = ServiceOrder.objects.filter(
        state__in=(OrderState.DELIVERED, OrderState.CONFIRMED),
        delivered_at__gte=period.starts_at,
        delivered_at__lt=period.ends_before,
    )
    return in_region(rows, "household__region", region)


def _payments(period: Period, region: Region) -> QuerySet[Any]:
    rows = Payment.objects.filter(paid_on__gte=period.start, paid_on__lte=period.end)
    return in_region(rows, "application__household__region", region)


def _helped(period: Period, region: Region) -> QuerySet[Any]:
    """People with a service delivered or relief paid in the period."""
    served = _delivered(period, region).values("person_id")
    relieved = _payments(period, region).values("application__applicant_id")
    return Person.objects.filter(Q(pk__in=served) | Q(pk__in=relieved))


def _applications(period: Period, region: Region) -> QuerySet[Any]:
    rows = ReliefApplication.objects.filter(applied_on__gte=period.start, applied_on__lte=period.end)
    return in_region(rows, "household__region", region)


def _applications_in(*states: str) -> Any:
    def rows(period: Period, region: Region) -> QuerySet[Any]:
        return _applications(period, region).filter(state__in=states)

    return rows


VISIT_COLUMNS = (
    Column("visited_at", _("visited at")),
    Column("household__address", _("address")),
    Column("household__region__name", _("community")),
    Column("visitor__full_name", _("visitor")),
    Column("mode", _("how")),
)
APPLICATION_COLUMNS = (
    Column("applied_on", _("applied on")),
    Column("applicant__name", _("applicant")),
    Column("household__region__name", _("community")),
    Column("cause", _("cause"), choices=ReliefCause),
    Column("amount", _("amount (元)")),
    Column("state", _("state"), choices=ReliefState),
)

register(
    Figure(
        key="care.households_visited",
        label=_("Households visited (敲门行动)"),
        unit=_("households"),
        kind=Kind.DISTINCT,
        practice=PRACTICE,
        rows=_visits,
        subject="household",
        columns=VISIT_COLUMNS,
        description=_("Households where someone was reached by a visit in the period; each household once."),
    )
)
register(
    Figure(
        key="care.doors_knocked",
        label=_("Doors knocked of doors listed"),
        unit="%",
        kind=Kind.RATE,
        practice=PRACTICE,
        rows=_doors_knocked,
        denominator=_doors,
        columns=(
            Column("campaign__name", _("campaign")),
            Column("household__address", _("address")),
            Column("household__region__name", _("community")),
            Column("attempts", _("attempts")),
            Column("reached_at", _("reached at")),
        ),
        description=_("Of the doors on the lists of the campaigns running in the period, the share reached."),
        target=Decimal(100),
    )
)
register(
    Figure(
        key="care.people_helped",
        label=_("People helped"),
        unit=Units.PERSONS,
        kind=Kind.DISTINCT,
        practice=PRACTICE,
        rows=_helped,
        subject="id",
        sensitive=True,  # who got relief is sensitive (income): the list only for sensitive grants
        columns=(Column("name", _("name")), Column("home_region__name", _("home region"))),
        description=_("People with a service delivered or temporary relief paid in the period; each person once."),
    )
)
register(
    Figure(
        key="care.relief_paid",
        label=_("Temporary relief paid"),
        unit=Units.TEN_THOUSAND_YUAN,
        kind=Kind.SUM,
        amount="amount",
        scale=Decimal(10000),
        practice=PRACTICE,
        rows=_payments,
        day="paid_on",
        columns=(
            Column("paid_on", _("paid on")),
            Column("application__applicant__name", _("applicant")),
            Column("application__household__region__name", _("community")),
            Column("amount", _("amount (元)")),
            Column("method", _("how paid")),
        ),
        description=_("Relief paid in the period, advances included."),
    )
)
for _key, _label, _states in (
    ("care.relief_in_progress", _("Relief applications in progress"), (
        ReliefState.APPLIED, ReliefState.INVESTIGATING, ReliefState.PUBLICITY, ReliefState.APPROVING,
        ReliefState.PAYING, ReliefState.RETURNED,
    )),
    ("care.relief_archived", _("Relief applications paid and archived"), (ReliefState.ARCHIVED,)),
    ("care.relief_refused", _("Relief applications refused"), (ReliefState.REFUSED,)),
):  # fmt: skip
    register(
        Figure(
            key=_key,
            label=_label,
            unit=Units.ITEMS,
            kind=Kind.COUNT,
            practice=PRACTICE,
            rows=_applications_in(*_states),
            day="applied_on",
            columns=APPLICATION_COLUMNS,
            description=_("Applications made in the period, by their state now."),
        )
    )
for _duty, _key, _label in (
    (VISIT_HIGH, "care.visits_high", _("Weekly visits made (高)")),
    (VISIT_PRIORITY, "care.visits_priority", _("Monthly visits made (重点)")),
    (VISIT_GENERAL, "care.visits_general", _("Quarterly visits made (一般)")),
):
    register(
        completeness_figure(
            _duty,
            key=_key,
            label=_label,
            practice=PRACTICE,
            description=_("Of the visits owed by the tier's households in periods ending in the range, the share made; "
                          "the drill-down lists the households overdue."),
        )
    )  # fmt: skip
register(
    missing_figure(
        VISIT_AFTER_CHANGE,
        key="care.change_visits_missing",
        label=_("Visits owed after a reported change"),
        practice=PRACTICE,
        unit=pgettext_lazy("unit", "households"),
        description=_(
            "Households whose reported change (a hospital stay, a death, a lost income) awaits its visit "
            "within 24 hours."
        ),
    )
)
register_section(
    Section(
        practice=PRACTICE,
        unit="{region}",
        headline="{region}“敲门行动+暖心服务”保障疫情期间困难群众基本生活",
        text=(
            "该街道组织机关下沉人员、社区工作人员和志愿者，深入居民家中摸排，了解低保户、困难商户等人员"
            "基本情况和诉求，对于受疫情影响收入下降，符合临时救助条件的，按规定实施临时救助，"
            "送去防疫保障和生活物资。对老年人、残疾人等及时开展上门探视服务，发挥社区日间照料中心作用，"
            "并协调医护人员为其提供医疗、照料等全方位服务。同时，组成“扶老助残志愿小分队”，"
            "为困难群众提供代购服务和线上心理疏导，让其感受到政府关怀。目前，共组织{下沉|approx}名下沉人员、"
            "{志愿者}名志愿者参与暖心服务，帮助困难群众{帮助|approx:1}人。"
        ),
        figures={
            "下沉": "regions.sent_down_staff",
            "志愿者": "volunteers.active",
            "帮助": "care.people_helped",
        },
        order=20,
        by_region=True,
    )
)
