"""Writes of the markets' practice: teams and inspectors, shops on the daily roster, rounds (出动),
shop inspections with what follows from them (flags, rectification cases, suspension and its
notice, the reopening gate), the notice's service (送达), reviews (复核), and a shop's days closed
(歇业). Each is checked, atomic and audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.accounts.models import User
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.cases.models import Case
from lianfang.core.cases.services import case_comment, case_report, case_settle, clean_case
from lianfang.core.duties.models import DutySubject, ExemptionReason
from lianfang.core.duties.services import RosterEntry, duty_exempt, duty_fulfil, duty_roster_add
from lianfang.core.files.services import file_store
from lianfang.core.inspections.models import ChecklistVersion, Inspection
from lianfang.core.inspections.services import Verdict, inspection_record
from lianfang.core.regions.models import Department, Region, RegionLevel, Role
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import SHOP_KINDS, Unit

from .case_kinds import RECTIFY_KIND, REVIEW_KIND
from .checklists import CLOSURE_CHECKLIST, EPIDEMIC_CHECKLIST, current_version
from .decisions import decide, stricter
from .duties import DAILY_INSPECTION, SHOP_SUBJECT
from .models import (
    Decision,
    Inspector,
    NoticeSequence,
    Review,
    Round,
    Service,
    Shop,
    ShopInspection,
    SuspensionNotice,
    Team,
)
from .states import BLACK_OUTCOMES, SHOP_FLOW, Flag, Kind, Outcome, ShopState
from .teams import shops_department, team_of_user

MIN_INSPECTORS = 2  # 行政处罚法 Art. 42: at least two law-enforcement officers


def _refuse(actor: Actor, verb: str, message: str, **where: Any) -> PermissionDenied:
    audit_record_refusal(actor=actor, verb=verb, **where)
    return PermissionDenied(message)


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def may_manage(actor: Actor) -> bool:
    """The commander and the bureau's own office (its staff over the whole district) keep teams,
    inspectors, shops and checklists; inspectors serving a subdistrict inspect."""
    if isinstance(actor, SystemActor):
        return True
    scope = scope_for(actor)
    if scope.sees_everything:
        return True
    bureau = shops_department()
    return bureau is not None and any(
        g.role == Role.DEPARTMENT_STAFF
        and g.department_id == bureau.pk
        and bureau.region.code.startswith(g.region_prefix)
        for g in scope.grants
    )


# Teams and inspectors --------------------------------------------------------------------------


def team_save(*, actor: Actor, name: Any, regions: Iterable[Region], team: Team | None = None) -> Team:
    """Create a team or change its name and the subdistricts and towns assigned to it (分包镇办)."""
    if not may_manage(actor):
        raise _refuse(actor, "team.save", _("Only the bureau's staff keep the inspection teams."))
    title = _text(name, 60)
    areas = list(regions)
    errors: dict[str, list[str]] = {}
    if not title:
        errors["name"] = [_("Give the team's name.")]
    if not areas:
        errors["regions"] = [_("Assign the team at least one subdistrict or town.")]
    if any(r.level not in (RegionLevel.SUBDISTRICT, RegionLevel.TOWN) for r in areas):
        errors["regions"] = [_("A team is assigned subdistricts and towns.")]
    taken = Team.objects.filter(name=title)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if title and taken.exists():
        errors["name"] = [_("Another team has this name.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(team) if team is not None else None
        if team is None:
            bureau = shops_department()
            if bureau is None:
                raise ValidationError({"name": [_("No department supervises the small shops.")]})
            team = Team.objects.create(name=title, department=bureau)
        else:
            team.name = title
            team.save(update_fields=["name"])
        team.regions.set(areas)
        audit_record(
            actor=actor,
            verb="team.save",
            target=team,
            before=before,
            after={**snapshot(team), "regions": sorted(r.code for r in areas)},
        )
    return team


def inspector_save(*, actor: Actor, user: Any, team: Team, badge_number: Any, active: bool = True) -> Inspector:
    """Put a staff account on a team as an inspector with its 执法证号 (or change either)."""
    if not may_manage(actor):
        raise _refuse(actor, "inspector.save", _("Only the bureau's staff keep the inspectors."))
    badge = _text(badge_number, 20)
    if not badge:
        raise ValidationError({"badge_number": [_("Give the law-enforcement certificate number (执法证号).")]})
    if Inspector.objects.filter(badge_number=badge).exclude(user_id=user.pk).exists():
        raise ValidationError({"badge_number": [_("Another inspector holds this certificate number.")]})
    with transaction.atomic():
        found = Inspector.objects.select_for_update().filter(user_id=user.pk).first()
        before = snapshot(found) if found is not None else None
        if found is None:
            found = Inspector.objects.create(user=user, team=team, badge_number=badge, active=active)
        else:
            found.team, found.badge_number, found.active = team, badge, active
            found.save()
        audit_record(actor=actor, verb="inspector.save", target=found, before=before, after=snapshot(found))
    return found


# Shops -------------------------------------------------------------------------------------------


def _roster_entry(shop_unit: Unit, bureau: Department | None) -> RosterEntry:
    return RosterEntry(
        subject_type=SHOP_SUBJECT,
        subject_id=shop_unit.pk,
        name=shop_unit.name,
        region=shop_unit.region,
        responsible_department=bureau,
    )


def shops_enrol(
    *, actor: Actor, units: list[Unit], operators: Mapping[int, str] | None = None, from_day: dt.date | None = None
) -> list[Shop]:
    """Keep markets records for shops already in the organisation registry (of a shop kind), and put
    them on the daily inspection roster from `from_day` (today). Shops already enrolled are left."""
    if not may_manage(actor):
        raise _refuse(actor, "shop.enrol", _("Only the bureau's staff register shops."))
    day = from_day or timezone.localdate()
    kinds = set(SHOP_KINDS)
    wrong = [u.name for u in units if not kinds & {p.kind for p in u.profiles.all()}]
    if wrong:
        raise ValidationError(
            {"unit": [_("Not a small shop, restaurant or workshop: %(names)s") % {"names": "、".join(wrong[:5])}]}
        )
    known = set(Shop.objects.filter(unit__in=units).values_list("unit_id", flat=True))
    fresh = [u for u in units if u.pk not in known]
    # The operator (经营者) is the registry's contact person unless the caller names another.
    contacts = dict(Unit.objects.filter(pk__in=[u.pk for u in fresh]).values_list("pk", "contact__name"))
    operators = {**{pk: name for pk, name in contacts.items() if name}, **(operators or {})}
    bureau = shops_department()
    with transaction.atomic():
        made = Shop.objects.bulk_create(Shop(unit=u, operator=_text(operators.get(u.pk), 60)) for u in fresh)
        duty_roster_add(
            actor=actor, duty=DAILY_INSPECTION.key, entries=[_roster_entry(u, bureau) for u in fresh], from_day=day
        )
        if fresh:
            audit_record(
                actor=actor,
                verb="shop.enrol",
                detail=_("%(n)d shops on the daily inspection roster from %(day)s") % {"n": len(fresh), "day": day},
                after={"units": [u.pk for u in fresh]},
            )
    return made


def shop_save(*, actor: Actor, shop: Shop, operator: Any, team: Team | None) -> Shop:
    """Change a shop's operator or its team override (none: the team of its region)."""
    if not may_manage(actor):
        raise _refuse(actor, "shop.save", _("Only the bureau's staff keep shops' records."))
    with transaction.atomic():
        locked = Shop.objects.select_for_update().get(pk=shop.pk)
        before = snapshot(locked, ["operator", "team"])
        locked.operator, locked.team = _text(operator, 60), team
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor, verb="shop.save", target=locked, before=before, after=snapshot(locked, ["operator", "team"])
        )
    return locked


def shop_pause(*, actor: Actor, shop: Shop, starts_on: Any, ends_on: Any, note: Any = "") -> Any:
    """A shop closed for a time (歇业): the daily inspection owes nothing on those days."""
    return duty_exempt(
        actor=actor,
        subject=_roster_row(shop, _date(starts_on) or timezone.localdate()).pk,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=ExemptionReason.CLOSED,
        note=note,
        practice=True,
    )


def _date(value: Any) -> dt.date | None:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _roster_row(shop: Shop, day: dt.date) -> DutySubject:
    row = (
        DutySubject.objects.filter(duty=DAILY_INSPECTION.key, subject_type=SHOP_SUBJECT, subject_id=shop.pk)
        .filter(valid_from__lte=day)
        .exclude(valid_until__lt=day)
        .first()
    )
    if row is None:
        raise ValidationError({"day": [_("The shop is not on the daily inspection roster that day.")]})
    return row


# Rounds ------------------------------------------------------------------------------------------


def round_start(*, actor: Actor, members: Iterable[Any], day: dt.date | None = None) -> Round:
    """The actor's team goes out today (出动) with the inspectors present (at least two). Starting
    again the same day changes who is present."""
    team = team_of_user(acting_user(actor))
    if team is None:
        raise _refuse(actor, "round.start", _("Only an inspector of a team starts a round."))
    day = day or timezone.localdate()
    people = {getattr(m, "pk", m) for m in members}
    found = set(Inspector.objects.filter(team=team, active=True, user_id__in=people).values_list("user_id", flat=True))
    if found != people:
        raise ValidationError({"members": [_("Everyone present must be an active inspector of the team.")]})
    if len(found) < MIN_INSPECTORS:
        raise ValidationError({"members": [_("A round needs at least two inspectors present (行政处罚法 Art. 42).")]})
    with transaction.atomic():
        round_, created = Round.objects.select_for_update().get_or_create(
            team=team, day=day, defaults={"started_by": acting_user(actor)}
        )
        before = None if created else {"members": sorted(round_.members.values_list("pk", flat=True))}
        round_.members.set(found)
        round_.size = len(found)
        round_.save(update_fields=["size"])
        audit_record(actor=actor, verb="round.start", target=round_, before=before, after={"members": sorted(found)})
    return round_


def todays_round(user: Any, day: dt.date | None = None) -> Round | None:
    """The round of the user's team on `day` (today), with its members, if it went out."""
    if not getattr(user, "is_authenticated", False):
        return None
    rounds = Round.objects.filter(
        team__inspectors__user_id=user.pk, team__inspectors__active=True, day=day or timezone.localdate()
    )
    return rounds.select_related("team").prefetch_related("members").first()


# Inspections -------------------------------------------------------------------------------------


def checklist_for(kind: str) -> ChecklistVersion:
    """The checklist an inspection of `kind` answers: its latest version."""
    return current_version(CLOSURE_CHECKLIST if kind == Kind.CLOSURE else EPIDEMIC_CHECKLIST)


def _open_case(shop: Shop) -> Case | None:
    return Case.objects.filter(kind=RECTIFY_KIND.key, unit_id=shop.pk, is_closed=False).order_by("-created_at").first()


def _suspending(shop: Shop) -> ShopInspection | None:
    """The inspection whose suspension order holds the shop now."""
    return (
        ShopInspection.objects.select_related("round", "inspection")
        .filter(shop=shop, outcome=Outcome.SUSPENSION, revoked_at__isnull=True)
        .order_by("-inspection__inspected_at")
        .first()
    )


def _black_recently(shop: Shop, at: dt.datetime) -> bool:
    since = at - dt.timedelta(days=settings.MARKETS_REPEAT_BLACK_DAYS)
    return ShopInspection.objects.filter(
        shop=shop, outcome__in=BLACK_OUTCOMES, revoked_at__isnull=True, inspection__inspected_at__gte=since
    ).exists()


def _check_kind(actor: Actor, shop: Shop, kind: str, people: list[Any]) -> None:
    """The reopening gate: what may be recorded of a shop in its state."""
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose the kind of inspection.")]})
    if shop.state == ShopState.OPEN and kind != Kind.ROUTINE:
        raise ValidationError({"kind": [_("The shop is open: only a routine inspection is recorded.")]})
    if shop.state == ShopState.SUSPENDED and kind == Kind.ROUTINE:
        audit_record_refusal(actor=actor, verb="inspection.record", target=shop, detail="suspended")
        raise ValidationError(
            {"kind": [_("The shop is suspended: it reopens only through a passing acceptance inspection.")]}
        )
    if kind == Kind.ACCEPTANCE:
        order = _suspending(shop)
        orderer = order.inspection.recorded_by_id if order is not None else None
        if orderer is not None and orderer in {getattr(p, "pk", p) for p in people} | {
            getattr(acting_user(actor), "pk", None)
        }:
            audit_record_refusal(actor=actor, verb="inspection.record", target=shop, detail="acceptance by orderer")
            raise ValidationError(
                {
                    "inspectors": [
                        _("The acceptance is made by team members other than the one who ordered the suspension.")
                    ]
                }
            )
        if order is not None and team_of_user(acting_user(actor)) != order.round.team:
            raise ValidationError(
                {"inspectors": [_("The acceptance is made by the team that ordered the suspension.")]}
            )


def _named(actor: Actor, inspectors: Iterable[Any]) -> set[int]:
    """The inspectors an inspection names: those given, and the one who records it."""
    me = acting_user(actor)
    return {int(getattr(p, "pk", p)) for p in inspectors} | ({me.pk} if me is not None else set())


def _inspectors(round_: Round | None, actor: Actor, inspectors: Iterable[Any]) -> list[Any]:
    if round_ is None:
        raise ValidationError({"round": [_("Start today's round (出动) with the inspectors present first.")]})
    wanted = _named(actor, inspectors)
    present = {u.pk: u for u in round_.members.all()}
    if not wanted <= set(present):
        raise ValidationError({"inspectors": [_("Each inspector named must be present in today's round.")]})
    if len(wanted) < MIN_INSPECTORS:
        raise ValidationError(
            {"inspectors": [_("An inspection is made by at least two inspectors (行政处罚法 Art. 42).")]}
        )
    return [present[pk] for pk in sorted(wanted)]


def shop_inspect(
    *,
    actor: Actor,
    shop: Shop,
    kind: str,
    answers: Mapping[Any, Mapping[str, Any]],
    inspectors: Iterable[Any] = (),
    outcome: str = "",
    stricter_reason: Any = "",
    note: Any = "",
    client_id: uuid.UUID | None = None,
    inspected_at: dt.datetime | None = None,
) -> tuple[ShopInspection, bool]:
    """Record an inspection of a shop by inspectors present in the actor's round, and what follows
    from its outcome (decisions.py). A resend with the same client id and content returns the first
    inspection; other content under it is a conflict (409)."""
    user = acting_user(actor)
    extra = {"outcome": str(outcome or ""), "stricter_reason": _text(stricter_reason, 300)}
    if client_id is not None and Inspection.objects.filter(client_id=client_id).exists():
        # A resend: answered as the first was, whatever has happened to the shop since.
        if kind not in Kind.values:
            raise ValidationError({"kind": [_("Choose the kind of inspection.")]})
        named = User.objects.filter(pk__in=_named(actor, inspectors))
        first, _created = inspection_record(
            actor=actor,
            version=checklist_for(kind),
            unit=shop.unit,
            inspectors=list(named),
            answers=answers,
            kind=kind,
            note=note,
            client_id=client_id,
            extra_content=extra,
        )
        return ShopInspection.objects.get(pk=first.pk), False
    at = inspected_at or timezone.now()
    day = timezone.localtime(at).date()
    with transaction.atomic():
        locked = Shop.objects.select_for_update().select_related("unit__region").get(pk=shop.pk)
        round_ = todays_round(user, day) if user is not None else None
        people = _inspectors(round_, actor, inspectors)
        assert round_ is not None
        _check_kind(actor, locked, kind, people)
        version = checklist_for(kind)
        chosen: dict[str, Outcome] = {}

        def decided(verdict: Verdict) -> str:
            by_answers = decide(verdict, kind=kind, black_recently=_black_recently(locked, at))
            chosen["decided"] = by_answers
            chosen["outcome"] = (
                stricter(by_answers, extra["outcome"], extra["stricter_reason"]) if kind == Kind.ROUTINE else by_answers
            )
            if kind != Kind.ROUTINE and extra["outcome"] and extra["outcome"] != by_answers:
                raise ValidationError({"outcome": [_("This inspection's outcome follows from its answers.")]})
            return chosen["outcome"]

        made: dict[str, ShopInspection] = {}

        def follow(inspection: Inspection, verdict: Verdict) -> None:
            made["row"] = _follow(
                actor, locked, round_, inspection, verdict, kind, chosen, extra["stricter_reason"], day
            )

        inspection_record(
            actor=actor, version=version, unit=locked.unit, inspectors=people, answers=answers, kind=kind,
            decide=decided, note=note, inspected_at=at, client_id=client_id, on_create=follow, extra_content=extra,
        )  # fmt: skip
    return made["row"], True


def _follow(
    actor: Actor,
    shop: Shop,
    round_: Round,
    inspection: Inspection,
    verdict: Verdict,
    kind: str,
    chosen: Mapping[str, Outcome],
    reason: str,
    day: dt.date,
) -> ShopInspection:
    outcome = chosen["outcome"]
    row = ShopInspection.objects.create(
        inspection=inspection, shop=shop, round=round_, day=day, kind=kind, outcome=outcome,
        decided=chosen["decided"], stricter_reason=reason if outcome != chosen["decided"] else "",
    )  # fmt: skip
    _fulfil_day(actor, shop, day)
    shop.last_inspected_at = inspection.inspected_at
    failed = "；".join(i.text for i in verdict.failed)
    # A rectification case is open only while the shop holds a black flag (a red flag, an
    # acceptance or a review settles it).
    open_case = _open_case(shop) if shop.flag == Flag.BLACK or shop.state == ShopState.SUSPENDED else None
    if outcome == Outcome.RED:
        shop.flag, shop.flag_since = Flag.RED, day
        if open_case is not None:
            case_settle(actor=actor, case=open_case, outcome=_("Re-inspected on %(day)s: red flag.") % {"day": day})
    elif outcome == Outcome.BLACK:
        shop.flag, shop.flag_since = Flag.BLACK, day
        row.case = open_case or _rectification_case(actor, shop, failed, day, settings.MARKETS_BLACK_RECTIFY_DAYS)
        if open_case is not None:
            case_comment(
                actor=actor,
                case=open_case,
                note=_("Black flag again on %(day)s: %(failed)s") % {"day": day, "failed": failed},
            )
    elif outcome == Outcome.SUSPENSION:
        shop.flag, shop.flag_since = Flag.BLACK, day
        if open_case is not None:
            case_settle(
                actor=actor, case=open_case, outcome=_("Superseded by a suspension order on %(day)s.") % {"day": day}
            )
        days = settings.MARKETS_SUSPENSION_RECTIFY_DAYS
        row.case = _rectification_case(actor, shop, failed, day, days, suspension=True)
        SHOP_FLOW.take(record=shop, name="suspend", actor=actor, note=failed[:500], automatic=True)
        _issue_notice(row, failed, day, day + dt.timedelta(days=days))
    elif outcome == Outcome.TRADING and open_case is not None:
        row.case = open_case
        case_comment(actor=actor, case=open_case, note=_("Found trading while suspended on %(day)s.") % {"day": day})
    elif outcome == Outcome.ACCEPTED:
        shop.flag, shop.flag_since = "", None
        if open_case is not None:
            row.case = open_case
            case_settle(
                actor=actor,
                case=open_case,
                outcome=_("Passed the acceptance inspection of %(day)s (inspection #%(id)s).")
                % {"day": day, "id": inspection.pk},
            )
        SHOP_FLOW.take(record=shop, name="reopen", actor=actor, note=str(_("Passed acceptance.")), automatic=True)
    elif outcome == Outcome.REJECTED and open_case is not None:
        row.case = open_case
        case_comment(
            actor=actor,
            case=open_case,
            note=_("Failed the acceptance inspection of %(day)s: %(failed)s") % {"day": day, "failed": failed},
        )
    elif open_case is not None:
        row.case = open_case
    if row.case_id is not None:
        row.save(update_fields=["case"])
    shop.version += 1
    shop.save(update_fields=["flag", "flag_since", "last_inspected_at", "version", "state"])
    return row


def _fulfil_day(actor: Actor, shop: Shop, day: dt.date) -> None:
    """The shop's first inspection of a day fulfils its daily inspection (none is owed while it is
    exempt, or before it was on the roster)."""
    duty_fulfil(actor=actor, duty=DAILY_INSPECTION.key, subject_type=SHOP_SUBJECT, subject_id=shop.pk, day=day)


def _rectification_case(
    actor: Actor, shop: Shop, failed: str, day: dt.date, days: int, *, suspension: bool = False
) -> Case:
    title = (_("Suspended for rectification: %(shop)s") if suspension else _("Black flag: %(shop)s")) % {
        "shop": shop.unit.name
    }
    data = clean_case(
        kind=RECTIFY_KIND.key,
        title=title[:100],
        description=_("Failed items: %(failed)s") % {"failed": failed or "-"},
        unit=shop.unit,
        region=shop.unit.region,
        deadline=day + dt.timedelta(days=days),
        today=day,
    )
    case, _created = case_report(actor=actor, data=data, owner_unit=shop.unit, owner_department=shops_department())
    return case


def _next_number(year: int) -> int:
    NoticeSequence.objects.get_or_create(year=year)
    sequence = NoticeSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _issue_notice(row: ShopInspection, failed: str, day: dt.date, deadline: dt.date) -> SuspensionNotice:
    return SuspensionNotice.objects.create(
        inspection=row,
        year=day.year,
        number=_next_number(day.year),
        issued_on=day,
        deadline=deadline,
        requirements=_(
            "Stop trading at once and put right: %(failed)s. Ask for an acceptance inspection when done; "
            "business resumes only after it passes."
        )
        % {"failed": failed or "-"},
    )


# The notice's service (送达) ------------------------------------------------------------------


def notice_serve(
    *, actor: Actor, notice: SuspensionNotice, how: str, signature: Any = None, witness: Any = ""
) -> SuspensionNotice:
    """Record how the notice was served: signed for (a signature image) or refused before a witness."""
    if team_of_user(acting_user(actor)) is None and not may_manage(actor):
        raise _refuse(actor, "notice.serve", _("Only inspectors and the bureau's staff serve notices."))
    witness_name = _text(witness, 60)
    if how == Service.SIGNED and signature is None:
        raise ValidationError({"signature": [_("Add the image of the operator's signature.")]})
    if how == Service.REFUSED and not witness_name:
        raise ValidationError({"witness": [_("Name the witness of the refusal.")]})
    if how not in Service.values:
        raise ValidationError({"served": [_("Say whether the notice was signed for or refused.")]})
    with transaction.atomic():
        locked = SuspensionNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.served:
            raise ValidationError({"served": [_("The notice has been served already.")]})
        locked.served, locked.served_at, locked.served_by = how, timezone.now(), acting_user(actor)
        if how == Service.SIGNED:
            locked.signature = file_store(actor=actor, upload=signature)
        else:
            locked.witness = witness_name
        locked.save()
        audit_record(actor=actor, verb="notice.serve", target=locked, after=snapshot(locked, ["served", "witness"]))
    return locked


# Reviews (复核) ------------------------------------------------------------------------------


def _contact_of(actor: Actor, unit_id: int) -> bool:
    return any(g.role == Role.UNIT_CONTACT and g.unit_id == unit_id for g in scope_for(actor).grants)


def review_request(*, actor: Actor, flagged: ShopInspection, team: Team, reason: Any) -> Review:
    """Record a shop's request for a review of a black flag or a suspension, by another team: the
    bureau's staff record it from the shop's written application, or the shop's contact asks."""
    if not (may_manage(actor) or _contact_of(actor, flagged.shop_id)):
        raise _refuse(actor, "review.request", _("Only the bureau's staff and the shop itself ask for a review."))
    grounds = str(reason or "").strip()[:2000]
    errors: dict[str, list[str]] = {}
    if flagged.outcome not in BLACK_OUTCOMES or flagged.revoked_at is not None:
        errors["flagged"] = [_("Only a black flag or a suspension order in force is reviewed.")]
    if team.pk == flagged.round.team_id:
        errors["team"] = [_("A review is decided by another team than the one that gave the flag.")]
    if len(grounds) < 4:
        errors["reason"] = [_("Write the shop's grounds for the review.")]
    if errors:
        raise ValidationError(errors)
    shop = flagged.shop
    with transaction.atomic():
        if Review.objects.select_for_update().filter(flagged=flagged, decision="").exists():
            raise ValidationError({"flagged": [_("A review of this flag is already open.")]})
        data = clean_case(
            kind=REVIEW_KIND.key,
            title=(_("Review: %(shop)s, %(outcome)s of %(day)s") % {
                "shop": shop.unit.name, "outcome": flagged.get_outcome_display(), "day": flagged.day})[:100],
            description=grounds,
            unit=shop.unit,
            region=shop.unit.region,
        )  # fmt: skip
        case, _created = case_report(actor=actor, data=data, owner_department=team.department)
        review = Review.objects.create(
            flagged=flagged, shop=shop, team=team, reason=grounds, case=case, requested_by=acting_user(actor)
        )
        audit_record(actor=actor, verb="review.request", target=review, after=snapshot(review, ["team", "reason"]))
    return review


def review_decide(*, actor: Actor, review: Review, decision: str, note: Any) -> Review:
    """The reviewing team upholds or revokes the flag. A revoked flag leaves the figures and the
    public list; a revoked suspension reopens the shop and settles its rectification case."""
    if team_of_user(acting_user(actor)) != review.team:
        raise _refuse(
            actor, "review.decide", _("Only the reviewing team's inspectors decide this review."), target=review
        )
    reasons = str(note or "").strip()[:2000]
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Uphold or revoke the flag.")]})
    if len(reasons) < 4:
        raise ValidationError({"note": [_("Write the reasons for the decision.")]})
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.decision:
            raise ValidationError({"decision": [_("This review has been decided.")]})
        locked.decision, locked.note = decision, reasons
        locked.decided_by, locked.decided_at = acting_user(actor), timezone.now()
        locked.save()
        if decision == Decision.REVOKED:
            _revoke(actor, locked)
        case_settle(actor=actor, case=locked.case, outcome=f"{locked.get_decision_display()}：{reasons}"[:2000])
        audit_record(actor=actor, verb="review.decide", target=locked, after=snapshot(locked, ["decision", "note"]))
    return locked


def _revoke(actor: Actor, review: Review) -> None:
    flagged = ShopInspection.objects.select_for_update().get(pk=review.flagged_id)
    flagged.revoked_at = timezone.now()
    flagged.save(update_fields=["revoked_at"])
    shop = Shop.objects.select_for_update().get(pk=review.shop_id)
    said = _("Revoked on review.")
    if flagged.case_id is not None:
        case = Case.objects.get(pk=flagged.case_id)
        if not case.is_closed:
            case_settle(actor=actor, case=case, outcome=str(said))
    if flagged.outcome == Outcome.SUSPENSION and shop.state == ShopState.SUSPENDED and _suspending(shop) is None:
        SHOP_FLOW.take(record=shop, name="revoke", actor=actor, note=str(said), automatic=True)
    # The flag in force is the last routine one not revoked.
    last = (
        ShopInspection.objects.filter(shop=shop, kind=Kind.ROUTINE, revoked_at__isnull=True)
        .order_by("-inspection__inspected_at")
        .first()
    )
    if last is None or last.outcome not in (Outcome.RED, *BLACK_OUTCOMES):
        shop.flag, shop.flag_since = "", None
    else:
        shop.flag = Flag.RED if last.outcome == Outcome.RED else Flag.BLACK
        shop.flag_since = last.day
    shop.version += 1
    shop.save(update_fields=["flag", "flag_since", "state", "version"])
