"""The one flow engine (core/flows): declared as data and checked when declared; guards refuse,
effects run in the transition's transaction; every transition leaves a status change and an
audit row; one InvalidTransition, answered the same by every API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from lianfang.core.audit.models import AuditEvent
from lianfang.core.cases.models import Case, CaseEvent
from lianfang.core.cases.services import case_report, clean_case
from lianfang.core.cases.states import State
from lianfang.core.flows.engine import Flow, InvalidTransition, Move, Transition
from lianfang.core.flows.models import StatusChange
from lianfang.core.flows.selectors import status_changes
from lianfang.volunteers.models import TaskKind, VolunteerTask
from lianfang.volunteers.services import clean_task, task_create, task_transition
from lianfang.volunteers.states import TASK_FLOW, TaskState
from tests.world import World

pytestmark = pytest.mark.django_db

GATE = "整改尚未验收通过，不能恢复营业。"


def a_flow(*transitions: Transition, effects: tuple[Any, ...] = (), on: tuple[str, ...] = ("staff",)) -> Flow:
    """A flow over cases' stored states, declared in the test (never registered)."""
    return Flow(
        key="test.gate",
        states=tuple(State),
        transitions=transitions,
        sides=("staff", "nobody"),
        sides_of=lambda record, actor: on,
        verb_prefix="test_gate",
        closed_states=(State.VERIFIED,),
        effects=effects,
    )


def a_case(world: World) -> Case:
    case, _created = case_report(
        actor=world["jiyuan"], data=clean_case(kind="problem", title="门店停业整改", region=world.jiyuan_a)
    )
    return case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_a_flow_is_checked_when_it_is_declared() -> None:
    reopen = Transition("reopen", "恢复营业", (State.DONE,), State.IN_PROGRESS, "staff")
    with pytest.raises(ValueError, match="unknown side"):
        a_flow(Transition("reopen", "恢复营业", (State.DONE,), State.IN_PROGRESS, "inspector"))
    with pytest.raises(ValueError, match="twice"):
        a_flow(reopen, reopen)
    with pytest.raises(ValueError, match="from no state"):
        a_flow(Transition("reopen", "恢复营业", (), State.IN_PROGRESS, "staff"))
    with pytest.raises(ValueError, match="outside the flow"):
        Flow(
            key="t",
            states=(State.REPORTED,),
            transitions=(reopen,),
            sides=("staff",),
            sides_of=lambda r, a: (),
            verb_prefix="t",
        )


def test_a_guard_refuses_with_its_message_and_nothing_is_written(world: World) -> None:
    flow = a_flow(Transition("accept", "受理", (State.REPORTED,), State.ACCEPTED, "staff", guards=(lambda move: GATE,)))
    case = a_case(world)
    with pytest.raises(InvalidTransition, match=GATE):
        flow.take(record=case, name="accept", actor=world["jiyuan"])
    assert fresh(case).state == State.REPORTED and fresh(case).version == 1
    assert not StatusChange.objects.exists()
    assert not AuditEvent.objects.filter(verb="test_gate.accept").exists()


def test_a_guard_sees_the_record_and_the_actor_and_lets_others_through(world: World) -> None:
    seen: list[tuple[Any, Any]] = []

    def only_the_commander(move: Move) -> str | None:
        seen.append((move.record, move.actor))
        return None if move.actor == world["commander"] else GATE

    flow = a_flow(
        Transition("accept", "受理", (State.REPORTED,), State.ACCEPTED, "staff", guards=(only_the_commander,))
    )
    case = a_case(world)
    with pytest.raises(InvalidTransition):
        flow.take(record=case, name="accept", actor=world["jiyuan"])
    flow.take(record=case, name="accept", actor=world["commander"])
    assert fresh(case).state == State.ACCEPTED
    assert seen == [(case, world["jiyuan"]), (case, world["commander"])]


def test_a_guard_may_refuse_field_by_field_with_the_missing_reason(world: World) -> None:
    flow = a_flow(
        Transition(
            "accept",
            "受理",
            (State.REPORTED,),
            State.ACCEPTED,
            "staff",
            needs_reason=True,
            guards=(lambda move: {"amount": ["审批前不得发放救助金。"]},),
        )
    )
    with pytest.raises(ValidationError) as refused:
        flow.take(record=a_case(world), name="accept", actor=world["jiyuan"], note="")
    assert refused.value.message_dict == {"note": ["请填写理由。"], "amount": ["审批前不得发放救助金。"]}


def test_an_effect_runs_in_the_transitions_transaction(world: World) -> None:
    def note_it(move: Move) -> None:
        CaseEvent.objects.create(case=move.record, kind="comment", note="效果已执行")

    def fail(move: Move) -> None:
        raise RuntimeError("payment service down")

    case = a_case(world)
    failing = a_flow(Transition("accept", "受理", (State.REPORTED,), State.ACCEPTED, "staff", effects=(note_it, fail)))
    with pytest.raises(RuntimeError):
        failing.take(record=case, name="accept", actor=world["jiyuan"])
    assert fresh(case).state == State.REPORTED
    assert not CaseEvent.objects.filter(note="效果已执行").exists()
    assert not StatusChange.objects.exists() and not AuditEvent.objects.filter(verb="test_gate.accept").exists()

    working = a_flow(Transition("accept", "受理", (State.REPORTED,), State.ACCEPTED, "staff", effects=(note_it,)))
    working.take(record=fresh(case), name="accept", actor=world["jiyuan"])
    assert CaseEvent.objects.filter(note="效果已执行").count() == 1


def test_every_transition_writes_a_status_change_and_an_audit_row(world: World) -> None:
    flow = a_flow(Transition("accept", "受理", (State.REPORTED,), State.ACCEPTED, "staff"))
    case = a_case(world)
    flow.take(record=case, name="accept", actor=world["jiyuan"], note="  今天处理  ")
    change = StatusChange.objects.get()
    assert (change.record_type, change.record_id, change.transition) == ("cases.case", case.pk, "accept")
    assert (change.from_state, change.to_state, change.note) == ("reported", "accepted", "今天处理")
    assert change.actor == world["jiyuan"] and change.actor_name == world["jiyuan"].full_name
    audit = AuditEvent.objects.get(verb="test_gate.accept")
    assert audit.target_id == str(case.pk) and audit.before and audit.after
    assert audit.before["state"] == "reported" and audit.after["state"] == "accepted"
    assert fresh(case).version == 2


def test_an_actor_on_no_side_that_takes_it_is_refused_and_the_refusal_is_audited(world: World) -> None:
    flow = a_flow(Transition("accept", "受理", (State.REPORTED,), State.ACCEPTED, "staff"), on=("nobody",))
    case = a_case(world)
    with pytest.raises(PermissionDenied):
        flow.take(record=case, name="accept", actor=world["worker"])
    assert AuditEvent.objects.filter(verb="test_gate.accept", outcome="denied").exists()
    assert fresh(case).state == State.REPORTED


def test_an_automatic_transition_is_never_taken_on_request(world: World) -> None:
    flow = a_flow(Transition("fill", "满员", (State.REPORTED,), State.ACCEPTED, "staff", automatic=True))
    case = a_case(world)
    with pytest.raises(InvalidTransition, match="不能手动"):
        flow.take(record=case, name="fill", actor=world["jiyuan"])
    assert flow.available(State.REPORTED) == []
    flow.take(record=case, name="fill", actor=world["jiyuan"], automatic=True)
    assert fresh(case).state == State.ACCEPTED


def a_task(world: World) -> VolunteerTask:
    starts = timezone.now() + dt.timedelta(hours=1)
    data = clean_task(
        kind=TaskKind.TESTING_SITE,
        title="核酸检测点值守",
        place="济源路社区检测点",
        region=world.jiyuan_a,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        people_needed=2,
    )
    return task_create(actor=world["jiyuan"], data=data)


def test_a_volunteer_task_finished_keeps_its_status_change_and_its_page_shows_it(world: World) -> None:
    task = a_task(world)
    task_transition(actor=world["jiyuan"], task=task, name="cancel", version=task.version, reason="暴雨停测")
    [change] = status_changes(task)
    assert (change.transition_label, change.from_label, change.to_label) == ("取消任务", "招募中", "已取消")
    assert change.note == "暴雨停测"
    client = Client()
    client.force_login(world["jiyuan"])
    page = client.get(f"/volunteers/tasks/{task.pk}/").content.decode()
    assert "状态变更记录" in page and "暴雨停测" in page and "招募中 → 已取消" in page


def test_case_and_task_flows_declare_the_audit_verbs_they_write() -> None:
    from lianfang.core.cases.kinds import get_kind

    assert get_kind("problem").flow.verbs()["case.verify"] == "核实并闭环"
    assert TASK_FLOW.verbs()["volunteer_task.cancel"] == "取消任务"
    assert TASK_FLOW.closed_states == (TaskState.DONE, TaskState.CANCELLED)


@pytest.mark.parametrize("which", ["case", "task"])
def test_every_api_answers_a_refused_transition_the_same_way(world: World, which: str) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    if which == "case":
        case = a_case(world)
        path, body = f"/api/v1/cases/{case.pk}/transition/", {"name": "verify", "version": case.version}
    else:
        task = a_task(world)
        task_transition(actor=world["jiyuan"], task=task, name="finish", version=task.version)
        path, body = f"/api/v1/volunteer-tasks/{task.pk}/transition/", {"name": "cancel", "version": 2, "reason": "xx"}
    answer = client.post(path, body, content_type="application/json")
    assert answer.status_code == 400
    refused = answer.json()
    assert list(refused["fields"]) == ["name"] and "不允许" in refused["fields"]["name"][0]
