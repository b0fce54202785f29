"""The case engine: the transition table, sides, version conflicts, the timeline and its audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from lianfang.core.audit.models import AuditEvent
from lianfang.core.cases.kinds import CaseKind, get_kind, register_kind
from lianfang.core.cases.models import Case, CaseEvent, EventKind
from lianfang.core.cases.services import (
    case_assign,
    case_bulk,
    case_comment,
    case_edit,
    case_report,
    case_transition,
    clean_case,
)
from lianfang.core.cases.states import State
from lianfang.core.edits import VersionConflict
from lianfang.core.flows.engine import Flow, InvalidTransition, Transition
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from tests.ids import credit_code
from tests.world import World, make_user, sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def report(world: World, actor: str = "jiyuan", kind: str = "problem", **fields: Any) -> Case:
    data = clean_case(
        kind=kind,
        title=fields.pop("title", "缺工20人"),
        region=fields.pop("region", world.jiyuan_a),
        **fields,
    )
    case, created = case_report(actor=world[actor], data=data)
    assert created
    return case


def step(world: World, case: Case, name: str, actor: str = "jiyuan", **fields: Any) -> Case:
    case.refresh_from_db()
    return case_transition(actor=world[actor], case=case, name=name, version=case.version, **fields)


def test_a_case_goes_from_reported_to_verified_and_each_step_is_on_the_timeline(world: World) -> None:
    case = report(world)
    assert case.owner_department == world.jiyuan_office  # the subdistrict office by default
    case = case_assign(actor=world["jiyuan"], case=case, version=case.version, assignee=world["worker"])
    step(world, case, "accept", actor="worker")
    step(world, case, "start", actor="worker")
    step(world, case, "finish", actor="worker", outcome="安置工人20名")
    case = step(world, case, "verify", actor="jiyuan")
    assert case.state == State.VERIFIED and case.is_closed and case.closed_at is not None
    assert case.done_by == world["worker"] and case.verified_by == world["jiyuan"]
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", "transition"))
    assert kinds == [
        (EventKind.REPORTED, ""),
        (EventKind.ASSIGNED, ""),
        (EventKind.TRANSITION, "accept"),
        (EventKind.TRANSITION, "start"),
        (EventKind.TRANSITION, "finish"),
        (EventKind.TRANSITION, "verify"),
    ]
    verbs = list(
        AuditEvent.objects.filter(target_id=str(case.pk), target_type="cases.case")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["case.report", "case.assign", "case.accept", "case.start", "case.finish", "case.verify"]


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (State.REPORTED, "verify"),
        (State.REPORTED, "finish"),
        (State.ACCEPTED, "verify"),
        (State.DONE, "accept"),
        (State.VERIFIED, "finish"),
    ],
)
def test_it_refuses_a_transition_outside_the_kinds_table(world: World, state: str, name: str) -> None:
    case = report(world)
    Case.objects.filter(pk=case.pk).update(state=state, is_closed=state == State.VERIFIED, closed_at=timezone.now())
    case.refresh_from_db()
    with pytest.raises(InvalidTransition) as refused:
        case_transition(actor=world["commander"], case=case, name=name, version=case.version, outcome="x")
    assert "不允许" in str(refused.value)
    case.refresh_from_db()
    assert case.state == state


def test_a_flow_table_that_names_a_state_outside_it_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="outside the flow"):
        Flow(
            key="broken",
            states=(State.REPORTED, State.DONE),
            closed_states=(State.DONE,),
            transitions=(Transition("verify", "x", (State.DONE,), State.VERIFIED, "verifier"),),
            sides=("verifier",),
            sides_of=lambda record, actor: (),
            verb_prefix="broken",
        )


def test_the_one_who_did_the_work_cannot_verify_it(world: World) -> None:
    case = report(world)
    step(world, case, "accept")
    step(world, case, "start")
    step(world, case, "finish", outcome="已解决")
    with pytest.raises(PermissionDenied, match="不能"):
        step(world, case, "verify", actor="jiyuan")
    case = step(world, case, "verify", actor="commander")
    assert case.state == State.VERIFIED


def test_sending_back_and_reopening_need_a_reason(world: World) -> None:
    case = report(world)
    step(world, case, "accept")
    with pytest.raises(ValidationError) as missing:
        step(world, case, "return_to_dispatcher", note="")
    assert "note" in missing.value.message_dict
    case = step(world, case, "return_to_dispatcher", note="不属于本办职责")
    assert case.state == State.REPORTED
    step(world, case, "accept")
    step(world, case, "start")
    step(world, case, "finish", outcome="已解决")
    case = step(world, case, "return_to_owner", actor="commander", note="材料不全")
    assert case.state == State.IN_PROGRESS and not case.is_closed
    step(world, case, "finish", outcome="已补齐")
    case = step(world, case, "verify", actor="commander")
    case = step(world, case, "reopen", actor="commander", note="企业反映问题复发")
    assert case.state == State.IN_PROGRESS and not case.is_closed and case.closed_at is None
    assert case.verified_by is None


def test_marking_done_needs_an_outcome(world: World) -> None:
    case = report(world)
    step(world, case, "accept")
    step(world, case, "start")
    with pytest.raises(ValidationError) as missing:
        step(world, case, "finish", outcome="  ")
    assert missing.value.message_dict["outcome"] == ["办结前请填写办理结果。"]


def test_a_kind_that_needs_evidence_cannot_be_done_without_a_file(world: World) -> None:
    case = report(world, kind="rectification", title="未落实扫码测温")
    step(world, case, "accept")
    step(world, case, "start")
    with pytest.raises(ValidationError) as missing:
        step(world, case, "finish", outcome="已整改")
    assert "evidence" in missing.value.message_dict


def test_a_kind_without_verification_closes_when_done(world: World) -> None:
    case = report(world, kind="resource_request", title="雾炮车消杀")
    step(world, case, "accept")
    step(world, case, "start")
    case = step(world, case, "finish", outcome="已消杀3小时")
    assert case.state == State.DONE and case.is_closed
    assert get_kind("resource_request").closed_state == State.DONE
    with pytest.raises(InvalidTransition):
        step(world, case, "verify", actor="commander")


def test_a_practice_adds_a_kind_with_its_own_rules() -> None:
    kind = register_kind(CaseKind("test_inspection_gap", "检查问题", needs_evidence=True))
    assert get_kind("test_inspection_gap") is kind
    with pytest.raises(ValueError, match="already registered"):
        register_kind(CaseKind("test_inspection_gap", "检查问题", needs_evidence=False))


def test_the_second_of_two_concurrent_edits_gets_a_conflict_and_the_first_stands(world: World) -> None:
    case = report(world)
    read_by_both = case.version
    case_edit(
        actor=world["jiyuan"],
        case=case,
        version=read_by_both,
        title="缺工30人",
        description="",
        deadline=None,
        priority=2,
    )
    with pytest.raises(VersionConflict, match="已被他人修改"):
        case_edit(
            actor=world["commander"],
            case=case,
            version=read_by_both,
            title="缺工10人",
            description="",
            deadline=None,
            priority=2,
        )
    with pytest.raises(VersionConflict):
        case_transition(actor=world["commander"], case=case, name="accept", version=read_by_both)
    case.refresh_from_db()
    assert case.title == "缺工30人" and case.state == State.REPORTED


def test_the_api_answers_409_to_a_stale_version(world: World, client: Client) -> None:
    case = report(world)
    client.force_login(world["jiyuan"])
    url = f"/api/v1/cases/{case.pk}/transition/"
    first = client.post(url, {"name": "accept", "version": case.version}, content_type="application/json")
    assert first.status_code == 200 and first.json()["state"] == "accepted"
    second = client.post(url, {"name": "accept", "version": case.version}, content_type="application/json")
    assert second.status_code == 409 and "已被他人修改" in second.json()["message"]
    wrong = client.post(url, {"name": "verify", "version": first.json()["version"]}, content_type="application/json")
    assert wrong.status_code == 400 and "name" in wrong.json()["fields"]


def test_a_reason_and_outcome_errors_name_the_field_in_the_api(world: World, client: Client) -> None:
    case = report(world)
    client.force_login(world["jiyuan"])
    answer = client.post(
        f"/api/v1/cases/{case.pk}/transition/",
        {"name": "return_to_dispatcher", "version": case.version},
        content_type="application/json",
    )
    # From 已上报 there is nothing to send back: the transition itself is refused.
    assert answer.status_code == 400 and "不允许" in answer.json()["fields"]["name"][0]
    step(world, case, "accept")
    case.refresh_from_db()
    answer = client.post(
        f"/api/v1/cases/{case.pk}/transition/",
        {"name": "return_to_dispatcher", "version": case.version},
        content_type="application/json",
    )
    assert answer.status_code == 400 and answer.json()["fields"]["note"] == ["请填写理由。"]


def test_a_report_is_validated_field_by_field_in_chinese(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_case(kind="nonsense", title="", deadline=timezone.localdate() - dt.timedelta(days=1))
    errors = refused.value.message_dict
    assert set(errors) == {"kind", "title", "region", "deadline"}
    assert errors["title"] == ["标题为空。"]
    assert errors["deadline"] == ["期限已过。"]


def test_staff_may_not_report_outside_their_jurisdiction(world: World) -> None:
    data = clean_case(kind="problem", title="缺工", region=world.zhongxin_a)
    with pytest.raises(PermissionDenied):
        case_report(actor=world["jiyuan"], data=data)
    with pytest.raises(PermissionDenied):
        case_report(actor=world["auditor"], data=data)
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(verb="case.report", outcome="denied").count() == 2


def _unit(world: World, region: Any = None, code: str = "91410106MA44XXXX0") -> Unit:
    data = clean_unit(
        name="宏丽来超市",
        credit_code=credit_code(code),
        region=region or world.jiyuan_a,
        kinds=[UnitKind.ENTERPRISE],
        address="济源路8号",
    )
    unit, _ = unit_register(actor=world["commander"], data=data)
    return unit


def _contact(world: World, unit: Unit) -> Any:
    user = make_user("contact")
    Membership.objects.create(user=user, role=Role.UNIT_CONTACT, region=unit.region, unit=unit)
    return user


def test_a_unit_contact_reports_about_their_unit_only_and_sees_only_its_cases(world: World, client: Client) -> None:
    unit = _unit(world)
    other = _unit(world, code="91410106MA44YYYY0")
    contact = _contact(world, unit)
    data = clean_case(kind="problem", title="缺少口罩", unit=unit)
    case, _ = case_report(actor=contact, data=data)
    assert case.region == unit.region and case.owner_department == world.jiyuan_office
    with pytest.raises(PermissionDenied):
        case_report(actor=contact, data=clean_case(kind="problem", title="缺工", unit=other))
    staff_case = report(world, title="另一家企业的问题", unit=other)
    client.force_login(contact)
    assert [c["id"] for c in client.get("/api/v1/cases/").json()["results"]] == [case.pk]
    assert client.get(f"/api/v1/cases/{staff_case.pk}/").status_code == 404
    # The contact may comment, but not accept the case on the office's behalf.
    assert (
        client.post(f"/api/v1/cases/{case.pk}/comment/", {"note": "急需"}, content_type="application/json").status_code
        == 201
    )
    refused = client.post(
        f"/api/v1/cases/{case.pk}/transition/", {"name": "accept", "version": 1}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_a_resource_request_is_carried_out_by_the_enterprise_that_offered_it(world: World) -> None:
    unit = _unit(world)
    contact = _contact(world, unit)
    data = clean_case(kind="resource_request", title="雾炮车消杀", region=world.jiyuan_a)
    case, _ = case_report(actor=world["jiyuan"], data=data, owner_unit=unit)
    case = case_transition(actor=contact, case=case, name="accept", version=case.version)
    case = case_transition(actor=contact, case=case, name="start", version=case.version)
    case = case_transition(actor=contact, case=case, name="finish", version=case.version, outcome="消杀2小时")
    assert case.is_closed and case.done_by == contact


def test_cases_outside_the_jurisdiction_answer_404_in_the_api_and_on_the_pages(world: World, client: Client) -> None:
    theirs = report(world, actor="commander", region=world.zhongxin_a, title="中心路的问题")
    ours = report(world)
    client.force_login(world["jiyuan"])
    ids = [c["id"] for c in client.get("/api/v1/cases/").json()["results"]]
    assert ids == [ours.pk]
    for url in (
        f"/api/v1/cases/{theirs.pk}/",
        f"/api/v1/cases/{theirs.pk}/events/",
        f"/api/v1/cases/{theirs.pk}/attachments/",
        f"/cases/{theirs.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    answer = client.post(
        f"/api/v1/cases/{theirs.pk}/transition/", {"name": "accept", "version": 1}, content_type="application/json"
    )
    assert answer.status_code == 404
    assert client.post(f"/cases/{theirs.pk}/comment/", {"note": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.REPORTED and not theirs.events.filter(kind=EventKind.COMMENT).exists()


def test_a_field_worker_sees_what_is_assigned_to_them_and_what_they_reported(world: World) -> None:
    from lianfang.core.cases.selectors import case_list

    assigned = report(world, title="上门核酸")
    assigned = case_assign(actor=world["jiyuan"], case=assigned, version=assigned.version, assignee=world["worker"])
    reported = report(world, actor="worker", title="独居老人缺药")
    report(world, title="与网格员无关")
    assert set(case_list(world["worker"]).values_list("pk", flat=True)) == {assigned.pk, reported.pk}


def test_the_auditor_reads_but_acts_on_no_case(world: World, client: Client) -> None:
    case = report(world)
    sign_in_with_second_factor(client, world["auditor"])
    answer = client.get(f"/api/v1/cases/{case.pk}/")
    assert answer.status_code == 200, answer.content
    assert answer.json()["actions"] == []
    answer = client.post(f"/api/v1/cases/{case.pk}/comment/", {"note": "审计意见"}, content_type="application/json")
    assert answer.status_code == 403


def test_comments_are_on_the_timeline_and_audited(world: World) -> None:
    case = report(world)
    event = case_comment(actor=world["jiyuan"], case=case, note="已电话联系企业")
    assert event.kind == EventKind.COMMENT and event.actor_name
    assert AuditEvent.objects.filter(verb="case.comment", target_id=str(case.pk)).exists()
    with pytest.raises(ValidationError):
        case_comment(actor=world["jiyuan"], case=case, note="   ")


def test_bulk_accept_does_what_it_may_and_lists_what_it_refused(world: World) -> None:
    a = report(world, title="一")
    b = report(world, title="二")
    step(world, b, "accept")
    result = case_bulk(actor=world["jiyuan"], cases=Case.objects.filter(pk__in=[a.pk, b.pk]), action="accept")
    assert result.done == 1 and list(result.refused) == [b.pk]
    a.refresh_from_db()
    assert a.state == State.ACCEPTED


def test_bulk_assign_through_the_page_hands_cases_to_a_department(world: World, client: Client) -> None:
    a = report(world, title="一")
    b = report(world, title="二")
    client.force_login(world["jiyuan"])
    answer = client.post("/cases/bulk/", {"ids": [a.pk, b.pk], "action": "assign", "owner_department": world.market.pk})
    assert answer.status_code == 302
    assert set(Case.objects.values_list("owner_department", flat=True)) == {world.market.pk}


def test_the_case_list_exports_to_excel_within_the_scope(world: World, client: Client) -> None:
    import io

    from openpyxl import load_workbook

    report(world, title="济源路的问题")
    report(world, actor="commander", region=world.zhongxin_a, title="中心路的问题")
    client.force_login(world["jiyuan"])
    answer = client.get("/cases/export/")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "类别", "标题")
    assert [r[2] for r in rows[1:]] == ["济源路的问题"]
    assert AuditEvent.objects.filter(verb="case.export", actor=world["jiyuan"]).exists()


def test_the_pages_take_a_case_through_its_flow(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    form = client.get("/cases/new/")
    assert form.status_code == 200
    client_id = form.context["form"].initial["client_id"]
    posted = client.post(
        "/cases/new/",
        {
            "kind": "problem",
            "title": "缺工20人",
            "description": "生产线缺普工20人",
            "region": world.jiyuan_a.pk,
            "priority": 2,
            "client_id": client_id,
        },
    )
    case = Case.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/cases/{case.pk}/"
    again = client.post(
        "/cases/new/",
        {
            "kind": "problem",
            "title": "缺工20人",
            "description": "生产线缺普工20人",
            "region": world.jiyuan_a.pk,
            "priority": 2,
            "client_id": client_id,
        },
    )
    assert again["Location"] == f"/cases/{case.pk}/" and Case.objects.count() == 1
    client.post(f"/cases/{case.pk}/transition/", {"name": "accept", "version": 1})
    client.post(f"/cases/{case.pk}/transition/", {"name": "start", "version": 2})
    page = client.post(f"/cases/{case.pk}/transition/", {"name": "finish", "version": 3, "outcome": ""}, follow=True)
    import re

    alerts = re.findall(r'role="alert">([^<]*)<', page.content.decode())
    assert "办理结果：办结前请填写办理结果。" in alerts, alerts
    client.post(f"/cases/{case.pk}/transition/", {"name": "finish", "version": 3, "outcome": "安置20人"})
    client.force_login(world["commander"])
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-action="verify"' in detail
    client.post(f"/cases/{case.pk}/transition/", {"name": "verify", "version": 4})
    case.refresh_from_db()
    assert case.state == State.VERIFIED


def test_an_organisations_page_counts_the_cases_about_it_within_the_viewers_scope(world: World, client: Client) -> None:
    unit = _unit(world)
    report(world, title="缺工", unit=unit)
    client.force_login(world["jiyuan"])
    page = client.get(f"/registry/units/{unit.pk}/").content.decode()
    assert f"/cases/?unit={unit.pk}" in page
    listed = client.get(f"/api/v1/cases/?unit={unit.pk}").json()
    assert listed["count"] == 1
    client.force_login(world["market"])  # the market bureau owns none of them
    assert client.get(f"/api/v1/cases/?unit={unit.pk}").json()["count"] == 0


@pytest.mark.parametrize("deadline", ["9999-12-31", "2100-01-01"])
def test_a_deadline_more_than_two_years_ahead_is_refused_naming_the_field(world: World, deadline: str) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    body = {"kind": "need", "title": "代购药品", "region": "410106001001", "deadline": deadline}
    answer = client.post("/api/v1/cases/", body, content_type="application/json")
    assert answer.status_code == 400 and "deadline" in answer.json()["fields"]
    assert not Case.objects.exists()
    within = (timezone.localdate() + dt.timedelta(days=700)).isoformat()
    answer = client.post("/api/v1/cases/", {**body, "deadline": within}, content_type="application/json")
    assert answer.status_code == 201, answer.content
