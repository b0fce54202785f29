"""Writes of the duties engine: the roster, exemptions, events and submissions. Each is checked,
atomic and audited; a submission is resent safely with its client id."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.audit.models import AuditEvent
from lianfang.core.audit.services import EventDetails, audit_record, audit_record_refusal, audit_rows, snapshot
from lianfang.core.calendar.days import district_calendar
from lianfang.core.calendar.services import FIRST_DAY, LAST_DAY
from lianfang.core.idempotency import SubmissionConflict, content_digest
from lianfang.core.ledgers.inserts import insert_rows
from lianfang.core.prepared import PreparedInsert
from lianfang.core.regions.models import Department, Region
from lianfang.core.regions.scoping import scope_for

from .lookups import submitted_for
from .models import DutyEvent, DutyExemption, DutySubject, ExemptionReason, Submission
from .periods import DISTRICT_TIME, due_at, event_due, period_day
from .rules import AfterEvent, Duty, get_duty

ONE_DAY = dt.timedelta(days=1)
_insert_submission = PreparedInsert(Submission)
# The first version of an obligation's report, or nothing where it has one (then it is corrected).
_insert_first_version = PreparedInsert(Submission, conflict=("subject", "day", "session"))


def _duty(key: Any) -> Duty:
    duty = get_duty(str(key or ""))
    if duty is None:
        raise ValidationError({"duty": [_("Unknown duty.")]})
    return duty


def _may_keep_roster(actor: Actor, region: Region, verb: str) -> None:
    if isinstance(actor, SystemActor):
        return
    scope = scope_for(actor)
    if not (scope.can_write and scope.covers_region(region)):
        audit_record_refusal(actor=actor, verb=verb, region_code=region.code)
        raise PermissionDenied(_("You may not keep the roster of %(region)s.") % {"region": region.name})


@dataclass(frozen=True)
class RosterEntry:
    """What a roster row says, but its dates: the subject, its name, where and who answers."""

    subject_type: str
    subject_id: int
    name: str
    region: Region
    responsible_user: Any = None
    responsible_unit: Any = None
    responsible_department: Department | None = None

    def same_as(self, row: DutySubject) -> bool:
        return (
            row.name == self.name
            and row.region_id == self.region.pk
            and row.responsible_user_id == getattr(self.responsible_user, "pk", None)
            and row.responsible_unit_id == getattr(self.responsible_unit, "pk", None)
            and row.responsible_department_id == getattr(self.responsible_department, "pk", None)
        )


def duty_roster_set(*, actor: Actor, duty: str, entry: RosterEntry, from_day: dt.date) -> DutySubject:
    """Put a subject on a duty's roster from a day, or change its entry from that day (a transfer:
    the row valid the day before ends then, and a new row starts). Changes nothing if the entry
    valid that day already says the same."""
    _duty(duty)
    _may_keep_roster(actor, entry.region, "duty.roster_set")
    with transaction.atomic():
        rows = DutySubject.objects.select_for_update().filter(
            duty=duty, subject_type=entry.subject_type, subject_id=entry.subject_id
        )
        current = (
            rows.filter(valid_from__lte=from_day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=from_day))
            .first()
        )
        if current is not None and entry.same_as(current):
            return current
        later = rows.filter(valid_from__gt=from_day).order_by("valid_from").first()
        row = DutySubject.objects.create(
            duty=duty,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            name=entry.name[:120],
            region=entry.region,
            responsible_user=entry.responsible_user,
            responsible_unit=entry.responsible_unit,
            responsible_department=entry.responsible_department,
            valid_from=from_day,
            valid_until=later.valid_from - ONE_DAY if later is not None else None,
        )
        if current is not None:
            before = snapshot(current)
            _hand_over(current, row)
            if current.valid_from == from_day:
                current.delete()  # replaced on the day it began: no day of it remains
            else:
                current.valid_until = from_day - ONE_DAY
                current.save(update_fields=["valid_until"])
            audit_record(actor=actor, verb="duty.roster_end", target=current, before=before)
        audit_record(
            actor=actor, verb="duty.roster_set", target=row, after=snapshot(row), region_code=entry.region.code
        )
    return row


def duty_roster_add(*, actor: Actor, duty: str, entries: list[RosterEntry], from_day: dt.date) -> list[DutySubject]:
    """Put many subjects on a duty's roster from a day (a class's students at enrolment): those
    new to the roster in a few statements, each with its "duty.roster_set" audit row; any that
    has rows already goes through duty_roster_set. Returns the rows valid from that day."""
    _duty(duty)
    for region in {entry.region.pk: entry.region for entry in entries}.values():
        _may_keep_roster(actor, region, "duty.roster_set")
    with transaction.atomic():
        known = set(
            DutySubject.objects.filter(
                duty=duty,
                subject_type__in={e.subject_type for e in entries},
                subject_id__in=[e.subject_id for e in entries],
            ).values_list("subject_type", "subject_id")
        )
        fresh = [e for e in entries if (e.subject_type, e.subject_id) not in known]
        rows = DutySubject.objects.bulk_create(
            [
                DutySubject(
                    duty=duty,
                    subject_type=e.subject_type,
                    subject_id=e.subject_id,
                    name=e.name[:120],
                    region=e.region,
                    responsible_user=e.responsible_user,
                    responsible_unit=e.responsible_unit,
                    responsible_department=e.responsible_department,
                    valid_from=from_day,
                )
                for e in fresh
            ],
            batch_size=500,
        )
        if any(row.pk is None for row in rows):  # a database that returns no keys: read them back
            rows = list(
                DutySubject.objects.filter(
                    duty=duty, valid_from=from_day, subject_id__in=[e.subject_id for e in fresh]
                ).order_by("pk")
            )
        events = (EventDetails(target=row, after=snapshot(row), region_code=row.region.code) for row in rows)
        insert_rows(AuditEvent, list(audit_rows(actor=actor, verb="duty.roster_set", events=events)))
        rows += [
            duty_roster_set(actor=actor, duty=duty, entry=e, from_day=from_day)
            for e in entries
            if (e.subject_type, e.subject_id) in known
        ]
    return rows


def _hand_over(old: DutySubject, new: DutySubject) -> None:
    """What was submitted or is owed for the days the new row takes over (from its first day,
    even before today: a transfer recorded late) belongs to the new row, so that it is counted
    where the subject is counted on those days."""
    first = new.valid_from
    Submission.objects.filter(subject=old, day__gte=first).update(subject=new, region=new.region)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=DISTRICT_TIME)
    DutyEvent.objects.filter(subject=old, due_at__gte=start).update(subject=new)


def duty_roster_end(*, actor: Actor, duty: str, subject_type: str, subject_id: int, last_day: dt.date) -> int:
    """Take a subject off a duty's roster after `last_day` (it left, closed, moved away)."""
    with transaction.atomic():
        rows = DutySubject.objects.select_for_update().filter(
            duty=duty, subject_type=subject_type, subject_id=subject_id
        )
        ended = 0
        for row in rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=last_day)):
            _may_keep_roster(actor, row.region, "duty.roster_end")
            before = snapshot(row)
            if row.valid_from > last_day:
                if Submission.objects.filter(subject=row).exists():
                    raise ValidationError(
                        {"last_day": [_("Reports were submitted after that day; the subject stays on the roster.")]}
                    )
                row.delete()
            else:
                row.valid_until = last_day
                row.save(update_fields=["valid_until"])
            audit_record(actor=actor, verb="duty.roster_end", target=row, before=before)
            ended += 1
    return ended


def _visible_subject(actor: Actor, subject: Any, verb: str, rows: QuerySet[DutySubject] | None = None) -> DutySubject:
    """The roster row by id, if the actor may see it and write; refused (and audited) if not.
    `rows` may carry annotations the caller needs in the same query."""
    try:
        pk = int(subject)
    except (TypeError, ValueError):
        raise ValidationError({"subject": [_("Unknown subject.")]}) from None
    if not 0 < pk < 2**63:
        raise ValidationError({"subject": [_("Unknown subject.")]})
    rows = (rows if rows is not None else DutySubject.objects.all()).filter(pk=pk)
    if not isinstance(actor, SystemActor):
        scope = scope_for(actor)
        rows = scope.filter(rows) if scope.can_write else rows.none()
    row = rows.select_related("region").first()
    if row is None:
        audit_record_refusal(actor=actor, verb=verb, detail=f"subject {pk}")
        raise PermissionDenied(_("This subject is not yours to report for."))
    return row


def _exemption_dates(starts_on: Any, ends_on: Any) -> tuple[dt.date, dt.date]:
    errors: dict[str, list[str]] = {}
    days: list[dt.date | None] = []
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        try:
            days.append(_day(value))
        except ValidationError:
            errors[field] = [_("Give the date as YYYY-MM-DD, between 2000 and 2099.")]
            days.append(None)
        else:
            if days[-1] is None:
                errors[field] = [_("This date is required.")]
    first, last = days
    if first and last and last < first:
        errors["ends_on"] = [_("The last day comes before the first.")]
    if first and last and (last - first).days > 366:
        errors["ends_on"] = [_("An exemption lasts a year at most; give another one after it.")]
    if errors:
        raise ValidationError(errors)
    assert first is not None and last is not None
    return first, last


def duty_exempt(
    *, actor: Actor, subject: Any, starts_on: Any, ends_on: Any, reason: Any, note: Any = "", practice: bool = False
) -> DutyExemption:
    """Exempt a subject from its duty for a span of days, with the reason (请假, 歇业, 转学, 住院).
    A duty kept through its practice is exempted there only (`practice`)."""
    row = _visible_subject(actor, subject, "duty.exempt")
    rule = _duty(row.duty)
    if rule.through_practice and not practice:
        raise ValidationError({"subject": [_("This report is made on its practice's own page.")]})
    first, last = _exemption_dates(starts_on, ends_on)
    # Only the days of this roster row: after a transfer, the subject is another region's to exempt.
    first, last = max(first, row.valid_from), min(last, row.valid_until or last)
    if last < first:
        raise ValidationError({"starts_on": [_("The subject is not on this roster on these days.")]})
    if reason not in ExemptionReason.values:
        raise ValidationError({"reason": [_("Choose the reason.")]})
    clean_note = " ".join(str(note or "").split())
    if len(clean_note) > 200:
        raise ValidationError({"note": [_("At most %(limit)d characters.") % {"limit": 200}]})
    with transaction.atomic():
        exemption = DutyExemption.objects.create(
            duty=row.duty,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            region=row.region,
            starts_on=first,
            ends_on=last,
            reason=str(reason),
            note=clean_note,
            created_by=acting_user(actor),
        )
        audit_record(actor=actor, verb="duty.exempt", target=exemption, after=snapshot(exemption))
    return exemption


def is_exempt(row: DutySubject, day: dt.date) -> bool:
    return DutyExemption.objects.filter(
        duty=row.duty, subject_type=row.subject_type, subject_id=row.subject_id, starts_on__lte=day, ends_on__gte=day
    ).exists()


def duty_event_record(*, actor: Actor, subject: Any, occurred_at: dt.datetime, note: Any = "") -> DutyEvent:
    """Record an event that calls for one report after it; its due time follows the rule."""
    row = _visible_subject(actor, subject, "duty.event")
    duty = _duty(row.duty)
    if not isinstance(duty.cadence, AfterEvent):
        raise ValidationError({"duty": [_("This duty is not owed after events.")]})
    with transaction.atomic():
        event = DutyEvent.objects.create(
            duty=row.duty,
            subject=row,
            occurred_at=occurred_at,
            due_at=event_due(duty.cadence, occurred_at, district_calendar()),
            note=" ".join(str(note or "").split())[:200],
            created_by=acting_user(actor),
        )
        audit_record(actor=actor, verb="duty.event", target=event, after=snapshot(event))
    return event


@dataclass(frozen=True)
class Period:
    day: dt.date
    session: str
    event: DutyEvent | None
    due: dt.datetime


def _period(
    duty: Duty, row: DutySubject, day: Any, session: Any, event: Any, exempt_on: dt.date | None = None
) -> Period:
    """The obligation a submission fulfils; refused where the rule or the roster expects none."""
    if isinstance(duty.cadence, AfterEvent):
        found = None
        if str(event or "").isdigit():
            found = DutyEvent.objects.select_related("subject").filter(pk=int(str(event)), duty=duty.key).first()
        if found is None or found.subject_id != row.pk:
            raise ValidationError({"event": [_("No such event calls for a report from this subject.")]})
        return Period(found.due_at.astimezone(DISTRICT_TIME).date(), "", found, found.due_at)
    named, key, due = _owed(duty, day, session)
    if row.valid_from > named or (row.valid_until is not None and row.valid_until < named):
        raise ValidationError({"day": [_("The subject was not on the roster that day.")]})
    # Whether the subject is exempt on the day asked was read with the row; another day of the
    # same period (an N-day rule) is looked up.
    if getattr(row, "exempt_that_day", False) if named == exempt_on else is_exempt(row, named):
        raise ValidationError({"day": [_("The subject is exempt that day: nothing is owed.")]})
    return Period(named, key, None, due)


def _owed(duty: Duty, day: Any, session: Any) -> tuple[dt.date, str, dt.datetime]:
    """The period a report for `day` and `session` fulfils under a periodic rule (its named day,
    the session, the due time); refused where the rule owes nothing then."""
    date = _day(day)
    if date is None:
        raise ValidationError({"day": [_("Give the day the report is for.")]})
    if date > timezone.now().astimezone(DISTRICT_TIME).date():
        raise ValidationError({"day": [_("A report is for today or a day before.")]})
    calendar = district_calendar()
    named = period_day(duty, date, calendar)
    if named is None:
        raise ValidationError({"day": [_("Nothing is owed on this day (a holiday or a day off).")]})
    key = str(session or "")
    due = due_at(duty, named, key, calendar)
    if due is None:
        raise ValidationError({"session": [_("This duty has no such session.")]})
    return named, key, due


def _day(value: Any) -> dt.date | None:
    """A day of the years the system keeps (2000–2099), or None."""
    if value in (None, ""):
        return None
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({"day": [_("Give the date as YYYY-MM-DD.")]}) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({"day": [_("The date must lie between 2000 and 2099.")]})
    return day


def duty_submit(
    *,
    actor: Actor,
    subject: Any,
    day: Any = None,
    session: Any = "",
    event: Any = None,
    zero_report: bool = False,
    content: Any = None,
    client_id: uuid.UUID | None = None,
    practice: bool = False,
) -> tuple[Submission, bool]:
    """Submit a subject's report for one obligation; returns it and whether this call wrote it.

    The same client id with the same content returns the first submission; with other content it
    is a conflict (409). A second submission for the same obligation is a correction: the earlier
    version stays, no longer current, and the lateness stays the first one's.

    `practice` is set by the practice's own service for a duty submitted only through it.

    The common path is one read (the roster row with its scope, whether it is exempt that day and
    whether the client id was seen) and two inserts (the submission, its audit row).
    """
    asked = _day(day)
    for _attempt in range(3):
        row, seen = _submitting_for(actor, subject, asked, client_id)
        duty = _duty(row.duty)
        if duty.through_practice and not practice:
            raise ValidationError({"subject": [_("This report is made on its practice's own page.")]})
        if content is not None and not isinstance(content, dict):
            raise ValidationError({"content": [_("The content is a set of named values.")]})
        clean = duty.content(content or {})
        if seen is not None:  # a resend, answered before anything that may have changed since
            return _resent(seen, row, duty, asked, session, event, bool(zero_report), clean), False
        period = _period(duty, row, asked, session, event, exempt_on=asked)
        payload = _payload(
            row, period.day, period.session, period.event.pk if period.event else None, bool(zero_report), clean
        )
        digest = content_digest(payload) if client_id is not None else ""
        try:
            with transaction.atomic():
                return _write(
                    actor=actor,
                    row=row,
                    period=period,
                    zero_report=bool(zero_report),
                    content=clean,
                    client=(client_id, digest),
                ), True
        except IntegrityError:
            continue  # the same id or obligation written at the same moment: look again
    raise ValidationError({"day": [_("This report is being submitted by someone else; try again.")]})


def duty_fulfil(*, actor: Actor, duty: str, subject_type: str, subject_id: int, day: dt.date) -> bool:
    """The first report of a daily obligation, made by a record of the practice that keeps the duty
    (a shop's first inspection of the day fulfils its 每日最少过一遍). One read (the roster row valid
    that day, and whether it is exempt) and one insert that writes nothing where the day has its
    report already. Nothing is owed, and nothing written, where the subject is not on the roster
    that day or is exempt. The practice's record and its audit row say what fulfilled the day (the
    caller has checked that the actor may write it); returns whether this call wrote the report."""
    rule = _duty(duty)
    if not rule.through_practice or isinstance(rule.cadence, AfterEvent):
        raise ValueError(f"duty {duty}: only a practice's daily duty is fulfilled by its records")
    named, key, due = _owed(rule, day, "")
    exempt = DutyExemption.objects.filter(
        duty=duty,
        subject_type=subject_type,
        subject_id=OuterRef("subject_id"),
        starts_on__lte=named,
        ends_on__gte=named,
    )
    found = (
        DutySubject.objects.filter(duty=duty, subject_type=subject_type, subject_id=subject_id, valid_from__lte=named)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=named))
        .annotate(exempt=Exists(exempt))
        .values_list("pk", "region_id", "exempt")
        .first()
    )
    if found is None or found[2]:
        return False
    now = timezone.now()
    submission = Submission(
        duty=duty,
        subject_id=found[0],
        region_id=found[1],
        day=named,
        session=key,
        content={},
        submitted_by=acting_user(actor),
        submitted_at=now,
        recorded_at=now,
        late=now > due,
    )
    return bool(_insert_first_version(submission))


def duty_answer_events(*, actor: Actor, duty: str, subject_type: str, subject_id: int, at: dt.datetime) -> int:
    """Answer every event of an after-event duty that a practice's record made at `at` answers
    (a visit answers the reported changes of its household before it). Events already answered
    keep their report; lateness is against each event's due time. The practice's record and its
    audit row say what answered them; returns how many events this call answered."""
    rule = _duty(duty)
    if not rule.through_practice or not isinstance(rule.cadence, AfterEvent):
        raise ValueError(f"duty {duty}: only a practice's after-event duty is answered by its records")
    answered = Submission.objects.filter(event=OuterRef("pk"), is_current=True)
    events = list(
        DutyEvent.objects.filter(
            duty=duty, subject__subject_type=subject_type, subject__subject_id=subject_id, occurred_at__lte=at
        )
        .exclude(Exists(answered))
        .select_related("subject")
    )
    now = timezone.now()
    by = acting_user(actor)
    written = 0
    for event in events:
        submission = Submission(
            duty=duty,
            subject=event.subject,
            region_id=event.subject.region_id,
            day=event.due_at.astimezone(DISTRICT_TIME).date(),
            session="",
            event=event,
            content={},
            submitted_by=by,
            submitted_at=now,
            recorded_at=now,
            late=at > event.due_at,
        )
        try:
            with transaction.atomic():
                submission.save()
        except IntegrityError:
            continue  # answered at the same moment by another record
        written += 1
    return written


def duty_submit_many(
    *,
    actor: Actor,
    duty: str,
    subjects: list[int],
    day: Any,
    session: Any = "",
    content: Any = None,
    practice: bool = False,
) -> int:
    """The same report for many subjects of a daily duty at once (a head teacher entering the
    check-ins a class's guardians did not make). Each subject is checked as duty_submit checks
    it: in the actor's scope, on the roster that day and not exempt, or the whole batch is
    refused. Subjects with a report for the period keep it; the rest get a first version. One
    audit row names them all (one act of one person). Returns how many were written."""
    rule = _duty(duty)
    if rule.through_practice and not practice:
        raise ValidationError({"subject": [_("This report is made on its practice's own page.")]})
    if isinstance(rule.cadence, AfterEvent):
        raise ValidationError({"subject": [_("An event's report is submitted one by one.")]})
    if content is not None and not isinstance(content, dict):
        raise ValidationError({"content": [_("The content is a set of named values.")]})
    clean = rule.content(content or {})
    named, key, due = _owed(rule, day, session)
    wanted = {int(s) for s in subjects}
    rows = DutySubject.objects.filter(pk__in=wanted, duty=duty, valid_from__lte=named).exclude(valid_until__lt=named)
    if not isinstance(actor, SystemActor):
        scope = scope_for(actor)
        rows = scope.filter(rows) if scope.can_write else rows.none()
    # Values, not instances: a head teacher's class is forty rows, the demo's day 18,000.
    found = list(rows.values_list("pk", "subject_type", "subject_id", "region_id", "region__code"))
    if len(found) != len(wanted):
        audit_record_refusal(actor=actor, verb="duty.submit_many", detail=f"{duty} {named}")
        raise PermissionDenied(_("A subject named is not yours to report for on that day."))
    exempt = DutyExemption.objects.filter(
        duty=duty, subject_id__in=[r[2] for r in found], starts_on__lte=named, ends_on__gte=named
    ).values_list("subject_type", "subject_id")
    if set(exempt) & {(r[1], r[2]) for r in found}:
        raise ValidationError({"subject": [_("A subject named is exempt that day: nothing is owed.")]})
    by = getattr(acting_user(actor), "pk", None)
    for _attempt in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                done = set(
                    Submission.objects.filter(
                        subject_id__in=[r[0] for r in found],
                        day=named,
                        session=key,
                        is_current=True,
                        event__isnull=True,
                    ).values_list("subject_id", flat=True)
                )
                fresh = [r for r in found if r[0] not in done]
                insert_rows(
                    Submission,
                    [
                        {
                            "duty": duty,
                            "subject_id": r[0],
                            "region_id": r[3],
                            "day": named,
                            "session": key,
                            "content": clean,
                            "submitted_by_id": by,
                            "submitted_at": now,
                            "recorded_at": now,
                            "late": now > due,
                        }
                        for r in fresh
                    ],
                )
                if fresh:
                    audit_record(
                        actor=actor,
                        verb="duty.submit_many",
                        detail=f"{rule.label}{_session_label(rule, key)} {named}: {len(fresh)}",
                        after={
                            "duty": duty,
                            "day": named.isoformat(),
                            "session": key,
                            "subjects": [r[0] for r in fresh],
                        },
                        region_code=_common_region(r[4] for r in found),
                    )
            return len(fresh)
        except IntegrityError:
            continue  # some were submitted at the same moment: look again
    raise ValidationError({"day": [_("This report is being submitted by someone else; try again.")]})


def _session_label(rule: Duty, key: str) -> str:
    found = rule.session(key)
    return f"·{found.label}" if found is not None and found.label else ""


def _common_region(codes: Any) -> str:
    """The narrowest region code (padded with zeros) that holds every code given."""
    prefix = ""
    for n, code in enumerate(codes):
        if n == 0:
            prefix = code
            continue
        while not code.startswith(prefix):
            prefix = prefix[:-1]
    for length in (12, 9, 6):
        if len(prefix) >= length:
            return prefix[:length].ljust(12, "0")
    return ""


def _payload(
    row: DutySubject, day: dt.date, session: str, event: int | None, zero_report: bool, content: dict[str, Any]
) -> dict[str, Any]:
    """What a client id's digest is taken over: the obligation and what was said of it."""
    return {
        "subject": row.pk,
        "day": day.isoformat(),
        "session": session,
        "event": event,
        "zero_report": zero_report,
        "content": content,
    }


def _resent(
    seen: int,
    row: DutySubject,
    duty: Duty,
    day: dt.date | None,
    session: Any,
    event: Any,
    zero_report: bool,
    content: dict[str, Any],
) -> Submission:
    """The submission a client id wrote, if this is the same report again; else a conflict. The
    obligation is named as the first time (an exemption or a transfer since does not matter)."""
    first = Submission.objects.get(pk=seen)
    named: dt.date | None
    if first.event_id is not None:
        named, key, event_id = first.day, "", int(event) if str(event or "").isdigit() else None
    else:
        named = period_day(duty, day, district_calendar()) if day is not None else None
        key, event_id = str(session or ""), None
    if named is None or first.client_digest != content_digest(
        _payload(row, named, key, event_id, zero_report, content)
    ):
        raise SubmissionConflict()
    return first


def _submitting_for(
    actor: Actor, subject: Any, day: dt.date | None, client_id: uuid.UUID | None
) -> tuple[DutySubject, int | None]:
    """The roster row a submission is for (exempt that day or not, kept on the row), and the
    submission its client id wrote already: one read (lookups.py); refused outside the scope."""
    try:
        pk = int(subject)
    except (TypeError, ValueError):
        raise ValidationError({"subject": [_("Unknown subject.")]}) from None
    found = submitted_for(pk, day, client_id) if 0 < pk < 2**63 else None
    if found is not None and not isinstance(actor, SystemActor):
        row = found.row
        scope = scope_for(actor)
        values = {
            "region": (row.region.code,),
            "department": (row.responsible_department_id,),
            "unit": (row.responsible_unit_id,),
            "assignee": (row.responsible_user_id,),
        }
        if not (scope.can_write and scope.admits(values)):
            found = None
    if found is None:
        audit_record_refusal(actor=actor, verb="duty.submit", detail=f"subject {pk}")
        raise PermissionDenied(_("This subject is not yours to report for."))
    found.row.exempt_that_day = found.exempt  # type: ignore[attr-defined]  # read by _period
    return found.row, found.seen


def _write(
    *,
    actor: Actor,
    row: DutySubject,
    period: Period,
    zero_report: bool,
    content: dict[str, Any],
    client: tuple[uuid.UUID | None, str],
) -> Submission:
    """Insert the submission as the obligation's first version; if it has one, as a correction."""
    now = timezone.now()
    submission = Submission(
        duty=row.duty,
        subject=row,
        region=row.region,  # in hand: the audit row reads its code
        day=period.day,
        session=period.session,
        event=period.event,
        zero_report=zero_report,
        content=content,
        submitted_by=acting_user(actor),
        submitted_at=now,
        recorded_at=now,
        late=now > period.due,
        client_id=client[0],
        client_digest=client[1],
    )
    earlier = None
    # The usual case, a first version, is one statement; an event's report is looked up first.
    if period.event is not None or not _insert_first_version(submission):
        current = Submission.objects.select_for_update().filter(is_current=True, subject=row)
        if period.event is not None:
            current = current.filter(event=period.event)
        else:
            current = current.filter(event__isnull=True, day=period.day, session=period.session)
        earlier = current.first()
        if earlier is not None:
            Submission.objects.filter(pk=earlier.pk).update(is_current=False)
            submission.submitted_at, submission.late = earlier.submitted_at, earlier.late
            submission.version = earlier.version + 1
        elif period.event is None:
            raise IntegrityError("the report this one corrects is gone")  # start again
        _insert_submission(submission)
    audit_record(
        actor=actor,
        verb="duty.correct" if earlier is not None else "duty.submit",
        target=submission,
        before=snapshot(earlier, ["zero_report", "content"]) if earlier else None,
        after=snapshot(submission, ["day", "session", "zero_report", "content", "late"]),
        region_code=row.region.code,
    )
    return submission


def duty_remind(*, actor: Actor, subject: Any, day: Any, session: Any = "", duty_key: str | None = None) -> int:
    """Remind the responsible party of one missing obligation now (from the missing list); at
    most once an hour for each. Returns how many people were told."""
    from .reminders import remind_now
    from .selectors import missing

    row = _visible_subject(actor, subject, "duty.remind")
    if duty_key is not None and row.duty != duty_key:
        raise ValidationError({"subject": [_("This subject owes another duty.")]})
    duty = _duty(row.duty)
    date = _day(day)
    if date is None:
        raise ValidationError({"day": [_("Give the day the report is for.")]})
    items = [
        m
        for m in missing(actor, duty, date)
        if m.subject_id == row.pk and (m.event_id is not None or m.session == str(session or ""))
    ]
    if not items:
        raise ValidationError({"subject": [_("Nothing of this subject is missing for that day.")]})
    with transaction.atomic():
        told = remind_now(items, duty, day=date, at=timezone.localtime())
        audit_record(
            actor=actor, verb="duty.remind", target=row, detail=f"{date} {session}", region_code=row.region.code
        )
    return told
