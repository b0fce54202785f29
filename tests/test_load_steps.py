"""The stepped load test's arithmetic (tools/load/steps.py): steps, percentiles, goal lines."""

from __future__ import annotations

import json

import pytest

from tools.load.steps import StepLog, StepPlan, goal_lines, percentile, report, request_kind, table

PLAN = StepPlan(step_users=10, step_seconds=60, max_steps=3)


def _fill(log: StepLog, step: int, *, reads: list[float], writes: list[float], errors: int = 0) -> None:
    """Requests sent in the middle of a step; the first `errors` of the reads failed."""
    sent_at = step * log.plan.step_seconds + log.plan.step_seconds / 2
    for n, ms in enumerate(reads):
        log.record(sent_at=sent_at, name="R cases.list", response_time_ms=ms, failed=n < errors)
    for ms in writes:
        log.record(sent_at=sent_at, name="W cases.report", response_time_ms=ms, failed=False)


def test_it_takes_the_nearest_rank_percentile() -> None:
    assert percentile([float(n) for n in range(1, 101)], 95) == 95
    assert percentile([float(n) for n in range(20, 0, -1)], 95) == 19  # order does not matter
    assert percentile([7.0], 95) == 7
    assert percentile([], 95) is None
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_it_reads_the_plan_from_the_environment_or_takes_the_defaults() -> None:
    assert StepPlan.from_env({}) == StepPlan(step_users=10, step_seconds=60, max_steps=8)
    given = {"LOAD_STEP_USERS": "3", "LOAD_STEP_SECONDS": "15", "LOAD_MAX_STEPS": "2"}
    assert StepPlan.from_env(given) == StepPlan(step_users=3, step_seconds=15, max_steps=2)
    for wrong in ({"LOAD_STEP_USERS": "ten"}, {"LOAD_STEP_USERS": "2.5"}, {"LOAD_MAX_STEPS": "0"}):
        with pytest.raises(ValueError):
            StepPlan.from_env(wrong)


def test_it_adds_the_step_users_at_each_step() -> None:
    assert [PLAN.step_at(t) for t in (0, 59.9, 60, 179.9)] == [0, 0, 1, 2]
    assert [PLAN.users_at(step) for step in range(3)] == [10, 20, 30]


def test_it_tells_reads_writes_and_sign_ins_apart_by_name() -> None:
    assert request_kind("R command.figures") == "read"
    assert request_kind("W cases.report") == "write"
    assert request_kind("W auth.login") == request_kind("R auth.login_page") == "sign_in"
    with pytest.raises(ValueError):
        request_kind("/api/v1/cases/")


def test_it_counts_a_request_in_the_step_it_was_sent_in() -> None:
    log = StepLog(PLAN)
    log.record(sent_at=59.5, name="R cases.list", response_time_ms=2000, failed=False)  # answered in step 2
    log.record(sent_at=60.5, name="R cases.list", response_time_ms=10, failed=False)
    log.record(sent_at=200, name="R cases.list", response_time_ms=10, failed=True)  # after the last step
    first, second, third = log.completed_by(180)
    assert (first.reads, first.read_p95, second.reads, second.read_p95) == (1, 2000, 1, 10)
    assert third.requests == 0 and third.errors == 0


def test_it_keeps_sign_ins_out_of_the_percentiles_but_counts_them_and_their_errors() -> None:
    log = StepLog(PLAN)
    _fill(log, 0, reads=[100.0] * 19, writes=[200.0] * 19)
    log.record(sent_at=1, name="W auth.login", response_time_ms=4000, failed=True, resend=True)
    (step,) = log.completed_by(60)
    assert (step.read_p95, step.write_p95, step.overall_p95, step.sign_in_p95) == (100, 200, 200, 4000)
    assert (step.requests, step.sign_ins, step.errors, step.resends) == (39, 1, 1, 1)


def test_it_reports_only_the_steps_that_had_ended() -> None:
    log = StepLog(PLAN)
    _fill(log, 0, reads=[10.0], writes=[10.0])
    _fill(log, 1, reads=[10.0], writes=[10.0])
    assert [f.number for f in log.completed_by(119.5)] == [1]
    assert [f.number for f in log.completed_by(120.2)] == [1, 2]


def test_it_claims_the_highest_step_that_met_every_goal() -> None:
    log = StepLog(PLAN)
    _fill(log, 0, reads=[50.0] * 20, writes=[80.0] * 20)
    _fill(log, 1, reads=[250.0] * 20, writes=[450.0] * 20)
    _fill(log, 2, reads=[280.0] * 20, writes=[300.0] * 20, errors=1)
    assert goal_lines(log.completed_by(180)) == [
        "load sustained: 20 users (step 2) - read p95 250 ms (goal < 300), write p95 450 ms (goal < 500), "
        "0 errors over 60 s",
        "load saturation: p95 stayed under 1 s up to 30 users",
    ]


def test_it_names_the_lower_steps_that_missed_a_goal_the_claimed_one_met() -> None:
    log = StepLog(PLAN)
    _fill(log, 0, reads=[50.0] * 20, writes=[80.0] * 20)
    _fill(log, 1, reads=[700.0] * 20, writes=[80.0] * 20)
    _fill(log, 2, reads=[200.0] * 20, writes=[80.0] * 20)
    assert goal_lines(log.completed_by(180))[0] == (
        "load sustained: 30 users (step 3) - read p95 200 ms (goal < 300), write p95 80 ms (goal < 500), "
        "0 errors over 60 s; step 2 below it missed a goal"
    )


def test_it_claims_no_step_without_writes_or_at_the_goal_itself() -> None:
    log = StepLog(PLAN)
    _fill(log, 0, reads=[50.0] * 20, writes=[])
    _fill(log, 1, reads=[300.0] * 20, writes=[50.0] * 20)  # the goal is below 300 ms, not at it
    lines = goal_lines(log.completed_by(120))
    assert lines[0] == (
        "load sustained: none - read p95 50 ms (goal < 300), write p95 n/a ms (goal < 500), "
        "0 errors over 60 s (step 1, 10 users)"
    )


def test_it_names_the_first_step_whose_p95_passed_one_second_and_stops_after_it() -> None:
    log = StepLog(PLAN)
    _fill(log, 0, reads=[1000.0] * 20, writes=[100.0] * 20)  # 1 s itself has not passed it
    assert not log.saturated_before(1)
    _fill(log, 1, reads=[1500.0] * 20, writes=[1200.0] * 20)
    assert not log.saturated_before(1) and log.saturated_before(2)
    _fill(log, 2, reads=[3000.0] * 20, writes=[3000.0] * 20)
    lines = goal_lines(log.completed_by(180))
    assert lines[1] == "load saturation: p95 passes 1 s at 20 users (step 2)"
    assert lines[0].startswith("load sustained: none - read p95 1000 ms")


def test_it_sees_a_late_answer_after_it_looked_at_the_step() -> None:
    log = StepLog(PLAN)
    _fill(log, 0, reads=[100.0] * 10, writes=[100.0] * 10)
    assert not log.saturated_before(1)
    # A slow request sent in step 1 is answered after the shape looked: it still counts there.
    for _ in range(5):
        log.record(sent_at=59, name="W cases.report", response_time_ms=5000, failed=False)
    assert log.saturated_before(1)


def test_it_says_so_when_no_step_completed() -> None:
    assert goal_lines([]) == ["load sustained: none - no step completed", "load saturation: no step completed"]


def test_it_writes_the_steps_as_a_table_and_as_json() -> None:
    log = StepLog(StepPlan(step_users=3, step_seconds=15, max_steps=2))
    _fill(log, 0, reads=[12.34] * 4, writes=[56.78] * 2)
    figures = log.completed_by(30)
    rows = table(figures).splitlines()
    assert len(rows) == 3 and rows[0].split()[:3] == ["step", "users", "requests"]
    assert rows[1].split()[:4] == ["1", "3", "6", "0"] and rows[2].split()[:4] == ["2", "6", "0", "0"]
    written = json.loads(json.dumps(report(log.plan, figures)))
    assert written["steps"][0]["read_p95_ms"] == 12.3 and written["steps"][1]["read_p95_ms"] is None
    assert written["sustained_step"] == 1 and written["saturation_step"] is None
    assert written["lines"] == goal_lines(figures)


def test_it_spreads_a_steps_arrivals_over_its_first_sixth() -> None:
    assert StepPlan(step_users=10, step_seconds=60).spawn_rate == 1.0
    assert StepPlan(step_users=40, step_seconds=60).spawn_rate == 4.0
