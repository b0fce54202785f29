"""Writes of the care practice's households and visits: care roles, households and their members,
vulnerability tags and the tier they give (with its visit duty), visits (敲门行动) with their needs
and new tags, door-knocking campaigns and their volunteer tasks, day-care attendance.

Service orders are orders.py's, relief applications relief.py's. Each write is checked, atomic and
audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.duties.models import DutySubject
from lianfang.core.duties.services import (
    RosterEntry,
    duty_answer_events,
    duty_event_record,
    duty_fulfil,
    duty_roster_end,
    duty_roster_set,
)
from lianfang.core.figures.rollups import mark_days_dirty
from lianfang.core.idempotency import stamp, submit_once
from lianfang.core.notices.services import notify
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Region, RegionLevel, Role
from lianfang.core.regions.scoping import scope_for

from .duties import HOUSEHOLD_SUBJECT, TIER_DUTIES, VISIT_AFTER_CHANGE, VISIT_DUTIES
from .models import (
    Campaign,
    CareRole,
    CareRoleKind,
    DayCareAttendance,
    Door,
    Household,
    Member,
    Need,
    Payment,
    Relation,
    ReliefApplication,
    Tag,
    Visit,
)
from .permissions import care_prefixes, sees_sensitive_in, works_in
from .states import NeedKind, RiskTier, TagKind, TagSource, VisitMode
from .tiers import MemberFacts, higher, tier_for

SYSTEM = SystemActor("care")
HOUSEHOLD_REGIONS = (RegionLevel.COMMUNITY, RegionLevel.VILLAGE)
# A visit may be entered up to this many days after it was made (a paper round typed in later).
VISIT_LATE_DAYS = 7
# A need recorded without a follow-up date is followed up within this many days.
FOLLOW_UP_DAYS = 2


def console_time(actor: Actor, at: dt.datetime | None) -> dt.datetime:
    """When a step happened: now, or, for the console only (the demo's replay of the seed period,
    an import of paper records), the time it gives."""
    if at is None:
        return timezone.now()
    if not isinstance(actor, SystemActor):
        raise ValueError("only the console records a step at another time")
    return at


def _start_of(day: dt.date | None) -> dt.datetime | None:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12))) if day is not None else None


def on_behalf(actor: Actor, user: Any) -> Any:
    """Who did it: the acting user, or, for the console only, the user it names."""
    if user is None:
        return acting_user(actor)
    if not isinstance(actor, SystemActor):
        raise ValueError("only the console records a step on another's behalf")
    return user


def _refuse(actor: Actor, verb: str, message: str, **where: Any) -> PermissionDenied:
    audit_record_refusal(actor=actor, verb=verb, **where)
    return PermissionDenied(message)


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: [_("Give a date as YYYY-MM-DD.")]}) from None


def _choice(value: Any, choices: Any, field: str) -> str:
    text = str(value or "")
    if text not in choices.values:
        raise ValidationError({field: [_("Unknown value “%(value)s”.") % {"value": text[:40]}]})
    return text


# Care roles ---------------------------------------------------------------------------------


def care_role_grant(*, actor: Actor, user: Any, kind: Any, region: Region) -> CareRole:
    """Give a user a care role over a community or subdistrict; by the commander or the staff of
    the subdistrict it stands in."""
    kind = _choice(kind, CareRoleKind, "kind")
    if not isinstance(actor, SystemActor):
        scope = scope_for(actor)
        if not (
            scope.sees_everything
            or any(g.role == Role.SUBDISTRICT_STAFF and region.code.startswith(g.region_prefix) for g in scope.grants)
        ):
            raise _refuse(actor, "care.role_grant", _("Only the subdistrict's staff give care roles there."))
    with transaction.atomic():
        role, created = CareRole.objects.get_or_create(user=user, kind=kind, region=region)
        if created:
            audit_record(
                actor=actor, verb="care.role_grant", target=role, after=snapshot(role), region_code=region.code
            )
    return role


# Households ---------------------------------------------------------------------------------


def household_save(*, actor: Actor, region: Region, address: Any, household: Household | None = None) -> Household:
    """A new household at an address in a community or village, or its address corrected."""
    clean = _text(address, 200)
    errors: dict[str, list[str]] = {}
    if region.level not in HOUSEHOLD_REGIONS:
        errors["region"] = [_("A household lives in a community or a village.")]
    if len(clean) < 2:
        errors["address"] = [_("Give the household's address.")]
    if errors:
        raise ValidationError(errors)
    if not works_in(actor, region):
        raise _refuse(
            actor, "care.household_save", _("You do no care work in %(region)s.") % {"region": region.name},
            region_code=region.code,
        )  # fmt: skip
    taken = Household.objects.filter(region=region, address=clean)
    if household is not None:
        taken = taken.exclude(pk=household.pk)
    if taken.exists():
        raise ValidationError({"address": [_("A household at this address is on file already.")]})
    with transaction.atomic():
        if household is None:
            household = Household.objects.create(region=region, address=clean, created_by=acting_user(actor))
            audit_record(actor=actor, verb="care.household_create", target=household, after=snapshot(household))
        else:
            before = snapshot(household)
            if household.region_id != region.pk:
                # Its relief is counted in the region it lives in: the days already rolled up move too.
                mark_days_dirty(
                    [
                        *ReliefApplication.objects.filter(household=household).values_list("applied_on", flat=True),
                        *Payment.objects.filter(application__household=household).values_list("paid_on", flat=True),
                    ]
                )
            household.region, household.address = region, clean
            household.version += 1
            household.save()
            audit_record(
                actor=actor, verb="care.household_update", target=household, before=before, after=snapshot(household)
            )
    return household


def household_member_add(*, actor: Actor, household: Household, person: Person, relation: Any) -> Member:
    """Put a registry person in a household (moving them from another one), one of them the head."""
    relation = _choice(relation or Relation.OTHER, Relation, "relation")
    if not works_in(actor, household.region):
        raise _refuse(actor, "care.member_add", _("This household is outside your area."), target=household)
    with transaction.atomic():
        if (
            relation == Relation.HEAD
            and household.members.filter(relation=Relation.HEAD).exclude(person=person).exists()
        ):
            raise ValidationError({"relation": [_("The household has a head already.")]})
        member = Member.objects.select_for_update().filter(person=person).first()
        before = snapshot(member) if member is not None else None
        if member is None:
            member = Member.objects.create(household=household, person=person, relation=relation)
        else:
            moved_from = member.household_id
            member.household, member.relation = household, relation
            member.save()
            if moved_from != household.pk:
                _retier(actor, Household.objects.get(pk=moved_from))
        audit_record(actor=actor, verb="care.member_add", target=member, before=before, after=snapshot(member))
        _retier(actor, household)
    return member


def household_member_remove(*, actor: Actor, member: Member) -> None:
    household = member.household
    if not works_in(actor, household.region):
        raise _refuse(actor, "care.member_remove", _("This household is outside your area."), target=household)
    with transaction.atomic():
        audit_record(actor=actor, verb="care.member_remove", target=member, before=snapshot(member))
        member.delete()
        _retier(actor, household)


# Tags and tiers -----------------------------------------------------------------------------


def tag_add(
    *,
    actor: Actor,
    household: Household,
    kind: Any,
    source: Any,
    person: Person | None = None,
    valid_from: Any = None,
    valid_until: Any = None,
    note: Any = "",
    visit: Visit | None = None,
    as_of: dt.date | None = None,
) -> Tag:
    """A vulnerability tag on a member (or the whole household), with its source and validity; the
    household's tier and visit duty follow from today (the console, replaying the records of an
    earlier time, gives the day with `as_of`)."""
    errors: dict[str, list[str]] = {}
    try:
        kind = _choice(kind, TagKind, "kind")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        source = _choice(source, TagSource, "source")
    except ValidationError as error:
        errors.update(error.message_dict)
    start = _date(valid_from, "valid_from") or timezone.localdate()
    end = _date(valid_until, "valid_until")
    if end is not None and end < start:
        errors["valid_until"] = [_("The end date comes before the start date.")]
    if person is not None and not household.members.filter(person=person).exists():
        errors["person"] = [_("This person is not a member of the household.")]
    if errors:
        raise ValidationError(errors)
    if not works_in(actor, household.region):
        raise _refuse(actor, "care.tag_add", _("This household is outside your area."), target=household)
    with transaction.atomic():
        tag = Tag.objects.create(
            household=household,
            person=person,
            kind=kind,
            source=source,
            valid_from=start,
            valid_until=end,
            note=_text(note, 200),
            visit=visit,
            recorded_by=acting_user(actor),
        )
        audit_record(
            actor=actor, verb="care.tag_add", target=tag, after=snapshot(tag), region_code=household.region.code
        )
        _retier(actor, household, timezone.localtime(console_time(actor, _start_of(as_of))).date() if as_of else None)
    return tag


def tag_end(*, actor: Actor, tag: Tag, last_day: Any) -> Tag:
    """A tag no longer true from the day after `last_day` (the 低保 ended, the child came of age)."""
    day = _date(last_day, "valid_until") or timezone.localdate()
    if day < tag.valid_from:
        raise ValidationError({"valid_until": [_("The end date comes before the start date.")]})
    if not sees_sensitive_in(actor, tag.household.region):
        raise _refuse(actor, "care.tag_end", _("You may not change this household's tags."), target=tag)
    with transaction.atomic():
        before = snapshot(tag)
        tag.valid_until = day
        tag.save(update_fields=["valid_until"])
        audit_record(actor=actor, verb="care.tag_end", target=tag, before=before, after=snapshot(tag))
        _retier(actor, tag.household)
    return tag


def household_raise(*, actor: Actor, household: Household, tier: Any, reason: Any) -> Household:
    """Raise a household's tier above what its tags give, with a reason; "" takes the raise off."""
    tier = str(tier or "")
    if tier:
        tier = _choice(tier, RiskTier, "tier")
    note = _text(reason, 200)
    if tier and len(note) < 2:
        raise ValidationError({"reason": [_("Give the reason.")]})
    if not sees_sensitive_in(actor, household.region) or not works_in(actor, household.region):
        raise _refuse(actor, "care.household_raise", _("You may not set this household's tier."), target=household)
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        before = snapshot(household)
        household.raised_tier, household.raised_reason = tier, note if tier else ""
        household.version += 1
        household.save(update_fields=["raised_tier", "raised_reason", "version"])
        audit_record(
            actor=actor, verb="care.household_raise", target=household, before=before, after=snapshot(household)
        )
        _retier(actor, household)
    return household


def household_report_change(*, actor: Actor, household: Household, note: Any, at: dt.datetime | None = None) -> Any:
    """A change in a high-tier household (a fall, a discharge from hospital): a visit is owed
    within 24 hours. Nothing is owed for other tiers (their next regular visit comes)."""
    if not works_in(actor, household.region):
        raise _refuse(actor, "care.change_report", _("This household is outside your area."), target=household)
    if household.effective_tier != RiskTier.HIGH:
        return None
    row = _roster_row(VISIT_AFTER_CHANGE.key, household)
    if row is None:
        return None
    return duty_event_record(actor=SYSTEM, subject=row.pk, occurred_at=at or timezone.now(), note=_text(note, 200))


def _facts(household: Household, day: dt.date) -> tuple[list[MemberFacts], list[str]]:
    valid = [t for t in household.tags.all() if t.valid_from <= day and (t.valid_until is None or t.valid_until >= day)]
    shared = [t.kind for t in valid if t.person_id is None]
    members = [
        MemberFacts(m.person.birth_date, frozenset(t.kind for t in valid if t.person_id == m.person_id))
        for m in household.members.select_related("person")
    ]
    return members, shared


def _retier(actor: Actor, household: Household, day: dt.date | None = None) -> str:
    """Work the tier out again and move the household's visit duty with it."""
    day = day or timezone.localdate()
    members, shared = _facts(household, day)
    tier, _reasons = tier_for(members, shared, day)
    if tier != household.tier:
        before = snapshot(household, ["tier"])
        household.tier = tier
        Household.objects.filter(pk=household.pk).update(tier=tier)
        audit_record(actor=actor, verb="care.household_tier", target=household, before=before, after={"tier": tier})
    _roster(household, higher(tier, household.raised_tier), day)
    return tier


def _roster(household: Household, tier: str, day: dt.date) -> None:
    """On the roster of the tier's duty (and, for 高, of the 24-hour duty) from `day`; off the rest."""
    wanted = {TIER_DUTIES[tier].key} if tier else set()
    if tier == RiskTier.HIGH:
        wanted.add(VISIT_AFTER_CHANGE.key)
    entry = RosterEntry(HOUSEHOLD_SUBJECT, household.pk, household.address[:120], household.region)
    for duty in (*VISIT_DUTIES, VISIT_AFTER_CHANGE):
        on = _roster_row(duty.key, household, day)
        if duty.key in wanted:
            if on is None:
                duty_roster_set(actor=SYSTEM, duty=duty.key, entry=entry, from_day=day)
        elif on is not None:
            try:
                with transaction.atomic():
                    duty_roster_end(
                        actor=SYSTEM, duty=duty.key, subject_type=HOUSEHOLD_SUBJECT, subject_id=household.pk,
                        last_day=day - dt.timedelta(days=1),
                    )  # fmt: skip
            except ValidationError:
                # Visited today under the old tier: it keeps today, the new tier counts from today.
                duty_roster_end(
                    actor=SYSTEM, duty=duty.key, subject_type=HOUSEHOLD_SUBJECT, subject_id=household.pk, last_day=day
                )


def _roster_row(duty: str, household: Household, day: dt.date | None = None) -> DutySubject | None:
    day = day or timezone.localdate()
    return (
        DutySubject.objects.filter(
            duty=duty, subject_type=HOUSEHOLD_SUBJECT, subject_id=household.pk, valid_from__lte=day
        )
        .exclude(valid_until__lt=day)
        .first()
    )


# Visits -------------------------------------------------------------------------------------


def _visit_time(value: Any, actor: Actor) -> dt.datetime:
    now = timezone.now()
    if value in (None, ""):
        return now
    if isinstance(value, str):
        parsed = None
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({"visited_at": [_("Give the time as YYYY-MM-DD HH:MM.")]}) from None
        value = parsed
    if not isinstance(value, dt.datetime):
        raise ValidationError({"visited_at": [_("Give the time as YYYY-MM-DD HH:MM.")]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + dt.timedelta(minutes=5):
        raise ValidationError({"visited_at": [_("A visit is recorded after it is made, not before.")]})
    if value < now - dt.timedelta(days=VISIT_LATE_DAYS) and not isinstance(actor, SystemActor):
        raise ValidationError(
            {"visited_at": [_("A visit is entered within %(days)d days of it.") % {"days": VISIT_LATE_DAYS}]}
        )
    return value


def _members_by_id(household: Household) -> dict[int, Person]:
    return {m.person_id: m.person for m in household.members.select_related("person")}


def _member(value: Any, members: Mapping[int, Person]) -> int | bool | None:
    """A member's person id as sent (None when none is named), or False for anyone else."""
    if value in (None, ""):
        return None
    try:
        pk = int(str(value))
    except ValueError:
        return False
    return pk if pk in members else False


def _clean_needs(raw: Sequence[Mapping[str, Any]], members: Mapping[int, Person], day: dt.date) -> list[dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    clean: list[dict[str, Any]] = []
    for n, need in enumerate(raw):
        where = f"needs.{n}"
        kind = str(need.get("kind") or "")
        if kind not in NeedKind.values:
            errors[f"{where}.kind"] = [_("Unknown need “%(value)s”.") % {"value": kind[:40]}]
            continue
        person_id = _member(need.get("person"), members)
        if person_id is False:
            errors[f"{where}.person"] = [_("This person is not a member of the household.")]
            continue
        try:
            due = _date(need.get("follow_up_by"), f"{where}.follow_up_by")
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        due = due or day + dt.timedelta(days=FOLLOW_UP_DAYS)
        if due < day:
            errors[f"{where}.follow_up_by"] = [_("The follow-up date comes before the visit.")]
            continue
        clean.append(
            {
                "kind": kind,
                "person": person_id,
                "detail": _text(need.get("detail"), 300),
                "follow_up_by": due,
                "self_harm_risk": bool(need.get("self_harm_risk")),
            }
        )
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_tags(raw: Sequence[Mapping[str, Any]], members: Mapping[int, Person]) -> list[dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    clean: list[dict[str, Any]] = []
    for n, tag in enumerate(raw):
        kind = str(tag.get("kind") or "")
        if kind not in TagKind.values:
            errors[f"tags.{n}.kind"] = [_("Unknown value “%(value)s”.") % {"value": kind[:40]}]
            continue
        person_id = _member(tag.get("person"), members)
        if person_id is False:
            errors[f"tags.{n}.person"] = [_("This person is not a member of the household.")]
            continue
        clean.append(
            {
                "kind": kind,
                "person": person_id,
                "note": _text(tag.get("note"), 200),
            }
        )
    if errors:
        raise ValidationError(errors)
    return clean


def visit_record(
    *,
    actor: Actor,
    household: Household,
    mode: Any = VisitMode.DOOR,
    visited_at: Any = None,
    reached: bool = True,
    seen: Iterable[Any] = (),
    situation: Any = "",
    change_reported: bool = False,
    needs: Sequence[Mapping[str, Any]] = (),
    tags: Sequence[Mapping[str, Any]] = (),
    campaign: Campaign | None = None,
    client_id: uuid.UUID | None = None,
    visitor: Any = None,
) -> tuple[Visit, bool]:
    """Record a visit; a resend with the same client id returns the first (created False).

    The visit fulfils the household's visit duty for its period (when someone was reached),
    answers the changes reported before it, marks the door on a campaign's list, and adds the tags
    it found. Each need gets a follow-up date (FOLLOW_UP_DAYS by default); a self-harm risk tells the
    care lead at once."""
    if not works_in(actor, household.region):
        raise _refuse(
            actor, "care.visit", _("This household is outside your area: you may not record a visit to it."),
            target=household,
        )  # fmt: skip
    mode = _choice(mode, VisitMode, "mode")
    at = _visit_time(visited_at, actor)
    by = on_behalf(actor, visitor)
    if by is None:
        raise ValidationError({"visitor": [_("Name the visitor.")]})
    day = timezone.localtime(at).date()
    members = _members_by_id(household)
    picked = [_member(v, members) for v in seen]
    seen_ids = sorted({p for p in picked if type(p) is int})
    if any(type(p) is not int for p in picked):
        raise ValidationError({"seen": [_("Someone named as seen is not a member of the household.")]})
    clean_needs = _clean_needs(needs, members, day)
    clean_tags = _clean_tags(tags, members)
    if campaign is not None and not campaign.doors.filter(household=household).exists():
        raise ValidationError({"campaign": [_("This household is not on the campaign's list.")]})
    content = {
        "household": household.pk,
        "mode": mode,
        "visited_at": at.isoformat() if visited_at not in (None, "") else "",
        "reached": bool(reached),
        "seen": seen_ids,
        "situation": _text(situation, 2000),
        "change_reported": bool(change_reported),
        "needs": clean_needs,
        "tags": clean_tags,
        "campaign": campaign.pk if campaign is not None else None,
    }

    def create() -> Visit:
        visit = Visit(
            household=household,
            visitor=by,
            mode=mode,
            visited_at=at,
            reached=bool(reached),
            situation=str(content["situation"]),
            change_reported=bool(change_reported),
            campaign=campaign,
        )
        stamp(visit, client_id=client_id, content=content)
        visit.save()
        if seen_ids:  # the visit is new: its rows are inserted without reading them first
            Visit.seen.through.objects.bulk_create(
                [Visit.seen.through(visit_id=visit.pk, person_id=pk) for pk in seen_ids]
            )
        rows = [
            Need(
                visit=visit,
                kind=n["kind"],
                person_id=n["person"],
                detail=n["detail"],
                follow_up_by=n["follow_up_by"],
                self_harm_risk=n["self_harm_risk"],
            )
            for n in clean_needs
        ]
        Need.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            verb="care.visit",
            target=visit,
            after={**snapshot(visit), "needs": [n["kind"] for n in clean_needs], "seen": seen_ids},
            region_code=household.region.code,
        )
        for tag in clean_tags:
            tag_add(
                actor=actor,
                household=household,
                kind=tag["kind"],
                source=TagSource.VISIT,
                person=members.get(tag["person"]) if tag["person"] else None,
                valid_from=day,
                note=tag["note"],
                visit=visit,
            )
        _after_visit(actor, visit, day)
        if any(n.self_harm_risk for n in rows):
            _tell_lead(household, visit, _("A self-harm risk was recorded on a visit to %(address)s."))
        return visit

    with transaction.atomic():  # a visit sent without a client id is written whole too
        return submit_once(Visit, client_id=client_id, content=content, create=create)


def _after_visit(actor: Actor, visit: Visit, day: dt.date) -> None:
    household = visit.household
    Household.objects.filter(pk=household.pk).exclude(last_visited_at__gt=visit.visited_at).update(
        last_visited_at=visit.visited_at
    )
    if visit.reached:
        tier = higher(household.tier, household.raised_tier)
        if tier:
            duty_fulfil(
                actor=actor, duty=TIER_DUTIES[tier].key, subject_type=HOUSEHOLD_SUBJECT, subject_id=household.pk,
                day=day,
            )  # fmt: skip
        if tier == RiskTier.HIGH:  # only a high-tier household owes a visit after a change
            duty_answer_events(
                actor=actor,
                duty=VISIT_AFTER_CHANGE.key,
                subject_type=HOUSEHOLD_SUBJECT,
                subject_id=household.pk,
                at=visit.visited_at - dt.timedelta(microseconds=1),
            )
    if visit.change_reported:
        household.refresh_from_db(fields=["tier", "raised_tier"])
        household_report_change(actor=actor, household=household, note=visit.situation, at=visit.visited_at)
    doors = Door.objects.filter(household=household, campaign__starts_on__lte=day, campaign__ends_on__gte=day)
    if visit.campaign_id is not None:
        doors = doors.filter(campaign_id=visit.campaign_id)
    changes: dict[str, Any] = {"attempts": F("attempts") + 1}
    if visit.reached:
        changes["reached_at"] = visit.visited_at
    doors.filter(reached_at__isnull=True).update(**changes)


def _tell_lead(household: Household, record: Any, message: str) -> int:
    leads = CareRole.objects.filter(kind=CareRoleKind.LEAD).select_related("region")
    users = [r.user_id for r in leads if household.region.code.startswith(r.region.prefix)]
    if not users:  # no lead named there: the subdistrict's staff answer for it
        users = list(
            CareRole.objects.filter(kind=CareRoleKind.STAFF, region=household.region).values_list("user_id", flat=True)
        )
    return notify(
        users=users,
        title=str(message % {"address": household.address}),
        key=f"care.self_harm.{record._meta.model_name}.{record.pk}",
    )


# Campaigns ----------------------------------------------------------------------------------


def campaign_create(
    *,
    actor: Actor,
    name: Any,
    region: Region,
    starts_on: Any,
    ends_on: Any,
    households: Iterable[Household],
    doors_per_task: int = 20,
) -> Campaign:
    """A door-knocking campaign over a period, with its list of households in the region."""
    errors: dict[str, list[str]] = {}
    clean = _text(name, 80)
    if len(clean) < 2:
        errors["name"] = [_("Give the campaign a name.")]
    start, end = _date(starts_on, "starts_on"), _date(ends_on, "ends_on")
    if start is None:
        errors["starts_on"] = [_("Give the first day.")]
    if end is None:
        errors["ends_on"] = [_("Give the last day.")]
    elif start is not None and end < start:
        errors["ends_on"] = [_("The end date comes before the start date.")]
    listed = list({h.pk: h for h in households}.values())
    if not listed:
        errors["households"] = [_("Put at least one household on the list.")]
    elif any(not h.region.code.startswith(region.prefix) for h in listed):
        errors["households"] = [_("A household on the list is outside the campaign's region.")]
    if not 1 <= int(doors_per_task) <= 200:
        errors["doors_per_task"] = [_("A volunteer task takes 1 to 200 doors.")]
    if errors:
        raise ValidationError(errors)
    assert start is not None and end is not None
    if not works_in(actor, region) or _is_squad_only(actor):
        raise _refuse(actor, "care.campaign_create", _("You may not run a campaign there."), region_code=region.code)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=clean,
            region=region,
            starts_on=start,
            ends_on=end,
            doors_per_task=int(doors_per_task),
            created_by=acting_user(actor),
        )
        Door.objects.bulk_create([Door(campaign=campaign, household=h) for h in listed])
        audit_record(
            actor=actor,
            verb="care.campaign_create",
            target=campaign,
            after={**snapshot(campaign), "doors": len(listed)},
            region_code=region.code,
        )
    return campaign


def _is_squad_only(actor: Actor) -> bool:
    user = acting_user(actor)
    if user is None:
        return False
    grants = scope_for(user).grants
    return not any(g.role in (Role.COMMANDER, Role.SUBDISTRICT_STAFF) for g in grants) and not care_prefixes(
        user, (CareRoleKind.STAFF, CareRoleKind.LEAD)
    )


def campaign_spawn(*, actor: Actor, campaign: Campaign, day: Any) -> list[Any]:
    """The day's volunteer tasks (a task lasts at most a day): the doors not yet reached and not
    given out that day, first those never tried, then the second attempts, `doors_per_task` to a
    task, per community. Returns the tasks made (none when every door is reached or given out)."""
    from lianfang.volunteers.models import TaskKind
    from lianfang.volunteers.services import clean_task, task_create

    when = _date(day, "day")
    if when is None or not campaign.starts_on <= when <= campaign.ends_on:
        raise ValidationError({"day": [_("The day is outside the campaign's period.")]})
    if not works_in(actor, campaign.region) or _is_squad_only(actor):
        raise _refuse(actor, "care.campaign_spawn", _("You may not run this campaign."), target=campaign)
    tasks: list[Any] = []
    with transaction.atomic():
        doors = list(
            Door.objects.select_for_update()
            .filter(campaign=campaign, reached_at__isnull=True)
            .exclude(task_day=when)
            .select_related("household__region")
            .order_by("attempts", "household__region__code", "household__address", "id")
        )
        by_region: dict[int, list[Door]] = {}
        for door in doors:
            by_region.setdefault(door.household.region_id, []).append(door)
        for group in by_region.values():
            region = group[0].household.region
            for start in range(0, len(group), campaign.doors_per_task):
                chunk = group[start : start + campaign.doors_per_task]
                second = sum(1 for d in chunk if d.attempts)
                data = clean_task(
                    kind=TaskKind.DOOR_VISIT,
                    title=_("%(campaign)s: %(n)d doors") % {"campaign": campaign.name, "n": len(chunk)},
                    place=_("%(first)s and on") % {"first": chunk[0].household.address},
                    region=region,
                    starts_at=timezone.make_aware(dt.datetime.combine(when, dt.time(9, 0))),
                    ends_at=timezone.make_aware(dt.datetime.combine(when, dt.time(17, 0))),
                    people_needed=2,
                    note=_("%(n)d of them second attempts.") % {"n": second} if second else "",
                )
                task = task_create(actor=actor, data=data)
                Door.objects.filter(pk__in=[d.pk for d in chunk]).update(task=task, task_day=when)
                tasks.append(task)
        audit_record(
            actor=actor,
            verb="care.campaign_spawn",
            target=campaign,
            detail=f"{when}: {len(tasks)}",
            region_code=campaign.region.code,
        )
    return tasks


# Day care -----------------------------------------------------------------------------------


def day_care_record(*, actor: Actor, region: Region, people: Iterable[Person], day: Any) -> int:
    """The elders at the community's day-care centre on a day; returns how many were new."""
    when = _date(day, "day") or timezone.localdate()
    if when > timezone.localdate():
        raise ValidationError({"day": [_("Attendance is recorded on the day or after it.")]})
    if region.level not in HOUSEHOLD_REGIONS:
        raise ValidationError({"region": [_("A day-care centre serves a community or a village.")]})
    if not works_in(actor, region):
        raise _refuse(actor, "care.day_care", _("You do no care work there."), region_code=region.code)
    listed = {p.pk: p for p in people}
    if not listed:
        raise ValidationError({"people": [_("Name at least one elder.")]})
    with transaction.atomic():
        known = set(
            DayCareAttendance.objects.filter(day=when, person_id__in=list(listed)).values_list("person_id", flat=True)
        )
        fresh = [
            DayCareAttendance(region=region, person_id=pk, day=when, recorded_by=acting_user(actor))
            for pk in listed
            if pk not in known
        ]
        DayCareAttendance.objects.bulk_create(fresh)
        if fresh:
            audit_record(
                actor=actor,
                verb="care.day_care",
                detail=f"{region.name} {when}: {len(fresh)}",
                after={"day": when.isoformat(), "people": [a.person_id for a in fresh]},
                region_code=region.code,
            )
    return len(fresh)
