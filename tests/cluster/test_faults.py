"""Faults the cluster survives: an app server killed under load, the database restarted under load,
an import killed half-way, a consumer killed during the reminder run."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import subprocess
import threading
import time
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl

from bench.identities import SERIES
from tests.cluster.site import Browser, Database, bring_up, keep_reporting, lianfang, report_need
from tools.cluster import Layout, app_env, lianfang_command, pid_of, restart_primary

CENTRAL_ROAD = "410106002000"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _later(seconds: float, what: Callable[[], object]) -> threading.Thread:
    def act() -> None:
        time.sleep(seconds)
        what()

    thread = threading.Thread(target=act)
    thread.start()
    return thread


def _none_half_written(primary: Database, cases: list[int]) -> None:
    """Every stored case has its timeline's first event and its audit row (one transaction)."""
    without_event = primary.value(
        "SELECT count(*) FROM cases_case c WHERE c.id = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id)",
        cases,
    )
    without_audit = primary.value(
        "SELECT count(*) FROM cases_case c WHERE c.id = ANY(%s) AND NOT EXISTS (SELECT 1 FROM audit_auditevent a "
        "WHERE a.target_type = 'cases.case' AND a.target_id = c.id::text AND a.verb = 'case.report')",
        cases,
    )
    assert (without_event, without_audit) == (0, 0)


def test_an_app_server_killed_under_load_loses_no_acknowledged_write_and_doubles_none(
    cluster: Layout, primary: Database, token_for: Callable[[str], str]
) -> None:
    token = token_for("zhongxin")
    access_from = len(cluster.log("nginx-access").read_text())
    errors_from = len(cluster.log("nginx-error").read_text())
    app1 = pid_of(cluster.pidfile("app1"))
    assert app1 is not None
    killer = _later(2.0, lambda: os.killpg(app1, signal.SIGKILL))
    reports = keep_reporting(cluster, token, CENTRAL_ROAD, seconds=7)
    killer.join()
    answers = Counter(code for r in reports for code in r.answers)
    # Requests in flight on the killed server got a 502 from nginx; nothing else went wrong.
    assert answers[502] >= 1, answers
    assert set(answers) <= {200, 201, 502}, answers
    stored = [r for r in reports if r.case is not None]
    assert len(stored) == len(reports), [r.answers for r in reports if r.case is None]
    # A 502 may come after the server stored the report: the resend then answers 200, the same case.
    cases = [r.case for r in stored if r.case is not None]
    assert len(set(cases)) == len(cases)
    rows = primary.rows("SELECT client_id, id FROM cases_case WHERE client_id = ANY(%s)", [r.client_id for r in stored])
    assert {(r.client_id, r.case) for r in stored} == set(rows)
    _none_half_written(primary, cases)
    # nginx passed a POST on to the other server only where it never reached the dead one (its
    # connection was refused): never one that the dead server may have acted on.
    access = cluster.log("nginx-access").read_text()[access_from:]
    passed_on = re.findall(r'"POST /api/v1/cases/ [^"]*" \d+ .*upstream_status="(\d+, [^"]+)"', access)
    errors = cluster.log("nginx-error").read_text()[errors_from:]
    refused = len(re.findall(r"connect\(\) failed \(111: Connection refused\).*request: \"POST /api/v1/cases/", errors))
    assert len(passed_on) <= refused, (passed_on, refused)
    bring_up(cluster)


def test_a_database_restart_under_load_is_answered_503_and_the_servers_recover_without_a_restart(
    cluster: Layout, primary: Database, token_for: Callable[[str], str]
) -> None:
    token = token_for("zhongxin")
    servers = {n: pid_of(cluster.pidfile(f"app{n}")) for n in (1, 2)}
    restarter = _later(2.0, lambda: restart_primary(cluster))
    reports = keep_reporting(cluster, token, CENTRAL_ROAD, seconds=8)
    restarter.join()
    answers = Counter(code for r in reports for code in r.answers)
    assert answers[503] >= 1, answers
    assert set(answers) <= {200, 201, 503}, answers
    for body in (b for r in reports for code, b in zip(r.answers, r.bodies, strict=False) if code == 503):
        assert "稍后" in body and "Traceback" not in body, body
    assert all(r.case is not None for r in reports)
    cases = [r.case for r in reports if r.case is not None]
    assert primary.value("SELECT count(*) FROM cases_case WHERE id = ANY(%s)", cases) == len(set(cases)) == len(cases)
    _none_half_written(primary, cases)
    # The same app server processes answer again, each with a new connection.
    assert {n: pid_of(cluster.pidfile(f"app{n}")) for n in (1, 2)} == servers
    for n in (1, 2):
        browser = Browser(cluster, server=n)
        browser.token = token
        assert report_need(browser, uuid.uuid4(), CENTRAL_ROAD).status_code == 201


# An import killed half-way ------------------------------------------------------------------------

ROWS = 50_000


def _ledger(path: Path, offset: int) -> None:
    numbers = SERIES["cluster-import"]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("人员")
    sheet.append(["姓名", "证件类型", "证件号码", "手机号码", "住址", "居住地区划代码"])
    rng = random.Random(offset)
    for n in range(offset, offset + ROWS):
        name = rng.choice("王李张刘陈杨") + rng.choice("伟芳娜秀敏静") + rng.choice("强磊军洋")
        sheet.append(
            [name, "居民身份证", numbers.resident_id(n), numbers.mobile(n), f"中心路{n % 300}号", "410106002001"]
        )
    book.save(path)


def _next_offset(cluster: Layout) -> int:
    """Each run imports numbers no earlier run imported (the people would be linked, not created)."""
    counter = cluster.dir / "var" / "cluster-import-runs"
    # The first run takes a slot at random: numbers imported by hand before are not met again.
    runs = int(counter.read_text()) if counter.exists() else random.randrange(1, 300)
    counter.write_text(str(runs + 1))
    return runs * ROWS


def _import_writing(primary: Database) -> bool:
    return bool(
        primary.value(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'people_person' AND l.mode = 'RowExclusiveLock' AND l.granted"
        )
    )


def test_an_import_killed_half_way_leaves_none_of_its_rows_and_runs_whole_again(
    cluster: Layout, primary: Database, tmp_path: Path
) -> None:
    ledger = tmp_path / "people.xlsx"
    _ledger(ledger, _next_offset(cluster))
    before = primary.value("SELECT count(*) FROM people_person")
    command = lianfang_command("import", "people", str(ledger))
    running = subprocess.Popen(
        command, env=app_env(cluster), start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not _import_writing(primary):
        assert running.poll() is None, "the import ended before it was killed"
        assert time.monotonic() < deadline, "the import never began writing"
        time.sleep(0.05)
    time.sleep(1.0)  # well into the writing
    assert running.poll() is None
    os.killpg(running.pid, signal.SIGKILL)  # the command and its worker processes
    running.wait()
    while _import_writing(primary):  # PostgreSQL rolls the dead client's transaction back
        time.sleep(0.1)
    assert primary.value("SELECT count(*) FROM people_person") == before
    done = lianfang(cluster, "import", "people", str(ledger))
    assert done.returncode == 0, done.stderr
    assert primary.value("SELECT count(*) FROM people_person") == before + ROWS


# Reminders with two consumers -----------------------------------------------------------------


def _cases_due_today(cluster: Layout, token: str, count: int) -> list[int]:
    """Cases whose deadline is today: the reminder run owes each of them one reminder."""
    today = dt.datetime.now(SHANGHAI).date().isoformat()
    marker = uuid.uuid4().hex[:8]

    def report(n: int) -> int:
        browser = Browser(cluster, server=1 + n % 2)
        browser.token = token
        answer = browser.post(
            "/api/v1/cases/",
            json={
                "client_id": str(uuid.uuid4()),
                "kind": "need",
                "title": f"提醒测试 {marker} {n}",
                "region": CENTRAL_ROAD,
                "deadline": today,
            },
        )
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])

    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(report, range(count)))


def _enqueue_reminder_runs(cluster: Layout, runs: int) -> None:
    script = f"from lianfang.core.cases.tasks import send_case_reminders as run\nfor _ in range({runs}): run()"
    done = lianfang(cluster, "shell", "-c", script)
    assert done.returncode == 0, done.stderr


def _reminded(primary: Database, cases: list[int]) -> int:
    return int(primary.value("SELECT count(*) FROM cases_casereminder WHERE case_id = ANY(%s)", cases))


def _wait_until_reminded(primary: Database, cases: list[int], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while _reminded(primary, cases) < len(cases):
        assert time.monotonic() < deadline, f"{_reminded(primary, cases)} of {len(cases)} reminded"
        time.sleep(0.2)
    time.sleep(1.0)  # let any run still going finish


def _each_reminded_once(primary: Database, cases: list[int]) -> None:
    events = primary.rows(
        "SELECT case_id, count(*) FROM cases_caseevent WHERE case_id = ANY(%s) AND kind = 'reminded' GROUP BY case_id",
        cases,
    )
    assert len(events) == len(cases) and {n for _, n in events} == {1}, Counter(n for _, n in events)
    audited = primary.value(
        "SELECT count(*) FROM audit_auditevent WHERE verb = 'case.reminded' AND target_type = 'cases.case' "
        "AND target_id = ANY(%s)",
        [str(c) for c in cases],
    )
    assert audited == len(cases)
    keys = [f"case:{c}:due:" for c in cases]
    delivered = primary.rows(
        "SELECT user_id, key, count(*) FROM notices_notification WHERE split_part(key, ':', 2) = ANY(%s) "
        "AND key LIKE '%%:due:%%' GROUP BY user_id, key",
        [str(c) for c in cases],
    )
    assert delivered, f"no reminder was delivered ({keys[0]}…)"
    assert {n for _, _, n in delivered} == {1}


def test_two_consumers_send_each_reminder_once(
    cluster: Layout, primary: Database, token_for: Callable[[str], str]
) -> None:
    cases = _cases_due_today(cluster, token_for("zhongxin"), 120)
    _enqueue_reminder_runs(cluster, 6)  # both consumers take some of them at once
    _wait_until_reminded(primary, cases)
    executed = [
        len(
            re.findall(
                r"Executing lianfang\.core\.cases\.tasks\.send_case_reminders", cluster.log(f"huey{n}").read_text()
            )
        )
        for n in (1, 2)
    ]
    assert all(executed), executed
    _each_reminded_once(primary, cases)


def _wait_for_a_run(cluster: Layout, seen: dict[int, int], seconds: float = 60) -> int:
    """The consumer (1 or 2) that starts the next reminder run."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for n in (1, 2):
            if (
                cluster.log(f"huey{n}").read_text().count("Executing lianfang.core.cases.tasks.send_case_reminders")
                > seen[n]
            ):
                return n
        time.sleep(0.01)
    raise AssertionError("no consumer started the reminder run")


def test_a_consumer_killed_during_the_reminder_run_sends_no_reminder_twice_after_the_restart(
    cluster: Layout, primary: Database, token_for: Callable[[str], str]
) -> None:
    cases = _cases_due_today(cluster, token_for("zhongxin"), 400)
    seen = {
        n: cluster.log(f"huey{n}").read_text().count("Executing lianfang.core.cases.tasks.send_case_reminders")
        for n in (1, 2)
    }
    _enqueue_reminder_runs(cluster, 1)
    consumer = _wait_for_a_run(cluster, seen)
    while _reminded(primary, cases) < 20:  # a few reminders out, most still owed
        time.sleep(0.01)
    pid = pid_of(cluster.pidfile(f"huey{consumer}"))
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    part = _reminded(primary, cases)
    assert 0 < part < len(cases), f"the kill came after the run ({part} of {len(cases)})"
    bring_up(cluster)  # the consumer starts again
    _enqueue_reminder_runs(cluster, 2)
    _wait_until_reminded(primary, cases)
    _each_reminded_once(primary, cases)


def test_the_audit_chain_seals_and_verifies_with_both_servers_writing(
    cluster: Layout, token_for: Callable[[str], str]
) -> None:
    token = token_for("zhongxin")
    for n in (1, 2):
        browser = Browser(cluster, server=n)
        browser.token = token
        assert report_need(browser, uuid.uuid4(), CENTRAL_ROAD).status_code == 201
    sealed = lianfang(cluster, "audit", "seal")
    assert sealed.returncode == 0, sealed.stderr
    verified = lianfang(cluster, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
