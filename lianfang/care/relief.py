"""临时救助: the writes of an application, by the rules of rules.py (国发〔2014〕47号, 民发〔2018〕23号).

The rules, from settings:
- **Standard:** the monthly 低保 standard in force on the application date: urban for a community,
  rural for a village (CARE_STANDARDS, each with its effective date).
- **Caps and levels:** a household's relief is at most a multiple of the standard, and each level
  approves up to its own multiple (CARE_RELIEF_LEVELS: the subdistrict up to 3×, 区民政局 up to 12×).
- **Type:** 急难型 for sudden hardship (isolation, lockdown, hospital, an accident), 支出型 for
  expenses (medical, education); in an epidemic period (core/calendar) the isolated, locked down
  and hospitalised are 急难型 whatever their 户籍 (CARE_EPIDEMIC_ANY_HUKOU); otherwise relief is for
  local 户籍.
- **Repeats:** an application of the household (any member) for the same cause within
  CARE_REPEAT_MONTHS months is flagged with the earlier one; only 区民政局 approves it, with a reason.
- **公示:** at least CARE_PUBLICITY_DAYS days; objections are recorded and must be resolved.
- **先行救助:** an advance before the papers, tracked on core/duties (the investigation is due
  within CARE_ADVANCE_PAPERS_DAYS working days).
- **Payment** only once approved (an advance aside), never beyond the amount approved.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.audit.services import audit_record, snapshot
from lianfang.core.duties.services import RosterEntry, duty_answer_events, duty_event_record, duty_roster_set
from lianfang.core.people.models import Person
from lianfang.core.privacy.cipher import decrypt, encrypt, is_current
from lianfang.core.regions.models import RegionLevel
from lianfang.core.regions.scoping import scope_for

from .duties import ADVANCE_PAPERS, RELIEF_SUBJECT
from .flows import RELIEF_FLOW
from .models import Household, Need, Objection, Payment, ReliefApplication
from .permissions import is_civil_affairs, relief_sides, sees_sensitive_in, works_in
from .rules import CENT, cap, earlier_for_same_cause, hukou_waived, level_for, levels, standard_on, type_for, yuan
from .services import SYSTEM, _date, _refuse, _text, console_time, on_behalf
from .states import ApprovalLevel, NeedKind, PaymentMethod, ReliefCause, ReliefState, ReliefType

ACCOUNT_COLUMN = "care.bank_account"
MAX_PUBLICITY_DAYS = 60

# The writes ---------------------------------------------------------------------------------


def _money(value: Any, field: str) -> Decimal:
    """A positive amount in yuan, or the refusal naming the field."""
    errors: dict[str, list[str]] = {}
    amount = yuan(value, field, errors, least=CENT, most=Decimal("9999999.99"))
    if amount is None:
        raise ValidationError(errors)
    return amount


def relief_apply(
    *,
    actor: Actor,
    household: Household,
    applicant: Person,
    cause: Any,
    story: Any = "",
    local_hukou: bool = True,
    relief_type: Any = "",
    applied_on: Any = None,
    need: Need | None = None,
) -> ReliefApplication:
    """An application (申请) for a member of the household, with the standard of its date, its type,
    and the repeat flag when the household applied for the same cause within the window."""
    errors: dict[str, list[str]] = {}
    cause = str(cause or "")
    if cause not in ReliefCause.values:
        errors["cause"] = [_("Unknown value “%(value)s”.") % {"value": cause[:40]}]
    if not household.members.filter(person=applicant).exists():
        errors["applicant"] = [_("The applicant is not a member of the household.")]
    day = _date(applied_on, "applied_on") or timezone.localdate()
    if day > timezone.localdate():
        errors["applied_on"] = [_("An application is dated on the day or before it.")]
    if errors:
        raise ValidationError(errors)
    if not local_hukou and not hukou_waived(cause, day):
        raise ValidationError(
            {
                "local_hukou": [
                    _("Relief is for local 户籍 outside the epidemic's emergencies; apply where the 户籍 is.")
                ]
            }
        )
    region = household.region
    if not (works_in(actor, region) and sees_sensitive_in(actor, region)):
        raise _refuse(actor, "relief.apply", _("You may not take relief applications there."), target=household)
    rural = region.level == RegionLevel.VILLAGE
    with transaction.atomic():
        earlier = earlier_for_same_cause(household, cause, day)
        application = ReliefApplication.objects.create(
            household=household,
            applicant=applicant,
            need=need,
            applied_on=day,
            cause=cause,
            relief_type=type_for(cause, day, str(relief_type or "")),
            local_hukou=bool(local_hukou),
            story=_text(story, 2000),
            standard=standard_on(day, rural=rural),
            rural=rural,
            repeat_of=earlier,
            created_by=acting_user(actor),
        )
        audit_record(
            actor=actor, verb="relief.apply", target=application, after=snapshot(application), region_code=region.code
        )
    return application


def need_to_relief(*, actor: Actor, need: Need, cause: Any = ReliefCause.INCOME_LOSS) -> ReliefApplication:
    """One tap: a relief application from a visit's need, linked back to it."""
    if need.kind != NeedKind.RELIEF:
        raise ValidationError({"kind": [_("Only a relief need becomes a relief application.")]})
    if hasattr(need, "relief"):
        return need.relief
    household = need.visit.household
    applicant = need.person
    if applicant is None:
        head = household.members.filter(relation="head").select_related("person").first()
        applicant = head.person if head is not None else None
    if applicant is None:
        raise ValidationError({"applicant": [_("The household has no member to apply for.")]})
    return relief_apply(
        actor=actor,
        household=household,
        applicant=applicant,
        cause=cause,
        story=need.detail,
        applied_on=timezone.localtime(need.visit.visited_at).date(),
        need=need,
    )


def _locked(application: ReliefApplication, version: int | None = None) -> ReliefApplication:
    locked = ReliefApplication.objects.select_for_update().select_related("household__region").get(pk=application.pk)
    if version is not None and locked.version != version:
        from lianfang.core.edits import VersionConflict

        raise VersionConflict()
    return locked


def relief_move(
    *, actor: Actor, application: ReliefApplication, name: str, note: Any = "", version: int | None = None
) -> ReliefApplication:
    """Take one of the transitions asked for on the page: accept, close_publicity, archive, return,
    resubmit, refuse (approve has relief_approve; publish follows the investigation)."""
    with transaction.atomic():
        locked = _locked(application, version)
        RELIEF_FLOW.take(record=locked, name=name, actor=actor, note=_text(note, 300))
        if name in ("return", "refuse"):
            locked.decision_note = _text(note, 300)
            locked.save(update_fields=["decision_note"])
    return locked


def relief_investigate(
    *,
    actor: Actor,
    application: ReliefApplication,
    household_size: Any,
    monthly_income: Any,
    assets: Any,
    findings: Any,
    amount: Any,
    publicity_days: Any = None,
    publicity_starts: Any = None,
    version: int | None = None,
    at: Any = None,
) -> ReliefApplication:
    """The home investigation (入户调查) with the household's economic check, the amount proposed
    and the public notice's period (公示): moves the application to 公示. The amount is within the
    highest cap; the notice runs at least CARE_PUBLICITY_DAYS days."""
    errors: dict[str, list[str]] = {}
    try:
        size = int(household_size)
        if not 1 <= size <= 30:
            raise ValueError
    except (TypeError, ValueError):
        errors["household_size"] = [_("Give the household's size, 1 to 30.")]
        size = 0
    income = _money_or_zero(monthly_income, "monthly_income", errors)
    held = _money_or_zero(assets, "assets", errors)
    text = str(findings or "").strip()[:4000]
    if len(text) < 4:
        errors["findings"] = [_("Write what the home investigation found.")]
    proposed = None
    try:
        proposed = _money(amount, "amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    if proposed is not None and proposed > cap(application.standard):
        errors["amount"] = [
            _("%(amount)s 元 is above the cap of %(cap)s 元 (%(multiple)s× the standard of %(standard)s 元).")
            % {
                "amount": proposed,
                "cap": cap(application.standard),
                "multiple": levels()[-1][1],
                "standard": application.standard,
            }
        ]
    days = settings.CARE_PUBLICITY_DAYS if publicity_days in (None, "") else publicity_days
    try:
        days = int(str(days))
    except (TypeError, ValueError):
        errors["publicity_days"] = [_("Give the public notice's length in days.")]
        days = 0
    if "publicity_days" not in errors and not settings.CARE_PUBLICITY_DAYS <= days <= MAX_PUBLICITY_DAYS:
        errors["publicity_days"] = [
            _("A public notice runs %(least)d to %(most)d days.")
            % {"least": settings.CARE_PUBLICITY_DAYS, "most": MAX_PUBLICITY_DAYS}
        ]
    today = timezone.localdate()
    start = today
    try:
        start = _date(publicity_starts, "publicity_starts") or today
    except ValidationError as error:
        errors.update(error.message_dict)
    # The console replays older records (the demo); a user's notice starts today or within a month.
    if not isinstance(actor, SystemActor) and not today <= start <= today + dt.timedelta(days=30):
        errors["publicity_starts"] = [_("A public notice starts today or within the next 30 days.")]
    if errors:
        raise ValidationError(errors)
    assert proposed is not None
    with transaction.atomic():
        locked = _locked(application, version)
        if "staff" not in relief_sides(locked, actor):
            raise _refuse(actor, "relief.publish", _("You may not investigate this application."), target=locked)
        if locked.state != ReliefState.INVESTIGATING:
            RELIEF_FLOW.transition("publish", locked.state)  # raises: not from this state
        locked.household_size, locked.monthly_income, locked.assets = size, income, held
        locked.findings = text
        locked.amount = proposed
        locked.approval_level = level_for(proposed, locked.standard) or ApprovalLevel.CIVIL_AFFAIRS
        locked.investigated_by = acting_user(actor)
        locked.investigated_at = console_time(actor, at)
        locked.publicity_starts, locked.publicity_ends = start, start + dt.timedelta(days=days - 1)
        RELIEF_FLOW.take(record=locked, name="publish", actor=actor, automatic=True)
        duty_answer_events(
            actor=actor, duty=ADVANCE_PAPERS.key, subject_type=RELIEF_SUBJECT, subject_id=locked.pk,
            at=locked.investigated_at,
        )  # fmt: skip
    return locked


def _money_or_zero(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal:
    if value in (None, ""):
        errors[field] = [_("Give an amount in yuan (0 if none).")]
        return Decimal("0")
    return yuan(value, field, errors, least=Decimal("0"), most=Decimal("999999999.99")) or Decimal("0")


def objection_record(
    *, actor: Actor, application: ReliefApplication, content: Any, received_on: Any = None
) -> Objection:
    """An objection to an application received during its public notice."""
    text = str(content or "").strip()[:2000]
    day = _date(received_on, "received_on") or timezone.localdate()
    if len(text) < 2:
        raise ValidationError({"content": [_("Write the objection.")]})
    if application.state != ReliefState.PUBLICITY or not (
        application.publicity_starts and application.publicity_starts <= day <= (application.publicity_ends or day)
    ):
        raise ValidationError({"received_on": [_("Objections are taken during the public notice.")]})
    if "staff" not in relief_sides(application, actor):
        raise _refuse(actor, "relief.objection", _("You may not record objections here."), target=application)
    with transaction.atomic():
        objection = Objection.objects.create(
            application=application, received_on=day, content=text, recorded_by=acting_user(actor)
        )
        audit_record(actor=actor, verb="relief.objection", target=application, detail=f"objection {objection.pk}")
    return objection


def objection_resolve(*, actor: Actor, objection: Objection, resolution: Any) -> Objection:
    text = str(resolution or "").strip()[:2000]
    if len(text) < 2:
        raise ValidationError({"resolution": [_("Say how the objection was resolved.")]})
    if "staff" not in relief_sides(objection.application, actor):
        raise _refuse(actor, "relief.objection_resolve", _("You may not resolve objections here."))
    with transaction.atomic():
        objection.resolution, objection.resolved_at = text, timezone.now()
        objection.save(update_fields=["resolution", "resolved_at"])
        audit_record(
            actor=actor,
            verb="relief.objection_resolve",
            target=objection.application,
            detail=f"objection {objection.pk}",
        )
    return objection


def relief_approve(
    *,
    actor: Actor,
    application: ReliefApplication,
    override: Any = "",
    version: int | None = None,
    at: Any = None,
    by: Any = None,
) -> ReliefApplication:
    """审批: by the level the amount needs; a flagged repeat only by 区民政局 with its reason."""
    reason = _text(override, 300)
    approver = on_behalf(actor, by)
    who = approver if approver is not None else actor
    with transaction.atomic():
        locked = _locked(application, version)
        if locked.repeat_of_id is not None and is_civil_affairs(who):
            if len(reason) < 2:
                raise ValidationError(
                    {"override": [_("This application repeats an earlier one: give the reason for approving it.")]}
                )
            locked.repeat_override = reason
        locked.approved_by = approver
        locked.approved_at = console_time(actor, at)
        RELIEF_FLOW.take(record=locked, name="approve", actor=who, note=reason)
    return locked


def _clean_account(value: Any) -> str:
    digits = re.sub(r"[\s-]", "", str(value or ""))
    if not re.fullmatch(r"\d{12,30}", digits):
        raise ValidationError({"account": [_("A bank account number has 12 to 30 digits.")]})
    return digits


def mask_account(digits: str) -> str:
    return f"{digits[:4]} **** **** {digits[-4:]}"


def _payment(
    actor: Actor,
    application: ReliefApplication,
    amount: Any,
    method: Any,
    account: Any,
    items: Any,
    paid_on: Any,
    advance: bool,
) -> Payment:
    errors: dict[str, list[str]] = {}
    money = None
    try:
        money = _money(amount, "amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    method = str(method or "")
    digits = ""
    if method not in PaymentMethod.values:
        errors["method"] = [_("Say how it was paid: a bank transfer or in kind.")]
    elif method == PaymentMethod.BANK:
        try:
            digits = _clean_account(account)
        except ValidationError as error:
            errors.update(error.message_dict)
    elif len(_text(items, 300)) < 2:
        errors["items"] = [_("List the items given.")]
    day = _date(paid_on, "paid_on") or timezone.localdate()
    if day > timezone.localdate():
        errors["paid_on"] = [_("A payment is recorded on the day or after it.")]
    if errors:
        raise ValidationError(errors)
    assert money is not None
    payment = Payment.objects.create(
        application=application,
        amount=money,
        method=method,
        account_cipher=encrypt(digits, column=ACCOUNT_COLUMN) if digits else "",
        account_masked=mask_account(digits) if digits else "",
        items=_text(items, 300) if method == PaymentMethod.IN_KIND else "",
        advance=advance,
        paid_on=day,
        paid_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        verb="relief.advance" if advance else "relief.pay",
        target=application,
        after={"amount": str(money), "method": method, "account": payment.account_masked, "paid_on": day.isoformat()},
    )
    return payment


def relief_pay(
    *,
    actor: Actor,
    application: ReliefApplication,
    amount: Any,
    method: Any,
    account: Any = "",
    items: Any = "",
    paid_on: Any = None,
) -> Payment:
    """发放: a payment of approved relief, never before approval and never beyond the amount."""
    with transaction.atomic():
        locked = _locked(application)
        if locked.state != ReliefState.PAYING:
            raise ValidationError({"amount": [_("Relief is paid once approved (an emergency advance aside).")]})
        if "staff" not in relief_sides(locked, actor):
            raise _refuse(actor, "relief.pay", _("You may not pay this relief."), target=locked)
        payment = _payment(actor, locked, amount, method, account, items, paid_on, advance=False)
        if locked.paid_total() > (locked.amount or 0):
            raise ValidationError({"amount": [_("This is more than the amount approved, with what is paid already.")]})
    return payment


def relief_advance(
    *,
    actor: Actor,
    application: ReliefApplication,
    amount: Any,
    method: Any,
    account: Any = "",
    items: Any = "",
    paid_on: Any = None,
) -> Payment:
    """先行救助: an emergency payment before the papers (急难型 only, within the subdistrict's cap);
    the investigation is then due within CARE_ADVANCE_PAPERS_DAYS working days (core/duties)."""
    with transaction.atomic():
        locked = _locked(application)
        if locked.state not in (ReliefState.APPLIED, ReliefState.INVESTIGATING):
            raise ValidationError({"amount": [_("An advance is paid before the investigation is recorded.")]})
        if locked.relief_type != ReliefType.EMERGENCY:
            raise ValidationError({"amount": [_("An advance is for emergency (急难型) relief only.")]})
        if locked.payments.filter(advance=True).exists():
            raise ValidationError({"amount": [_("An advance was paid already.")]})
        if "staff" not in relief_sides(locked, actor):
            raise _refuse(actor, "relief.advance", _("You may not pay this relief."), target=locked)
        payment = _payment(actor, locked, amount, method, account, items, paid_on, advance=True)
        first_cap = (locked.standard * levels()[0][1]).quantize(CENT)
        if payment.amount > first_cap:
            raise ValidationError(
                {"amount": [_("An advance is at most %(cap)s 元, the subdistrict's cap.") % {"cap": first_cap}]}
            )
        row = duty_roster_set(
            actor=SYSTEM,
            duty=ADVANCE_PAPERS.key,
            # Named by its number: who applied for relief is not for the roster's readers.
            entry=RosterEntry(
                RELIEF_SUBJECT, locked.pk, _("Relief application #%(n)d") % {"n": locked.pk}, locked.household.region
            ),
            from_day=payment.paid_on,
        )
        duty_event_record(actor=SYSTEM, subject=row.pk, occurred_at=timezone.now())
    return payment


def payment_reveal(*, actor: Actor, payment: Payment, reason: Any) -> str:
    """The full bank account, for a user who may reveal full numbers, with a reason (audited)."""
    text = _text(reason, 200)
    region = payment.application.household.region
    if (
        not getattr(actor, "is_authenticated", False)
        or not scope_for(actor).may_reveal
        or not sees_sensitive_in(actor, region)
    ):
        raise _refuse(
            actor, "relief.account_reveal", _("You may not reveal this account number."), target=payment.application
        )
    if len(text) < 4:
        raise ValidationError({"reason": [_("Give the reason for revealing the full value (at least 4 characters).")]})
    if not payment.account_cipher:
        return ""
    value = decrypt(payment.account_cipher, column=ACCOUNT_COLUMN)
    audit_record(actor=actor, verb="relief.account_reveal", target=payment.application, detail=text)
    return value


def accounts_rotate(chunk: int = 1000) -> int:
    """Re-encrypt the bank accounts not yet under the current data key (the rotate_data_key
    command runs this after the people); returns how many were rewritten."""
    rewritten = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Payment.objects.select_for_update()
                .filter(pk__gt=last)
                .exclude(account_cipher="")
                .order_by("pk")[:chunk]
            )
            if not batch:
                return rewritten
            for payment in batch:
                last = payment.pk
                if is_current(payment.account_cipher):
                    continue
                digits = decrypt(payment.account_cipher, column=ACCOUNT_COLUMN)
                Payment.objects.filter(pk=payment.pk).update(account_cipher=encrypt(digits, column=ACCOUNT_COLUMN))
                rewritten += 1
