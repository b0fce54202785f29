"""临时救助 by the rules: the six states, the standard of the application date, caps and levels,
the public notice, repeats, advances, payments and the bank account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from lianfang.care.duties import ADVANCE_PAPERS
from lianfang.care.models import Payment, ReliefApplication
from lianfang.care.relief import (
    objection_record,
    objection_resolve,
    payment_reveal,
    relief_advance,
    relief_apply,
    relief_approve,
    relief_investigate,
    relief_move,
    relief_pay,
    standard_on,
)
from lianfang.care.selectors import public_notice, relief_list
from lianfang.care.services import household_member_add, household_save
from lianfang.core.audit.models import AuditEvent
from lianfang.core.calendar.models import EpidemicPeriod
from lianfang.core.duties.models import DutyEvent
from lianfang.core.duties.selectors import missing
from lianfang.core.flows.engine import InvalidTransition
from lianfang.core.regions.models import Membership
from lianfang.core.regions.scoping import Scope, clear_scope_cache
from tests.care.conftest import SYSTEM, CareWorld, person, years_ago

ACCOUNT = "6222 0212 3456 7890 123"


def _apply(care: CareWorld, **more: Any) -> ReliefApplication:
    return relief_apply(
        actor=care["carer"], household=care.zhang, applicant=care.people["zhang"], cause="income_loss",
        story="疫情期间停工，无收入", **more,
    )  # fmt: skip


def _to_publicity(care: CareWorld, application: ReliefApplication, amount: str = "1680") -> ReliefApplication:
    relief_move(actor=care["carer"], application=application, name="accept")
    return relief_investigate(
        actor=care["carer"], application=application, household_size=1, monthly_income="0", assets="1200",
        findings="入户核实：停工两月，无其他收入", amount=amount,
    )  # fmt: skip


def _later(monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    moment = timezone.now() + dt.timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_an_application_goes_through_all_six_states_and_is_paid_in_full(
    care: CareWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = _to_publicity(care, _apply(care))
    assert application.state == "publicity" and application.approval_level == "subdistrict"  # 1680 ≤ 3 × 840
    with pytest.raises(InvalidTransition):
        relief_move(actor=care["carer"], application=application, name="close_publicity")  # the notice still runs
    _later(monkeypatch, 7)
    relief_move(actor=care["carer"], application=application, name="close_publicity")
    application = relief_approve(actor=care["approver"], application=application)
    assert application.state == "paying"
    with pytest.raises(ValidationError):
        relief_pay(actor=care["carer"], application=application, amount="2000", method="bank", account=ACCOUNT)
    payment = relief_pay(actor=care["carer"], application=application, amount="1680", method="bank", account=ACCOUNT)
    assert payment.account_masked == "6222 **** **** 0123" and "6222021234567890123" not in payment.account_cipher
    application = relief_move(actor=care["carer"], application=application, name="archive")
    assert application.state == "archived"
    states = list(
        AuditEvent.objects.filter(target_id=str(application.pk), verb__startswith="relief.")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert states == [
        "relief.apply", "relief.accept", "relief.publish", "relief.close_publicity", "relief.approve", "relief.pay",
        "relief.archive",
    ]  # fmt: skip


def test_the_standard_in_force_on_the_application_date_applies_when_it_changes_mid_period(care: CareWorld) -> None:
    standards = "2021-07-01:840:600;" + f"{care.today:%Y-%m-%d}:900:650"
    with override_settings(CARE_STANDARDS=standards):
        before = _apply(care, applied_on=care.today - dt.timedelta(days=3))
        assert before.standard == Decimal("840")
        # 3 × 840 = 2520 is the subdistrict's cap for the earlier application, 3 × 900 for the later.
        before = _to_publicity(care, before, amount="2600")
        assert before.approval_level == "civil_affairs"
        other = household_save(actor=SYSTEM, region=care.world.jiyuan_a, address="济源路4号")
        zhao = person("赵敏", years_ago(40, care.today), care.world.jiyuan_a, serial=105)
        household_member_add(actor=SYSTEM, household=other, person=zhao, relation="head")
        after = relief_apply(actor=care["carer"], household=other, applicant=zhao, cause="income_loss")
        assert after.standard == Decimal("900")
        after = _to_publicity(care, after, amount="2600")
        assert after.approval_level == "subdistrict"
    assert standard_on(dt.date(2022, 1, 14), rural=True) == Decimal("600")


def test_a_village_applies_the_rural_standard(care: CareWorld) -> None:
    household = household_save(actor=SYSTEM, region=care.village, address="峡窝村5组")
    farmer = person("孙大山", years_ago(58, care.today), care.village, serial=106)
    household_member_add(actor=SYSTEM, household=household, person=farmer, relation="head")
    application = relief_apply(actor=care["xiang"], household=household, applicant=farmer, cause="medical")
    assert (application.rural, application.standard, application.relief_type) == (True, Decimal("640"), "expenditure")


def test_an_amount_above_the_highest_cap_is_refused_naming_the_field(care: CareWorld) -> None:
    application = _apply(care)
    relief_move(actor=care["carer"], application=application, name="accept")
    with pytest.raises(ValidationError) as refused:
        relief_investigate(
            actor=care["carer"], application=application, household_size=1, monthly_income="0", assets="0",
            findings="入户核实", amount="20000",
        )  # fmt: skip
    assert "amount" in refused.value.message_dict
    assert ReliefApplication.objects.get(pk=application.pk).state == "investigating"


def test_the_subdistrict_may_not_approve_above_its_cap(care: CareWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    application = _to_publicity(care, _apply(care), amount="5000")
    _later(monkeypatch, 7)
    relief_move(actor=care["carer"], application=application, name="close_publicity")
    with pytest.raises(InvalidTransition):
        relief_approve(actor=care["approver"], application=application)
    assert relief_approve(actor=care["minzheng"], application=application).state == "paying"


def test_a_public_notice_shorter_than_the_setting_is_refused(care: CareWorld) -> None:
    application = _apply(care)
    relief_move(actor=care["carer"], application=application, name="accept")
    with pytest.raises(ValidationError) as refused:
        relief_investigate(
            actor=care["carer"], application=application, household_size=1, monthly_income="0", assets="0",
            findings="入户核实", amount="800", publicity_days=3,
        )  # fmt: skip
    assert "publicity_days" in refused.value.message_dict


def test_a_payment_before_approval_is_refused(care: CareWorld) -> None:
    application = _to_publicity(care, _apply(care))
    with pytest.raises(ValidationError):
        relief_pay(actor=care["carer"], application=application, amount="100", method="in_kind", items="米面油")
    assert not Payment.objects.exists()


def test_the_public_notice_masks_names_and_an_open_objection_holds_the_approval(
    care: CareWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = _to_publicity(care, _apply(care))
    assert [(r.name, r.amount) for r in public_notice(care.world.jiyuan_a)] == [("张*", Decimal("1680.00"))]
    objection = objection_record(actor=care["carer"], application=application, content="他家有门面房出租")
    _later(monkeypatch, 7)
    with pytest.raises(InvalidTransition):
        relief_move(actor=care["carer"], application=application, name="close_publicity")
    objection_resolve(actor=care["carer"], objection=objection, resolution="核实门面房已于去年出售")
    assert relief_move(actor=care["carer"], application=application, name="close_publicity").state == "approving"


def test_a_repeat_for_the_same_cause_is_flagged_and_only_civil_affairs_approves_it_with_a_reason(
    care: CareWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _apply(care, applied_on=care.today - dt.timedelta(days=60))
    second = _apply(care)
    assert second.repeat_of == first
    second = _to_publicity(care, second, amount="800")
    _later(monkeypatch, 7)
    relief_move(actor=care["carer"], application=second, name="close_publicity")
    with pytest.raises(InvalidTransition):
        relief_approve(actor=care["approver"], application=second)
    with pytest.raises(ValidationError):
        relief_approve(actor=care["minzheng"], application=second)
    approved = relief_approve(actor=care["minzheng"], application=second, override="两次停工原因不同，已核实")
    assert approved.state == "paying" and approved.repeat_override


def test_a_repeat_is_found_through_another_member_of_the_household(care: CareWorld) -> None:
    relief_apply(actor=care["carer"], household=care.li, applicant=care.people["li_na"], cause="medical")
    again = relief_apply(actor=care["carer"], household=care.li, applicant=care.people["li"], cause="medical")
    assert again.repeat_of is not None


def test_an_advance_is_paid_first_and_its_papers_are_a_duty(care: CareWorld) -> None:
    EpidemicPeriod.objects.create(level="2", starts_on=care.today - dt.timedelta(days=3), note="test")
    application = relief_apply(
        actor=care["carer"], household=care.zhang, applicant=care.people["zhang"], cause="isolated", local_hukou=False
    )
    assert application.relief_type == "emergency"
    relief_advance(actor=care["carer"], application=application, amount="500", method="in_kind", items="米面油、口罩")
    event = DutyEvent.objects.get(duty=ADVANCE_PAPERS.key)
    due_day = timezone.localtime(event.due_at).date()
    assert care.today + dt.timedelta(days=5) <= due_day <= care.today + dt.timedelta(days=9)  # 5 working days
    later = event.due_at + dt.timedelta(minutes=1)
    assert len(missing(Scope.everything(), ADVANCE_PAPERS, due_day, now=later)) == 1
    _to_publicity(care, application)
    assert missing(Scope.everything(), ADVANCE_PAPERS, due_day, now=later) == []


def test_outside_an_epidemic_relief_is_for_local_hukou(care: CareWorld) -> None:
    with pytest.raises(ValidationError) as refused:
        relief_apply(
            actor=care["carer"], household=care.zhang, applicant=care.people["zhang"], cause="isolated",
            local_hukou=False,
        )  # fmt: skip
    assert "local_hukou" in refused.value.message_dict


def test_relief_is_seen_by_care_staff_and_civil_affairs_not_by_the_subdistricts_other_staff(care: CareWorld) -> None:
    application = _apply(care)
    assert application in relief_list(care["carer"]) and application in relief_list(care["minzheng"])
    assert application not in relief_list(care["jiyuan"]) and application not in relief_list(care["worker"])
    Membership.objects.filter(user=care["jiyuan"]).update(may_view_sensitive=True)
    care["jiyuan"].refresh_from_db()
    clear_scope_cache()
    assert application in relief_list(care["jiyuan"])


def test_a_bank_account_is_revealed_only_with_the_privilege_and_a_reason_and_audited(
    care: CareWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = _to_publicity(care, _apply(care))
    _later(monkeypatch, 7)
    relief_move(actor=care["carer"], application=application, name="close_publicity")
    relief_approve(actor=care["approver"], application=application)
    payment = relief_pay(actor=care["carer"], application=application, amount="1680", method="bank", account=ACCOUNT)
    with pytest.raises(PermissionDenied):
        payment_reveal(actor=care["carer"], payment=payment, reason="核对转账")
    Membership.objects.filter(user=care["carer"]).update(may_reveal=True)
    clear_scope_cache()
    assert payment_reveal(actor=care["carer"], payment=payment, reason="核对转账失败原因") == "6222021234567890123"
    assert AuditEvent.objects.filter(verb="relief.account_reveal", outcome="ok").count() == 1


def test_rotating_the_data_key_re_encrypts_the_bank_accounts_too(
    care: CareWorld, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    import base64

    from django.core.management import call_command

    application = _to_publicity(care, _apply(care))
    _later(monkeypatch, 7)
    relief_move(actor=care["carer"], application=application, name="close_publicity")
    relief_approve(actor=care["approver"], application=application)
    payment = relief_pay(actor=care["carer"], application=application, amount="1680", method="bank", account=ACCOUNT)
    old_key, new_key = settings.DATA_KEY, base64.b64encode(bytes(range(32))).decode()
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = new_key, old_key
    call_command("rotate_data_key")
    settings.DATA_KEY_PREVIOUS = ""  # the old key is gone now
    payment.refresh_from_db()
    Membership.objects.filter(user=care["carer"]).update(may_reveal=True)
    clear_scope_cache()
    assert payment_reveal(actor=care["carer"], payment=payment, reason="轮换后核对账号") == "6222021234567890123"
    assert AuditEvent.objects.filter(verb="data_key.rotate", detail__contains="1 relief bank accounts").exists()


@pytest.mark.parametrize(("days", "starts"), [(0, None), (999999999, None), (7, "2001-01-01"), (7, "9999-12-31")])
def test_a_public_notice_of_no_days_or_out_of_bounds_is_refused_naming_the_field(
    care: CareWorld, days: int, starts: str | None
) -> None:
    application = _apply(care)
    relief_move(actor=care["carer"], application=application, name="accept")
    with pytest.raises(ValidationError) as refused:
        relief_investigate(
            actor=care["carer"], application=application, household_size=1, monthly_income="0", assets="0",
            findings="入户核实", amount="800", publicity_days=days, publicity_starts=starts,
        )  # fmt: skip
    assert {"publicity_days", "publicity_starts"} & set(refused.value.message_dict)
    assert ReliefApplication.objects.get(pk=application.pk).state == "investigating"


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-1", "abc"])
def test_an_amount_that_is_not_a_number_of_yuan_is_refused_naming_the_field(care: CareWorld, amount: str) -> None:
    application = _apply(care)
    relief_move(actor=care["carer"], application=application, name="accept")
    with pytest.raises(ValidationError) as refused:
        relief_investigate(
            actor=care["carer"], application=application, household_size=1, monthly_income="0", assets="0",
            findings="入户核实", amount=amount,
        )  # fmt: skip
    assert "amount" in refused.value.message_dict


def test_the_advance_papers_roster_names_the_application_not_the_applicant(care: CareWorld) -> None:
    from lianfang.core.duties.models import DutySubject

    EpidemicPeriod.objects.create(level="2", starts_on=care.today - dt.timedelta(days=3), note="test")
    application = relief_apply(
        actor=care["carer"], household=care.zhang, applicant=care.people["zhang"], cause="isolated"
    )
    relief_advance(actor=care["carer"], application=application, amount="300", method="in_kind", items="米面油")
    row = DutySubject.objects.get(duty=ADVANCE_PAPERS.key)
    assert "张强" not in row.name and str(application.pk) in row.name
    assert DutyEvent.objects.get(duty=ADVANCE_PAPERS.key).note == ""
