"""The figures of 工业路街道's three interactions (bulletin: 解决问题43项, 申领补贴517万元,
协调贷款1800万元, 协调用工153人, 17名党建指导员), each computed from the rows its drill-down lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianfang.core.cases.workflow import State
from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units, in_region, register
from lianfang.core.figures.sections import Section, register_section
from lianfang.core.regions.models import Region

from .models import EnterpriseProblem, InstructorAssignment, ProblemCategory, ResourceDispatch

PRACTICE = "enterprises"
PROBLEM_COLUMNS = (
    Column("case__title", _("problem")),
    Column("case__unit__name", _("enterprise")),
    Column("category", _("category"), choices=ProblemCategory),
    Column("case__closed_at", _("closed at")),
)


def _solved(period: Period, region: Region) -> QuerySet[Any]:
    """Problems in their kind's closed state (verified), closed within the period."""
    rows = EnterpriseProblem.objects.filter(
        case__is_closed=True, case__closed_at__gte=period.starts_at, case__closed_at__lt=period.ends_before
    )
    return in_region(rows, "case__region", region)


register(
    Figure(
        key="enterprises.problems_solved",
        label=_("Problems solved for enterprises"),
        unit=Units.ITEMS,
        kind=Kind.COUNT,
        practice=PRACTICE,
        rows=_solved,
        columns=PROBLEM_COLUMNS,
        description=_("Enterprises' problems closed (verified) in the period."),
    )
)


def _outcome_sum(
    key: str, name: str, *, label: Promise, unit: Promise, column: Promise, description: Promise, scale: int = 1
) -> None:
    """A figure summing one outcome of solved problems (EnterpriseProblem.<name>), over the
    problems that have it, each listed with its amount."""

    def rows(period: Period, region: Region) -> QuerySet[Any]:
        return _solved(period, region).filter(**{f"{name}__gt": 0})

    register(
        Figure(
            key=key,
            label=label,
            unit=unit,
            kind=Kind.SUM,
            practice=PRACTICE,
            rows=rows,
            amount=name,
            scale=Decimal(scale),
            columns=(*PROBLEM_COLUMNS, Column(name, column)),
            description=description,
        )
    )


_outcome_sum(
    "enterprises.subsidies",
    "subsidy_amount",
    label=_("Subsidies applied for"),
    unit=Units.TEN_THOUSAND_YUAN,
    column=_("subsidy (yuan)"),
    description=_("Subsidies applied for on enterprises' behalf, in problems closed in the period."),
    scale=10000,
)
_outcome_sum(
    "enterprises.loans",
    "loan_amount",
    label=_("Loans coordinated"),
    unit=Units.TEN_THOUSAND_YUAN,
    column=_("loan (yuan)"),
    description=_("Loans coordinated for enterprises, in problems closed in the period."),
    scale=10000,
)
_outcome_sum(
    "enterprises.workers_placed",
    "workers_placed",
    label=_("Workers placed"),
    unit=Units.PERSONS,
    column=_("workers placed"),
    description=_("Workers placed with enterprises short of labour, in problems closed in the period."),
)


def _assignments(period: Period, region: Region) -> QuerySet[Any]:
    rows = InstructorAssignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=period.start), starts_on__lte=period.end
    )
    return in_region(rows, "unit__region", region)


register(
    Figure(
        key="enterprises.instructors",
        label=_("Party-building instructors assigned"),
        unit=Units.PERSONS,
        kind=Kind.DISTINCT,
        practice=PRACTICE,
        rows=_assignments,
        subject="instructor",
        columns=(
            Column("instructor__name", _("instructor")),
            Column("unit__name", _("enterprise")),
            Column("starts_on", _("from")),
            Column("ends_on", _("until")),
        ),
        description=_("Instructors assigned one to one to enterprises at any time in the period; each once."),
    )
)


def _dispatches(period: Period, region: Region) -> QuerySet[Any]:
    rows = ResourceDispatch.objects.filter(
        case__created_at__gte=period.starts_at, case__created_at__lt=period.ends_before
    )
    return in_region(rows, "case__region", region)


register(
    Figure(
        key="enterprises.resource_dispatches",
        label=_("Resource dispatches"),
        unit=Units.TIMES,
        kind=Kind.COUNT,
        practice=PRACTICE,
        rows=_dispatches,
        columns=(
            Column("offer__title", _("resource")),
            Column("case__unit__name", _("enterprise")),
            Column("case__state", _("state"), choices=State),
            Column("case__created_at", _("requested at")),
        ),
        description=_("Enterprises' resources requested by the subdistrict in the period."),
    )
)
register_section(
    Section(
        practice=PRACTICE,
        unit="{region}",
        headline="{region}“三互动双向奔赴”防控疫情",
        text=(
            "该街道推行“三互动双向奔赴”模式政企联动防控疫情，实行信息互动，成立企业疫情防控专班，"
            "每天通过微信群发布最新防疫要求，搜集企业反映问题；实行资源互动，街道帮助企业解决用工难、"
            "物资紧缺等问题{问题}项，帮助企业申领补贴{补贴}万元、协调贷款{贷款}万元，协调用工{用工}人；"
            "企业利用自身资源，先后提供雾炮车协助消杀、帮助印制防疫指南等，参与疫情防控工作；"
            "实行人员互动，安排{指导员}名党建指导员深入企业一对一指导疫情防控工作，同时，"
            "企业安排{志愿者}名年轻志愿者参与核酸检测工作，有效提升了核酸检测效率。"
        ),
        figures={
            "问题": "enterprises.problems_solved",
            "补贴": "enterprises.subsidies",
            "贷款": "enterprises.loans",
            "用工": "enterprises.workers_placed",
            "指导员": "enterprises.instructors",
            "志愿者": "volunteers.enterprise_volunteers_dispatched",
        },
        order=10,
        by_region=True,
    )
)
