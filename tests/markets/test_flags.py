"""Flags decided in code from the answers, what follows from them, and the reopening gate."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lianfang.core.cases.models import Case
from lianfang.core.cases.states import State
from lianfang.core.duties.models import Submission
from lianfang.core.figures.registry import Period, registry
from lianfang.core.flows.models import StatusChange
from lianfang.core.idempotency import SubmissionConflict
from lianfang.core.regions.scoping import Scope
from lianfang.markets.models import Decision, Shop, ShopInspection, SuspensionNotice
from lianfang.markets.services import review_decide, review_request, round_start, shop_inspect
from lianfang.markets.states import Flag, Kind, Outcome, ShopState

from .conftest import MarketWorld

pytestmark = pytest.mark.django_db

# Positions in the standard epidemic checklist: 1 venue code (serious), 3 masks, 5 ventilation (not
# required), 7 staff vaccination (serious).
VENUE_CODE, MASKS, VENTILATION = 1, 3, 5


def inspect(
    m: MarketWorld, shop: Shop, *failed: int, by: str = "a1", kind: str = Kind.ROUTINE, **more: Any
) -> ShopInspection:
    return m.inspect(shop, *failed, by=by, kind=kind, **more)


def test_every_required_item_passing_gives_a_red_flag_even_when_an_optional_one_fails(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    row = inspect(markets, shop, VENTILATION)
    assert row.outcome == Outcome.RED and row.decided == Outcome.RED
    assert markets.reload(shop).flag == Flag.RED
    assert row.case is None
    # The shop's day is fulfilled on the daily inspection duty.
    assert Submission.objects.filter(duty="markets.daily_inspection", day=markets.today).count() == 1


def test_a_required_item_failing_gives_a_black_flag_and_opens_a_rectification_case(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    row = inspect(markets, shop, MASKS)
    assert row.outcome == Outcome.BLACK
    assert markets.reload(shop).flag == Flag.BLACK and markets.reload(shop).state == ShopState.OPEN
    case = Case.objects.get(pk=row.case_id or 0)
    assert case.kind == "markets.rectification" and not case.is_closed
    assert case.deadline == markets.today + dt.timedelta(days=3)
    assert "从业人员和顾客规范佩戴口罩" in case.description


def test_a_serious_item_failing_suspends_the_shop_with_a_numbered_notice(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    row = inspect(markets, shop, VENUE_CODE)
    assert row.outcome == Outcome.SUSPENSION
    assert markets.reload(shop).state == ShopState.SUSPENDED
    assert markets.reload(shop).flag == Flag.BLACK  # a suspension is also a black flag
    notice = SuspensionNotice.objects.get(inspection=row)
    assert (notice.year, notice.number) == (markets.today.year, 1)
    assert notice.code == f"上市监停字〔{markets.today.year}〕第1号"
    assert StatusChange.objects.filter(record_id=shop.pk, flow="markets.shop", to_state="suspended").count() == 1
    # The next suspension of the year takes the next number.
    second = inspect(markets, markets.shops[1], 7)
    assert SuspensionNotice.objects.get(inspection=second).number == 2


def test_a_second_black_flag_within_three_days_is_a_suspension(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    first = inspect(markets, shop, MASKS, inspected_at=timezone.now() - dt.timedelta(days=2))
    assert first.outcome == Outcome.BLACK
    second = inspect(markets, shop, MASKS)
    assert second.outcome == Outcome.SUSPENSION
    # The black flag's case is settled as superseded; the suspension has its own.
    assert Case.objects.get(pk=first.case_id or 0).is_closed
    assert second.case_id != first.case_id and not Case.objects.get(pk=second.case_id or 0).is_closed


def test_a_black_flag_older_than_three_days_gives_another_black_flag(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    inspect(markets, shop, MASKS, inspected_at=timezone.now() - dt.timedelta(days=4))
    assert inspect(markets, shop, MASKS).outcome == Outcome.BLACK


def test_an_inspector_may_make_the_outcome_stricter_with_a_reason_but_never_milder(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    with pytest.raises(ValidationError) as refused:
        inspect(markets, shop, MASKS, outcome=Outcome.RED, stricter_reason="熟人")
    assert "outcome" in refused.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        inspect(markets, shop, MASKS, outcome=Outcome.SUSPENSION)
    assert "stricter_reason" in no_reason.value.message_dict
    row = inspect(markets, shop, MASKS, outcome=Outcome.SUSPENSION, stricter_reason="拒不配合检查，现场劝阻无效")
    assert (row.decided, row.outcome) == (Outcome.BLACK, Outcome.SUSPENSION)
    assert row.stricter_reason == "拒不配合检查，现场劝阻无效"


def test_an_inspection_needs_todays_round_and_two_inspectors_present(markets: MarketWorld) -> None:
    shop = markets.shops[3]  # 中心路街道: 二队 has no round today
    with pytest.raises(ValidationError) as no_round:
        shop_inspect(
            actor=markets["b1"],
            shop=shop,
            kind=Kind.ROUTINE,
            answers=markets.answers(markets.epidemic),
            inspectors=[markets["b1"], markets["b2"]],
        )
    assert "round" in no_round.value.message_dict
    with pytest.raises(ValidationError) as alone:
        round_start(actor=markets["b1"], members=[markets["b1"]])
    assert "members" in alone.value.message_dict
    with pytest.raises(ValidationError) as outsider:
        shop_inspect(
            actor=markets["a1"],
            shop=markets.shops[0],
            kind=Kind.ROUTINE,
            answers=markets.answers(markets.epidemic),
            inspectors=[markets["a1"], markets["b1"]],
        )
    assert "inspectors" in outsider.value.message_dict
    with pytest.raises(ValidationError):
        shop_inspect(
            actor=markets["a1"],
            shop=markets.shops[0],
            kind=Kind.ROUTINE,
            answers=markets.answers(markets.epidemic),
            inspectors=[markets["a1"]],
        )
    assert not ShopInspection.objects.exists()


def test_a_suspended_shop_cannot_be_recorded_open_nor_given_a_red_flag(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    inspect(markets, shop, VENUE_CODE)
    with pytest.raises(ValidationError) as refused:
        inspect(markets, shop)  # a routine inspection: as if it were open
    assert "kind" in refused.value.message_dict
    with pytest.raises(ValidationError):
        inspect(markets, shop, kind=Kind.CLOSURE, outcome=Outcome.RED, stricter_reason="营业正常")
    assert markets.reload(shop).state == ShopState.SUSPENDED


def test_a_closure_check_finds_the_shop_closed_or_trading_on_its_case(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    order = inspect(markets, shop, VENUE_CODE)
    assert inspect(markets, shop, kind=Kind.CLOSURE).outcome == Outcome.CLOSED
    trading = inspect(markets, shop, 1, kind=Kind.CLOSURE)
    assert trading.outcome == Outcome.TRADING and trading.case_id == order.case_id
    events = Case.objects.get(pk=order.case_id or 0).events.values_list("note", flat=True)
    assert any(str(markets.today) in note for note in events)  # 停业期间发现违规营业


def test_only_another_team_member_than_the_one_who_ordered_it_passes_the_acceptance(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    order = inspect(markets, shop, VENUE_CODE, by="a1")
    with pytest.raises(ValidationError) as refused:
        inspect(markets, shop, by="a1", kind=Kind.ACCEPTANCE)
    assert "inspectors" in refused.value.message_dict
    with pytest.raises(ValidationError):  # a1 named among the inspectors
        shop_inspect(
            actor=markets["a2"],
            shop=markets.reload(shop),
            kind=Kind.ACCEPTANCE,
            answers=markets.answers(markets.epidemic),
            inspectors=[markets["a1"]],
        )
    failed = shop_inspect(
        actor=markets["a2"],
        shop=markets.reload(shop),
        kind=Kind.ACCEPTANCE,
        answers=markets.answers(markets.epidemic, MASKS),
        inspectors=[markets["a3"]],
    )[0]
    assert failed.outcome == Outcome.REJECTED and markets.reload(shop).state == ShopState.SUSPENDED
    passed = shop_inspect(
        actor=markets["a2"],
        shop=markets.reload(shop),
        kind=Kind.ACCEPTANCE,
        answers=markets.answers(markets.epidemic),
        inspectors=[markets["a3"]],
    )[0]
    assert passed.outcome == Outcome.ACCEPTED
    reopened = markets.reload(shop)
    assert reopened.state == ShopState.OPEN and reopened.flag == ""
    case = Case.objects.get(pk=order.case_id or 0)
    assert case.is_closed and case.state == State.VERIFIED and f"#{passed.pk}" in case.outcome


def test_a_later_red_flag_settles_the_black_flags_case(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    black = inspect(markets, shop, MASKS, inspected_at=timezone.now() - dt.timedelta(days=4))
    inspect(markets, shop)
    assert Case.objects.get(pk=black.case_id or 0).is_closed
    assert markets.reload(shop).flag == Flag.RED


def test_a_resend_returns_the_first_inspection_and_other_content_is_a_conflict(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    client_id = uuid.uuid4()
    first = inspect(markets, shop, VENUE_CODE, client_id=client_id)
    # The shop is suspended since, yet the resend is answered as the first was.
    again = inspect(markets, shop, VENUE_CODE, client_id=client_id)
    assert again.pk == first.pk and ShopInspection.objects.count() == 1
    with pytest.raises(SubmissionConflict):
        inspect(markets, shop, MASKS, client_id=client_id)


def test_a_review_by_another_team_revokes_a_suspension_and_reopens_the_shop(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    order = inspect(markets, shop, VENUE_CODE)
    with pytest.raises(ValidationError) as same_team:
        review_request(actor=markets.world["market"], flagged=order, team=markets.team_a, reason="场所码当时已张贴")
    assert "team" in same_team.value.message_dict
    review = review_request(
        actor=markets.world["market"], flagged=order, team=markets.team_b, reason="场所码当时已张贴"
    )
    with pytest.raises(PermissionDenied):
        review_decide(actor=markets["a2"], review=review, decision=Decision.REVOKED, note="理由充分")
    review_decide(actor=markets["b1"], review=review, decision=Decision.REVOKED, note="现场照片显示场所码已张贴")
    reopened = markets.reload(shop)
    assert reopened.state == ShopState.OPEN and reopened.flag == ""
    assert ShopInspection.objects.get(pk=order.pk).revoked_at is not None
    assert Case.objects.get(pk=order.case_id or 0).is_closed
    assert Case.objects.get(pk=review.case_id or 0).is_closed
    # The revoked order leaves the figures.
    day = Period.day(markets.today)
    for key in ("markets.suspended_shops", "markets.black_flag_shops"):
        assert registry.figures[key].compute(day, markets.world.district, Scope.everything()).value == 0, key


def test_an_upheld_review_leaves_the_black_flag(markets: MarketWorld) -> None:
    shop = markets.shops[0]
    black = inspect(markets, shop, MASKS)
    review = review_request(
        actor=markets.world["market"], flagged=black, team=markets.team_b, reason="口罩只是暂时摘下"
    )
    review_decide(actor=markets["b2"], review=review, decision=Decision.UPHELD, note="现场照片显示未佩戴口罩")
    assert markets.reload(shop).flag == Flag.BLACK
    assert ShopInspection.objects.get(pk=black.pk).revoked_at is None
