"""Households, tags and tiers, and the visits of 敲门行动 with their duties."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lianfang.care.duties import VISIT_AFTER_CHANGE, VISIT_GENERAL, VISIT_HIGH, VISIT_PRIORITY
from lianfang.care.models import Door, Household, Need, Tag, Visit
from lianfang.care.selectors import household_search, household_tags, mask_name, overdue_visits
from lianfang.care.services import (
    campaign_create,
    campaign_spawn,
    household_raise,
    tag_add,
    tag_end,
    visit_record,
)
from lianfang.core.audit.models import AuditEvent
from lianfang.core.duties.models import DutySubject, Submission
from lianfang.core.duties.selectors import missing
from lianfang.core.idempotency import SubmissionConflict
from lianfang.core.notices.models import Notification
from lianfang.volunteers.models import VolunteerTask
from tests.care.conftest import SYSTEM, CareWorld


def _on(duty: str, household: Household) -> bool:
    today = timezone.localdate()
    return (
        DutySubject.objects.filter(
            duty=duty, subject_type="care.household", subject_id=household.pk, valid_from__lte=today
        )
        .exclude(valid_until__lt=today)
        .exists()
    )


def test_the_tier_follows_the_tags_by_the_rules(care: CareWorld) -> None:
    assert care.wang.tier == "high"  # 82 and living alone
    assert care.li.tier == "priority"  # 65 and disabled
    assert care.zhang.tier == "general"  # 低保 only
    assert _on(VISIT_HIGH.key, care.wang) and _on(VISIT_AFTER_CHANGE.key, care.wang)
    assert _on(VISIT_PRIORITY.key, care.li) and not _on(VISIT_HIGH.key, care.li)
    assert _on(VISIT_GENERAL.key, care.zhang)


def test_a_living_alone_tag_on_someone_under_80_does_not_make_the_household_high(care: CareWorld) -> None:
    tag_add(actor=SYSTEM, household=care.li, person=care.people["li_na"], kind="alone", source="visit")
    assert care.reload(care.li).tier == "priority"


def test_a_new_tag_moves_the_household_to_the_higher_duty_and_off_the_lower(care: CareWorld) -> None:
    tag_add(actor=SYSTEM, household=care.zhang, person=care.people["zhang"], kind="critical", source="self_report")
    zhang = care.reload(care.zhang)
    assert zhang.tier == "high"
    assert _on(VISIT_HIGH.key, zhang) and not _on(VISIT_GENERAL.key, zhang)


def test_an_ended_tag_lowers_the_tier_again(care: CareWorld) -> None:
    Tag.objects.filter(household=care.li).update(valid_from=care.today - dt.timedelta(days=30))
    tag = Tag.objects.get(household=care.li, kind="disabled")
    tag_end(actor=care["lead"], tag=tag, last_day=care.today - dt.timedelta(days=1))
    li = care.reload(care.li)
    assert li.tier == ""  # no valid tag: no visit owed
    assert not _on(VISIT_PRIORITY.key, li)


def test_staff_may_raise_a_tier_with_a_reason_but_not_without(care: CareWorld) -> None:
    with pytest.raises(ValidationError) as refused:
        household_raise(actor=care["carer"], household=care.zhang, tier="high", reason="")
    assert "reason" in refused.value.message_dict
    zhang = household_raise(actor=care["carer"], household=care.zhang, tier="high", reason="刚出院，独自在家")
    assert zhang.effective_tier == "high" and zhang.tier == "general"
    assert _on(VISIT_HIGH.key, zhang) and not _on(VISIT_GENERAL.key, zhang)


def test_tags_are_shown_to_care_staff_and_civil_affairs_and_each_view_is_audited(care: CareWorld) -> None:
    assert household_tags(care["worker"], care.wang) is None  # a field worker of the community, no care role
    assert household_tags(care["jiyuan"], care.wang) is None  # subdistrict staff without sensitive access
    shown = household_tags(care["carer"], care.wang)
    assert shown is not None and [t.kind for t in shown] == ["alone"]
    assert household_tags(care["minzheng"], care.wang) is not None
    views = AuditEvent.objects.filter(verb="care.tag_view", target_id=str(care.wang.pk))
    assert views.count() == 2


def test_a_household_is_found_by_the_last_four_digits_of_a_phone_or_the_whole_number(care: CareWorld) -> None:
    assert list(household_search(care["worker"], "1234")) == [care.zhang]
    assert list(household_search(care["worker"], "138 0000 1234")) == [care.zhang]
    assert list(household_search(care["worker"], "济源路2")) == [care.li]
    assert list(household_search(care["worker"], "9999")) == []


def test_a_visit_fulfils_the_week_and_a_resend_lands_once(care: CareWorld) -> None:
    client = uuid.uuid4()
    needs = [{"kind": "shopping", "person": care.people["wang"].pk, "detail": "降压药"}]
    visit, created = visit_record(
        actor=care["cadre"], household=care.wang, seen=[care.people["wang"].pk], situation="精神好", needs=needs,
        client_id=client,
    )  # fmt: skip
    again, created_again = visit_record(
        actor=care["cadre"], household=care.wang, seen=[care.people["wang"].pk], situation="精神好", needs=needs,
        client_id=client,
    )  # fmt: skip
    assert created and not created_again and again.pk == visit.pk
    assert Visit.objects.count() == 1 and Need.objects.count() == 1
    need = Need.objects.get()
    assert need.follow_up_by == care.today + dt.timedelta(days=2)
    assert Submission.objects.filter(duty=VISIT_HIGH.key).count() == 1
    with pytest.raises(SubmissionConflict):
        visit_record(actor=care["cadre"], household=care.wang, situation="别的内容", client_id=client)


def test_a_visit_to_a_household_outside_the_visitors_area_is_refused_and_audited(care: CareWorld) -> None:
    with pytest.raises(PermissionDenied):
        visit_record(actor=care["xiang"], household=care.wang, situation="走错门")
    assert not Visit.objects.exists()
    assert AuditEvent.objects.filter(verb="care.visit", outcome="denied").exists()


def test_a_visit_names_the_field_and_row_of_a_bad_need_and_writes_nothing(care: CareWorld) -> None:
    with pytest.raises(ValidationError) as refused:
        visit_record(
            actor=care["carer"],
            household=care.wang,
            needs=[{"kind": "shopping"}, {"kind": "flying"}, {"kind": "medical", "follow_up_by": "2000-01-01"}],
        )
    assert set(refused.value.message_dict) == {"needs.1.kind", "needs.2.follow_up_by"}
    assert not Visit.objects.exists() and not Submission.objects.exists()


def test_a_tag_found_on_a_visit_is_kept_with_its_source_and_may_raise_the_tier(care: CareWorld) -> None:
    visit, _ = visit_record(
        actor=care["carer"], household=care.li, tags=[{"kind": "critical", "person": care.people["li"].pk}]
    )
    tag = Tag.objects.get(kind="critical")
    assert (tag.source, tag.visit_id, tag.valid_from) == ("visit", visit.pk, care.today)
    assert care.reload(care.li).tier == "high"


def test_a_reported_change_calls_for_a_visit_within_24_hours_which_the_next_visit_answers(care: CareWorld) -> None:
    earlier = timezone.now() - dt.timedelta(hours=30)
    visit_record(actor=care["carer"], household=care.wang, visited_at=earlier, change_reported=True, situation="摔倒")
    overdue = missing(care["commander"], VISIT_AFTER_CHANGE, care.today)
    assert [m.name for m in overdue] == ["济源路1号"]
    visit_record(actor=care["carer"], household=care.wang, situation="已好转")
    assert missing(care["commander"], VISIT_AFTER_CHANGE, care.today) == []
    answer = Submission.objects.get(duty=VISIT_AFTER_CHANGE.key)
    assert answer.late  # 30 hours after the change


def test_a_self_harm_risk_on_a_visit_tells_the_care_lead_at_once(care: CareWorld) -> None:
    visit_record(actor=care["carer"], household=care.zhang, needs=[{"kind": "counselling", "self_harm_risk": True}])
    assert Notification.objects.filter(user=care["lead"]).count() == 1


def test_overdue_visits_list_the_households_whose_last_period_passed_unvisited(care: CareWorld) -> None:
    # On the roster since last week: the high tier's last week ended unvisited.
    DutySubject.objects.filter(subject_type="care.household").update(valid_from=care.today - dt.timedelta(days=120))
    tiers = {t.tier: t for t in overdue_visits(care["carer"])}
    assert tiers["high"].households == [care.wang]
    assert tiers["priority"].households == [care.li]
    # A visit today takes the household off the overdue list.
    visit_record(actor=care["carer"], household=care.wang)
    tiers = {t.tier: t for t in overdue_visits(care["carer"])}
    assert tiers["high"].households == []


def test_a_campaign_spawns_the_days_tasks_and_the_doors_not_reached_get_a_second_attempt(care: CareWorld) -> None:
    campaign = campaign_create(
        actor=care["lead"],
        name="一月敲门行动",
        region=care.world.jiyuan,
        starts_on=care.today,
        ends_on=care.today + dt.timedelta(days=3),
        households=[care.wang, care.li, care.zhang],
        doors_per_task=2,
    )
    tasks = campaign_spawn(actor=care["lead"], campaign=campaign, day=care.today)
    assert len(tasks) == 2 and all(t.ends_at - t.starts_at <= dt.timedelta(days=1) for t in tasks)
    assert campaign_spawn(actor=care["lead"], campaign=campaign, day=care.today) == []  # all given out today
    visit_record(actor=care["volunteer"], household=care.wang, campaign=campaign)
    visit_record(actor=care["volunteer"], household=care.li, campaign=campaign, reached=False)
    doors = {d.household_id: d for d in Door.objects.filter(campaign=campaign)}
    assert doors[care.wang.pk].reached_at is not None
    assert (doors[care.li.pk].reached_at, doors[care.li.pk].attempts) == (None, 1)
    tomorrow = campaign_spawn(actor=care["lead"], campaign=campaign, day=care.today + dt.timedelta(days=1))
    assert len(tomorrow) == 1 and "1" in tomorrow[0].note  # 李's second attempt and 张's first
    assert VolunteerTask.objects.filter(kind="door_visit").count() == 3


def test_a_name_on_the_public_notice_keeps_only_the_surname() -> None:
    assert (mask_name("张三"), mask_name("王秀英"), mask_name("欧阳娜娜")) == ("张*", "王**", "欧阳**")


def _many_households(care: CareWorld, n: int, start: int) -> None:
    """n households of 济源路社区 on the weekly roster since last month, never visited."""
    from lianfang.core.duties.services import RosterEntry, duty_roster_add

    rows = Household.objects.bulk_create(
        [Household(region=care.world.jiyuan_a, address=f"济源路{start + k}号", tier="high") for k in range(n)]
    )
    duty_roster_add(
        actor=SYSTEM,
        duty=VISIT_HIGH.key,
        entries=[RosterEntry("care.household", h.pk, h.address, care.world.jiyuan_a) for h in rows],
        from_day=care.today - dt.timedelta(days=40),
    )


def test_the_overdue_list_of_a_community_of_3000_households_takes_the_same_queries_as_of_30(care: CareWorld) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many_households(care, 30, 100)
    overdue_visits(care["carer"])  # the calendar, read once per process
    with CaptureQueriesContext(connection) as small:
        few = overdue_visits(care["carer"])
    _many_households(care, 2970, 1000)
    with CaptureQueriesContext(connection) as large:
        many = overdue_visits(care["carer"])
    high = {t.tier: t for t in many}["high"]
    assert len(high.households) == 3000 and len({t.tier: t for t in few}["high"].households) == 30
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_the_visit_duties_are_seen_only_through_grants_that_may_view_sensitive_records(care: CareWorld) -> None:
    from lianfang.core.duties.selectors import roster, submission_list

    visit_record(actor=care["carer"], household=care.wang)
    assert roster(care["jiyuan"], VISIT_HIGH, care.today, care.today).count() == 0  # no sensitive grant
    assert not submission_list(care["jiyuan"]).filter(duty=VISIT_HIGH.key).exists()
    assert roster(care["commander"], VISIT_HIGH, care.today, care.today).count() == 1


def test_a_vulnerable_only_campaign_is_refused_to_staff_who_may_not_see_the_tags(care: CareWorld) -> None:
    from django.test import Client

    client = Client()
    client.force_login(care["jiyuan"])
    client.post(
        "/care/campaigns/",
        {
            "name": "困难户走访",
            "region": care.world.jiyuan_a.code,
            "starts_on": care.today.isoformat(),
            "ends_on": care.today.isoformat(),
            "doors_per_task": "5",
            "vulnerable_only": "on",
        },
    )
    from lianfang.care.models import Campaign

    assert not Campaign.objects.exists()
