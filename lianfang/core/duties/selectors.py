"""Reads of the duties engine, through the scoping layer: completeness over a period, the missing
list of a day, a subject's submissions.

Completeness is worked out, not stored: the roster rows valid in the period are counted in groups
of the same region and dates (one query), each group's obligations are the rule's due
(day, session) pairs inside its dates (from the calendar, in Python), and the submissions are
counted by region and lateness (one query). Exemptions, being few, are worked out in Python.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from lianfang.core.calendar.days import ONE_DAY, district_calendar
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope, scope_for

from .models import DutyEvent, DutyExemption, DutySubject, Submission
from .periods import Due, dues, period_day
from .rules import AfterEvent, Duty, all_duties


@dataclass
class Counts:
    """Obligations of a period: expected (exempt ones left out), submitted on time or late, not
    yet due and not yet submitted (waiting), and missing (due, not submitted)."""

    expected: int = 0
    on_time: int = 0
    late: int = 0
    waiting: int = 0
    exempt: int = 0

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return max(self.expected - self.submitted - self.waiting, 0)

    @property
    def rate(self) -> Decimal | None:
        """Submitted as a share of what is due so far, in percent (None when nothing is due yet)."""
        due = self.expected - self.waiting
        if due <= 0:
            return None
        return (Decimal(100) * min(self.submitted, due) / due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def add(self, other: Counts) -> None:
        self.expected += other.expected
        self.on_time += other.on_time
        self.late += other.late
        self.waiting += other.waiting
        self.exempt += other.exempt


@dataclass
class Completeness:
    duty: Duty
    start: dt.date
    end: dt.date
    region: Region | None
    total: Counts = field(default_factory=Counts)
    by_region: list[tuple[Region, Counts]] = field(default_factory=list)


def roster(user: Any, duty: Duty, start: dt.date, end: dt.date, region: Region | None = None) -> QuerySet[DutySubject]:
    """The duty's roster rows valid on some day of [start, end] that the user (or a Scope: the
    reminder job reads with the whole district's) may see."""
    rows = DutySubject.objects.filter(duty=duty.key, valid_from__lte=end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    )
    if region is not None:
        rows = rows.filter(region__code__startswith=region.prefix)
    scope = user if isinstance(user, Scope) else scope_for(user)
    return scope.filter_sensitive(rows) if duty.sensitive_roster else scope.filter(rows)


class _Pairs:
    """The due (day, session) pairs of a period, counted inside any span of days at once."""

    def __init__(self, pairs: list[Due], now: dt.datetime) -> None:
        per_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
        for due in pairs:
            per_day[due.day][0] += 1
            if due.at > now:
                per_day[due.day][1] += 1
        self.days = sorted(per_day)
        self.total = [0]
        self.waiting = [0]
        for day in self.days:
            self.total.append(self.total[-1] + per_day[day][0])
            self.waiting.append(self.waiting[-1] + per_day[day][1])
        self.waiting_pairs = [(d.day, d.session) for d in pairs if d.at > now]

    def within(self, first: dt.date, last: dt.date) -> tuple[int, int]:
        """(pairs, pairs not yet due) whose day lies in [first, last]."""
        if last < first:
            return 0, 0
        lo, hi = bisect.bisect_left(self.days, first), bisect.bisect_right(self.days, last)
        return self.total[hi] - self.total[lo], self.waiting[hi] - self.waiting[lo]

    def on(self, day: dt.date) -> bool:
        i = bisect.bisect_left(self.days, day)
        return i < len(self.days) and self.days[i] == day


def _clip(first: dt.date, last: dt.date | None, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    return max(first, start), min(last or end, end)


def completeness(
    user: Any,
    duty: Duty,
    start: dt.date,
    end: dt.date,
    *,
    region: Region | None = None,
    now: dt.datetime | None = None,
) -> Completeness:
    """Expected, on time, late, waiting, missing and exempt for a period, in total and by the
    regions just below `region` (the district's subdistricts when none is given)."""
    now = now or timezone.now()
    result = Completeness(duty, start, end, region)
    rows = roster(user, duty, start, end, region)
    if isinstance(duty.cadence, AfterEvent):
        per_region = _event_counts(duty, rows, start, end, now)
    else:
        per_region = _period_counts(user, duty, rows, start, end, now, region)
    children, codes = _children(region)
    by_child: dict[int, Counts] = {child.pk: Counts() for child in children}
    for region_id, counts in per_region.items():
        result.total.add(counts)
        code = codes.get(region_id, "")
        for child in children:
            if code.startswith(child.prefix):
                by_child[child.pk].add(counts)
                break
    result.by_region = [(child, by_child[child.pk]) for child in children]
    return result


def _children(region: Region | None) -> tuple[list[Region], dict[int, str]]:
    """The regions a breakdown is by, and the codes of all regions by id (one query each)."""
    regions = list(Region.objects.only("id", "code", "name", "level", "parent_id").order_by("code"))
    codes = {r.pk: r.code for r in regions}
    if region is None:
        roots = [r for r in regions if r.parent_id is None]
        parent_ids = {roots[0].pk} if len(roots) == 1 else set()
        children = [r for r in regions if r.parent_id in parent_ids] if parent_ids else roots
    else:
        children = [r for r in regions if r.parent_id == region.pk] or [region]
    return children, codes


# A submission counts through the roster row it was made for, scoped as the roster is.
_SUBMISSION_SCOPE = {
    "region": "region",  # the row's region, copied: rows never change region
    "department": "subject__responsible_department",
    "unit": "subject__responsible_unit",
    "assignee": "subject__responsible_user",
}


def _counted_submissions(
    user: Any, duty: Duty, start: dt.date, end: dt.date, region: Region | None
) -> QuerySet[Submission]:
    """Current submissions of the period for roster rows that were valid on their day and that the
    user may see: a join on the row, not a subquery of the whole roster."""
    found = Submission.objects.filter(
        duty=duty.key,
        is_current=True,
        event__isnull=True,
        day__gte=start,
        day__lte=end,
        subject__valid_from__lte=F("day"),
    ).filter(Q(subject__valid_until__isnull=True) | Q(subject__valid_until__gte=F("day")))
    if region is not None:
        found = found.filter(region__code__startswith=region.prefix)
    scope = user if isinstance(user, Scope) else scope_for(user)
    if duty.sensitive_roster:
        return scope.filter_sensitive(found, _SUBMISSION_SCOPE)
    return scope.filter(found, _SUBMISSION_SCOPE)


def _period_counts(
    user: Any,
    duty: Duty,
    rows: QuerySet[DutySubject],
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    region: Region | None,
) -> dict[int, Counts]:
    calendar = district_calendar()
    pairs = _Pairs(dues(duty, start, end, calendar), now)
    counts: dict[int, Counts] = defaultdict(Counts)
    groups = rows.order_by().values("region_id", "valid_from", "valid_until").annotate(n=Count("id"))
    for group in groups:
        total, waiting = pairs.within(*_clip(group["valid_from"], group["valid_until"], start, end))
        region_counts = counts[group["region_id"]]
        region_counts.expected += total * group["n"]
        region_counts.waiting += waiting * group["n"]
    exempt = _exempt_pairs(duty, rows, start, end, pairs)
    for region_id, (total, waiting) in exempt.per_region.items():
        counts[region_id].expected -= total
        counts[region_id].waiting -= waiting
        counts[region_id].exempt += total
    submissions = _counted_submissions(user, duty, start, end, region).filter(
        day__in=pairs.days, session__in=[s.key for s in duty.sessions]
    )
    for group in submissions.order_by().values("region_id", "late").annotate(n=Count("id")):
        target = counts[group["region_id"]]
        if group["late"]:
            target.late += group["n"]
        else:
            target.on_time += group["n"]
    not_yet_due = set(pairs.waiting_pairs)
    if not_yet_due:  # submitted before they fall due: no longer waiting (read as rows: they are few)
        first_waiting = min(d for d, _ in not_yet_due)
        early = submissions.filter(day__gte=first_waiting).values_list("region_id", "subject_id", "day", "session")
        for region_id, subject_id, day, session in early:
            if (day, session) in not_yet_due and not exempt.covers(subject_id, day):
                counts[region_id].waiting -= 1
    for region_id, late in exempt.submitted(duty, start, end, pairs):  # a report kept from before an exemption
        target = counts[region_id]
        if late:
            target.late -= 1
        else:
            target.on_time -= 1
    return counts


@dataclass
class _Exempt:
    per_region: dict[int, tuple[int, int]]
    spans: dict[int, list[tuple[dt.date, dt.date]]]  # roster row id -> exempt spans inside it

    def covers(self, subject_id: int, day: dt.date) -> bool:
        return any(first <= day <= last for first, last in self.spans.get(subject_id, ()))

    def submitted(self, duty: Duty, start: dt.date, end: dt.date, pairs: _Pairs) -> Iterable[tuple[int, bool]]:
        """(region id, late) of each counted submission on an exempt day (the rows are in scope)."""
        if not self.spans:
            return []
        found = Submission.objects.filter(
            duty=duty.key,
            subject_id__in=list(self.spans),
            day__gte=start,
            day__lte=end,
            session__in=[s.key for s in duty.sessions],
            is_current=True,
            event__isnull=True,
        ).values_list("subject_id", "day", "region_id", "late")
        return [
            (region_id, late)
            for subject_id, day, region_id, late in found
            if any(first <= day <= last for first, last in self.spans[subject_id])
        ]


def _merged(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    out: list[tuple[dt.date, dt.date]] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1] + ONE_DAY:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def _exempt_pairs(duty: Duty, rows: QuerySet[DutySubject], start: dt.date, end: dt.date, pairs: _Pairs) -> _Exempt:
    exemptions = DutyExemption.objects.filter(duty=duty.key, starts_on__lte=end, ends_on__gte=start)
    spans_of: dict[tuple[str, int], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for subject_type, subject_id, first, last in exemptions.values_list(
        "subject_type", "subject_id", "starts_on", "ends_on"
    ):
        spans_of[(subject_type, subject_id)].append((first, last))
    result = _Exempt({}, {})
    if not spans_of:
        return result
    per_region: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    ids = {subject_id for _, subject_id in spans_of}
    for row in rows.filter(subject_id__in=ids).values(
        "pk", "region_id", "subject_type", "subject_id", "valid_from", "valid_until"
    ):
        row_first, row_last = _clip(row["valid_from"], row["valid_until"], start, end)
        for first, last in _merged(spans_of.get((row["subject_type"], row["subject_id"]), [])):
            span = (max(first, row_first), min(last, row_last))
            if span[1] < span[0]:
                continue
            total, waiting = pairs.within(*span)
            per_region[row["region_id"]][0] += total
            per_region[row["region_id"]][1] += waiting
            result.spans.setdefault(row["pk"], []).append(span)
    result.per_region = {k: (v[0], v[1]) for k, v in per_region.items()}
    return result


def _event_counts(
    duty: Duty, rows: QuerySet[DutySubject], start: dt.date, end: dt.date, now: dt.datetime
) -> dict[int, Counts]:
    """Events whose obligation falls due in the period: each expects one report."""
    first = dt.datetime.combine(start, dt.time.min, tzinfo=timezone.get_default_timezone())
    last = dt.datetime.combine(end + ONE_DAY, dt.time.min, tzinfo=timezone.get_default_timezone())
    events = DutyEvent.objects.filter(duty=duty.key, due_at__gte=first, due_at__lt=last, subject__in=rows.values("pk"))
    current = Submission.objects.filter(event=OuterRef("pk"), is_current=True)
    counts: dict[int, Counts] = defaultdict(Counts)
    values = events.annotate(done=Exists(current), late=Exists(current.filter(late=True))).values_list(
        "subject__region_id", "due_at", "done", "late"
    )
    for region_id, due, done, late in values:
        target = counts[region_id]
        target.expected += 1
        if done:
            if late:
                target.late += 1
            else:
                target.on_time += 1
        elif due > now:
            target.waiting += 1
    return counts


# What a missing list shows of a roster row and the records it names, read as plain values.
_MISSING_VALUES = (
    "pk", "name", "region_id", "region__code", "region__name",
    "responsible_user_id", "responsible_unit_id", "responsible_department_id",
    "responsible_user__full_name", "responsible_user__username",
    "responsible_unit__name", "responsible_department__name",
)  # fmt: skip
_MISSING_ORDER = ("region__code", "responsible_unit__name", "responsible_user__full_name", "name", "pk")


def _exempt_on(duty: Duty, day: dt.date) -> QuerySet[DutyExemption]:
    """The exemptions of the outer roster row's subject that cover `day` (for Exists)."""
    return DutyExemption.objects.filter(
        duty=duty.key,
        subject_type=OuterRef("subject_type"),
        subject_id=OuterRef("subject_id"),
        starts_on__lte=day,
        ends_on__gte=day,
    )


def _submitted_for(day: dt.date, session: str) -> QuerySet[Submission]:
    """The outer roster row's current report of (day, session) (for Exists)."""
    return Submission.objects.filter(
        subject=OuterRef("pk"), day=day, session=session, is_current=True, event__isnull=True
    )


def _events_missing(duty: Duty, day: dt.date, now: dt.datetime) -> QuerySet[DutyEvent]:
    """Events whose report fell due on `day` by `now` and has not been submitted."""
    first = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())
    events = DutyEvent.objects.filter(duty=duty.key, due_at__gte=first, due_at__lt=first + ONE_DAY, due_at__lte=now)
    return events.exclude(Exists(Submission.objects.filter(event=OuterRef("pk"), is_current=True)))


@dataclass(frozen=True)
class Missing:
    """A subject's obligation that is due and not submitted: what the missing list shows."""

    subject_id: int
    name: str
    region_id: int
    region_code: str
    region_name: str
    responsible_user_id: int | None
    responsible_unit_id: int | None
    responsible_department_id: int | None
    responsible: str  # the responsible organisation, office and person, as the list names them
    day: dt.date
    session: str
    due: dt.datetime
    event_id: int | None = None

    @classmethod
    def of(
        cls, v: dict[str, Any], day: dt.date, session: str, due: dt.datetime, event_id: int | None = None
    ) -> Missing:
        person = v["responsible_user__full_name"] or v["responsible_user__username"]
        names = [n for n in (v["responsible_unit__name"], v["responsible_department__name"], person) if n]
        return cls(
            v["pk"], v["name"], v["region_id"], v["region__code"], v["region__name"],
            v["responsible_user_id"], v["responsible_unit_id"], v["responsible_department_id"],
            "、".join(names), day, session, due, event_id,
        )  # fmt: skip


def missing(
    user: Any, duty: Duty, day: dt.date, *, region: Region | None = None, now: dt.datetime | None = None
) -> list[Missing]:
    """What is missing now for the period that `day` falls in: due, not submitted, not exempt.

    One query per session of the day (an event duty: one query), each row with its region and
    responsible party, ordered by region, responsible party and name.
    """
    now = now or timezone.now()
    calendar = district_calendar()
    if isinstance(duty.cadence, AfterEvent):
        events = _events_missing(duty, day, now).filter(subject__in=roster(user, duty, day, day, region).values("pk"))
        values = events.values("pk", "due_at", *(f"subject__{v}" for v in _MISSING_VALUES)).order_by(
            *(f"subject__{o}" for o in _MISSING_ORDER)
        )
        prefix = len("subject__")
        return [
            Missing.of(
                {k[prefix:]: v for k, v in e.items() if k.startswith("subject__")}, day, "", e["due_at"], e["pk"]
            )
            for e in values
        ]
    named = period_day(duty, day, calendar)
    if named is None:
        return []
    out: list[Missing] = []
    exempt = _exempt_on(duty, named)
    for due in dues(duty, named, named, calendar):
        if due.at > now:
            continue
        done = _submitted_for(named, due.session)
        rows = roster(user, duty, named, named, region).exclude(Exists(done)).exclude(Exists(exempt))
        out.extend(
            Missing.of(v, named, due.session, due.at) for v in rows.values(*_MISSING_VALUES).order_by(*_MISSING_ORDER)
        )
    return out


def missing_subjects(
    duty: Duty, day: dt.date, region: Region, *, now: dt.datetime | None = None
) -> QuerySet[DutySubject]:
    """The roster rows with something due on `day` and not submitted (unscoped: a figure's
    drill-down scopes it): one query, for the figures' drill-down of a completeness."""
    now = now or timezone.now()
    calendar = district_calendar()
    rows = DutySubject.objects.filter(duty=duty.key, region__code__startswith=region.prefix)
    if isinstance(duty.cadence, AfterEvent):
        return rows.filter(pk__in=_events_missing(duty, day, now).values("subject_id"))
    named = period_day(duty, day, calendar)
    due = [d for d in dues(duty, named, named, calendar) if d.at <= now] if named is not None else []
    if not due or named is None:
        return rows.none()
    rows = rows.filter(valid_from__lte=named).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=named))
    undone = Q()
    for d in due:
        undone |= Q(~Exists(_submitted_for(named, d.session)))
    return rows.exclude(Exists(_exempt_on(duty, named))).filter(undone)


def submission_list(user: Any) -> QuerySet[Submission]:
    """Current and earlier versions of the submissions the user may see; those of a duty whose
    roster is sensitive only through grants that may view sensitive records."""
    scope = scope_for(user)
    rows = Submission.objects.select_related("subject")
    hidden = [d.key for d in all_duties() if d.sensitive_roster]
    if not hidden or scope.sees_everything:
        return scope.filter(rows)
    return scope.filter(rows.exclude(duty__in=hidden)) | scope.filter_sensitive(rows.filter(duty__in=hidden))
