"""Reads of the care practice, each in the viewer's jurisdiction (permissions.py says who sees the
sensitive parts): households and their search, a household's tags (every view of a tagged
household's details is audited), visits, service orders (a counselling order only to its
counsellor and the care lead), relief applications, the overdue visits by tier, the public notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from lianfang.core.audit.services import audit_record
from lianfang.core.calendar.days import district_calendar
from lianfang.core.duties.models import DutySubject
from lianfang.core.duties.periods import period_day
from lianfang.core.duties.selectors import missing
from lianfang.core.people.identity import normalise_phone
from lianfang.core.people.indexes import phone_index
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope, scope_for

from .duties import TIER_DUTIES
from .models import (
    Campaign,
    CareRoleKind,
    DayCareAttendance,
    Household,
    Member,
    ReliefApplication,
    ServiceOrder,
    Tag,
    Visit,
)
from .permissions import care_prefixes, is_civil_affairs, sees_sensitive_in, sensitive_filter, work_prefixes
from .states import ReliefState, RiskTier

SEARCH_LIMIT = 30


def household_list(user: Any) -> QuerySet[Household]:
    """The households in the viewer's jurisdiction, and those of the regions where they knock on
    doors (permissions.work_prefixes)."""
    return _scoped_or_in(user, Household.objects.select_related("region"), "region", work_prefixes)


def household_search(user: Any, query: str) -> QuerySet[Household]:
    """Households by address, by a member's name, or by phone: the whole number (its blind index)
    or its last four digits, as the masked phones show them (138****5678)."""
    text = " ".join(str(query or "").split())[:60]
    rows = household_list(user)
    if not text:
        return rows.none()
    digits = text.replace(" ", "")
    if digits.isdigit() and len(digits) == 4:
        return rows.filter(members__person__phone_masked__endswith=digits).distinct()[:SEARCH_LIMIT]
    if digits.isdigit() and len(digits) == 11:
        try:
            index = phone_index(normalise_phone(digits))
        except ValidationError:  # not a mobile number: nothing is found by phone
            return rows.none()
        return rows.filter(members__person__phone_index=index).distinct()[:SEARCH_LIMIT]
    return rows.filter(Q(address__icontains=text) | Q(members__person__name=text)).distinct()[:SEARCH_LIMIT]


def members_of(household: Household) -> list[Member]:
    return list(household.members.select_related("person").order_by("-relation", "id"))


def household_tags(user: Any, household: Household, *, day: dt.date | None = None) -> list[Tag] | None:
    """The household's tags valid on `day` for a viewer who may see them, None for one who may not.
    Each view of a tagged household's tags is audited."""
    if not sees_sensitive_in(user, household.region):
        return None
    day = day or timezone.localdate()
    tags = list(
        household.tags.filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("person")
    )
    if tags:
        audit_record(actor=user, verb="care.tag_view", target=household, detail=f"{len(tags)}")
    return tags


def _scoped_or_in(
    user: Any, queryset: QuerySet[Any], region_path: str, prefixes: Callable[[Any], list[str]]
) -> QuerySet[Any]:
    """The records the scoping layer gives, and those in the regions `prefixes` names for the
    user; every record for the commander and 区民政局."""
    scope = scope_for(user)
    if scope.sees_everything or is_civil_affairs(user):
        return queryset
    condition = Q(pk__in=scope.filter(queryset.model._default_manager.all()).values("pk"))
    for prefix in prefixes(user):
        condition |= Q(**{f"{region_path}__code__startswith": prefix})
    return queryset.filter(condition)


def _care_roles(user: Any) -> list[str]:
    return care_prefixes(user, tuple(CareRoleKind))


def _care_area(user: Any, queryset: QuerySet[Any], region_path: str) -> QuerySet[Any]:
    """The records the scoping layer gives, and those of the regions of the user's care roles."""
    return _scoped_or_in(user, queryset, region_path, _care_roles)


def visit_list(user: Any) -> QuerySet[Visit]:
    """Visits in the viewer's jurisdiction, their own, and those where they hold a care role."""
    return _care_area(
        user,
        Visit.objects.select_related("household__region", "visitor").prefetch_related("needs"),
        "household__region",
    )


def order_list(user: Any) -> QuerySet[ServiceOrder]:
    """Orders in the viewer's jurisdiction or given to them; a counselling order only to its
    counsellor and the care lead of its community."""
    rows = _care_area(
        user,
        ServiceOrder.objects.select_related("household__region", "person", "assigned_squad", "assigned_to"),
        "household__region",
    )
    private = Q(kind="counselling")
    allowed = Q(assigned_to=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])
    for prefix in care_prefixes(user, (CareRoleKind.LEAD,)):
        allowed |= Q(household__region__code__startswith=prefix)
    return rows.filter(~private | allowed)


def my_orders(user: Any) -> QuerySet[ServiceOrder]:
    """The open orders given to the user or to a squad they belong to."""
    return (
        order_list(user)
        .filter(Q(assigned_to=user) | Q(assigned_squad__members=user))
        .exclude(state__in=("confirmed", "cancelled"))
        .distinct()
    )


def relief_list(user: Any) -> QuerySet[ReliefApplication]:
    return sensitive_filter(
        user,
        ReliefApplication.objects.select_related("household__region", "applicant", "repeat_of").prefetch_related(
            Prefetch("payments")
        ),
        "household__region",
    )


@dataclass(frozen=True)
class TierOverdue:
    tier: str
    label: str
    period_end: dt.date
    households: list[Household]


def last_ended_period(tier: str, today: dt.date) -> dt.date:
    """The last day of the latest period of the tier's duty that ended before today."""
    duty = TIER_DUTIES[RiskTier(tier)]
    calendar = district_calendar()
    current = period_day(duty, today, calendar)
    day = today
    while period_day(duty, day, calendar) == current:
        day -= dt.timedelta(days=1)
    return day


def overdue_visits(user: Any, *, region: Region | None = None, today: dt.date | None = None) -> list[TierOverdue]:
    """For each tier, the households whose last ended period passed without a visit (the duties'
    missing list), leaving out those visited since: two queries per tier, whatever the count. A
    tier tells of a household's vulnerability: the list shows the households whose tags the viewer
    may see."""
    today = today or timezone.localdate()
    out: list[TierOverdue] = []
    for tier in RiskTier:
        end = last_ended_period(tier, today)
        rows = missing(Scope.everything(), TIER_DUTIES[tier], end, region=region, now=timezone.now())
        households: list[Household] = []
        if rows:
            since = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone())
            roster = DutySubject.objects.filter(pk__in=[r.subject_id for r in rows]).values("subject_id")
            households = list(
                sensitive_filter(user, Household.objects.filter(pk__in=roster), "region")
                .exclude(last_visited_at__gte=since)
                .select_related("region")
                .order_by("region__code", "address", "id")
            )
        out.append(TierOverdue(tier, str(tier.label), end, households))
    return out


@dataclass(frozen=True)
class NoticeRow:
    name: str
    amount: Any
    cause: str
    starts: dt.date | None
    ends: dt.date | None


def public_notice(region: Region, *, day: dt.date | None = None) -> list[NoticeRow]:
    """The publicity list for a community's notice board: masked names (张*), amounts, the class of
    cause, the notice's period. Only applications under notice on the day."""
    day = day or timezone.localdate()
    rows = (
        ReliefApplication.objects.filter(
            state=ReliefState.PUBLICITY,
            household__region__code__startswith=region.prefix,
            publicity_starts__lte=day,
            publicity_ends__gte=day,
        )
        .select_related("applicant")
        .order_by("publicity_starts", "id")
    )
    return [
        NoticeRow(mask_name(r.applicant.name), r.amount, r.get_cause_display(), r.publicity_starts, r.publicity_ends)
        for r in rows
    ]


# Two-character surnames (复姓) common enough to meet on a notice board.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
    }
)


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧阳**: the surname (two characters for a compound one) and a star
    for each character of the given name."""
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * max(1, len(name) - keep)


def campaign_list(user: Any) -> QuerySet[Campaign]:
    """Campaigns in the viewer's jurisdiction or where they knock on doors, with their doors listed
    and reached (progress = knocked ÷ listed)."""
    rows = Campaign.objects.select_related("region").annotate(
        listed=Count("doors"), knocked=Count("doors", filter=Q(doors__reached_at__isnull=False))
    )
    scope = scope_for(user)
    if scope.sees_everything:
        return rows
    condition = Q(pk__in=scope.filter(Campaign.objects.all()).values("pk"))
    for prefix in work_prefixes(user):
        condition |= Q(region__code__startswith=prefix[:9])
    return rows.filter(condition)


ELDER_AGE = 60


def elders_of(region: Region) -> list[Person]:
    """The community's members aged 60 or more (the day-care centre's elders), by name."""
    born_by = timezone.localdate().replace(year=timezone.localdate().year - ELDER_AGE)
    return list(
        Person.objects.filter(
            pk__in=Member.objects.filter(household__region=region).values("person_id"), birth_date__lte=born_by
        ).order_by("name_pinyin", "name", "id")
    )


def day_care_days(region: Region, days: int = 14) -> list[tuple[dt.date, int]]:
    """Attendance per day over the last `days` days, newest first."""
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    return list(
        DayCareAttendance.objects.filter(region=region, day__gte=since)
        .values("day")
        .annotate(n=Count("id"))
        .order_by("-day")
        .values_list("day", "n")
    )
