"""The day's mix of Lianfang's users, arriving in steps (`python -m tools.load --host URL`, or
`locust -f tools/load/locustfile.py --headless --host URL`):

- field workers (`wangge`, `guanai`, `zhiyuan`) on phones report residents' needs, check
  volunteers in and out, and record door visits;
- the enterprise contact (`qiye`) on a phone reports problems and acknowledges notices;
- staff (`zhongxin`, `gongye`, `shijian`) at desks open their work and take a case's next step;
- the commander (`zhihui`) opens the figures.

Every simulated user signs in once through the sign-in page. A few phones per account then
exchange the session for an API token, as the phone app does (Knox issues at most 5 tokens per
account, and a token outlives the run by hours, so the tokens are revoked when the test stops);
the other users keep their session, with the CSRF token on writes.

Writes that carry a client id, or that cannot take effect twice (a transition names the version
it read, an acknowledgement keeps the first), are resent after a connection error, 502 or 503,
unchanged, as the field app does. Each attempt is a request of its own in the statistics.

Environment: LIANFANG_LOAD_CA (the CA file of the site's certificate), LOAD_STEP_USERS,
LOAD_STEP_SECONDS, LOAD_MAX_STEPS (tools/load/steps.py), LOAD_OUT (where steps.json goes,
default var/load) and LOAD_SHIFT_MINUTES (how far back a volunteer's check-in is dated, default
50: more than the site's shortest shift, settings.MIN_SHIFT_HOURS).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import gevent
import requests
from locust import HttpUser, LoadTestShape, between, events, task
from locust.clients import ResponseContextManager
from locust.env import Environment
from locust.exception import StopUser

# locust imports this file by its path, outside any package: the project's root makes
# tools.load.steps importable however locust was started.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tools.load.steps import StepLog, StepPlan, goal_lines, report, table  # noqa: E402

PASSWORD = "lianfang-demo-2022"
PLAN = StepPlan.from_env(os.environ)
LOG = StepLog(PLAN)

# No answer within this long is a failed request (a phone gives up, then resends).
TIMEOUT_SECONDS = 30
# Status 0 is locust's connection error (refused, reset, timed out).
RESEND_STATUSES = frozenset({0, 502, 503})
SENDS = 4
RESEND_PAUSE_SECONDS = 1.0
TOKENS_PER_ACCOUNT = 2
# The records the test writes say so, for whoever reads them later.
MARK = "（负载测试）"

_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PAGE_TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.DOTALL)


@dataclass
class _Run:
    environment: Environment | None = None
    tokens: list[str] = field(default_factory=list)
    tokens_by_account: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ended_at: float | None = None
    reported: bool = False


RUN = _Run()
# Each user class hands out its accounts in turn.
_TURNS: dict[str, Iterator[int]] = defaultdict(itertools.count)


def _ca() -> str | None:
    return os.environ.get("LIANFANG_LOAD_CA") or None


def _run_time() -> float | None:
    shape = RUN.environment.shape_class if RUN.environment is not None else None
    return shape.get_run_time() if shape is not None else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _why(answer: ResponseContextManager) -> str:
    """A failure as locust groups it: the status and the server's message (not the whole body)."""
    if answer.status_code == 0:
        return f"connection error: {type(answer.error).__name__}"
    if 300 <= answer.status_code < 400:
        # A page that sends the user elsewhere: to the sign-in page when the session ended.
        return f"{answer.status_code} to {answer.headers.get('Location', '?').split('?')[0]}"
    message = ""
    try:
        body = answer.json()
        if isinstance(body, dict):
            message = str(body.get("message") or body.get("detail") or body.get("error") or body.get("fields") or "")
    except ValueError:
        text = answer.text or ""
        title = _PAGE_TITLE.search(text)  # an error page: its title says what went wrong
        message = title.group(1) if title else text.strip().replace("\n", " ")
    return f"{answer.status_code}: {message[:120]}"


@events.init.add_listener
def _remember(environment: Environment, **_: Any) -> None:
    RUN.environment = environment


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: BaseException | None = None,
    context: dict[str, Any] | None = None,
    **_: Any,
) -> None:
    now = _run_time()
    if now is None:
        return
    LOG.record(
        sent_at=now - response_time / 1000,
        name=name,
        response_time_ms=response_time,
        failed=exception is not None,
        resend=bool((context or {}).get("resend")),
    )


@events.test_stop.add_listener
def _revoke_tokens(environment: Environment, **_: Any) -> None:
    """A token lives 8 hours and an account holds at most 5: runs would soon be refused tokens."""
    RUN.ended_at = _run_time()
    host = (environment.host or "").rstrip("/")
    while RUN.tokens:
        token = RUN.tokens.pop()
        try:
            requests.post(
                f"{host}/api/v1/auth/token/revoke/",
                headers={"Authorization": f"Token {token}"},
                verify=_ca() or True,
                timeout=10,
            )
        except requests.RequestException as error:
            print(f"load: could not revoke a token ({error}); it expires by itself in 8 hours", file=sys.stderr)


@events.quitting.add_listener
def _report(environment: Environment, **_: Any) -> None:
    if RUN.reported:
        return
    RUN.reported = True
    ended = RUN.ended_at if RUN.ended_at is not None else _run_time()
    figures = LOG.completed_by(ended or 0.0)
    out = Path(os.environ.get("LOAD_OUT") or "var/load")
    out.mkdir(parents=True, exist_ok=True)
    (out / "steps.json").write_text(
        json.dumps(report(PLAN, figures), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print()
    print("Steps (times in ms; p95 of reads and writes, sign-ins apart):")
    print(table(figures))
    for line in goal_lines(figures):
        print(line)
    print(f"(written to {out / 'steps.json'})", flush=True)


class SteppedArrival(LoadTestShape):
    """+LOAD_STEP_USERS users every LOAD_STEP_SECONDS, up to LOAD_MAX_STEPS steps; stops after a
    step whose p95 passed 1 s, since more users would only measure a queue."""

    def tick(self) -> tuple[int, float] | None:
        step = PLAN.step_at(self.get_run_time())
        if step >= PLAN.max_steps or LOG.saturated_before(step):
            return None
        return PLAN.users_at(step), PLAN.spawn_rate


class SiteUser(HttpUser):
    """One person at work: signs in once, then does their tasks."""

    abstract = True
    accounts: ClassVar[tuple[str, ...]] = ()
    # Phones exchange the session for a token (while the account has tokens to spare).
    on_phone: ClassVar[bool] = False

    username: str
    token: str | None
    region: str

    def on_start(self) -> None:
        ca = _ca()
        if ca:
            self.client.verify = ca
        self.username = self.accounts[next(_TURNS[type(self).__name__]) % len(self.accounts)]
        self.token = None
        self.sign_in()
        if self.on_phone:
            self.take_token()
        me = self.read("/api/v1/me/", "R me") or {}
        prefixes = me.get("region_prefixes") or [""]
        # A prefix stops where the region's code does (410106002 is a subdistrict): the code pads it.
        self.region = str(prefixes[0]).ljust(12, "0")
        self.begin()

    def begin(self) -> None:
        """What the person looks up once, after signing in."""

    # Requests ------------------------------------------------------------------------------

    def sign_in(self) -> None:
        login = "/accounts/login/"
        token = None
        with self.client.get(login, name="R auth.login_page", catch_response=True, timeout=TIMEOUT_SECONDS) as page:
            found = _FORM_TOKEN.search(page.text or "") if page.status_code == 200 else None
            if found is None:
                page.failure(_why(page) if page.status_code != 200 else "no csrfmiddlewaretoken on the sign-in page")
            else:
                token = found.group(1)
        if token is None:
            raise StopUser()
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        answer = self.write(
            "POST",
            login,
            "W auth.login",
            data=form,
            expect=(302,),
            resend_safe=True,
            headers={"Referer": self.client.base_url + login},
        )
        if answer is None:
            raise StopUser()

    def take_token(self) -> None:
        if RUN.tokens_by_account[self.username] >= TOKENS_PER_ACCOUNT:
            return  # this phone keeps its session
        RUN.tokens_by_account[self.username] += 1
        # Not resent: a lost answer may hide a token that was issued, and a second would waste one.
        answer = self.write("POST", "/api/v1/auth/token/", "W auth.token", expect=(200,))
        if answer is None:
            return  # refused (an account's tokens used up by earlier runs?): the session still works
        self.token = str(answer.json()["token"])
        RUN.tokens.append(self.token)
        # From here on the phone speaks with its token only, as the app does.
        self.client.cookies.clear()
        self.client.headers["Authorization"] = f"Token {self.token}"

    def read(self, path: str, name: str, *, params: dict[str, Any] | None = None, page: bool = False) -> Any:
        """GET: the JSON answer (a page: its text), None when it failed. A page that redirects
        (to the sign-in page: the session ended) is a failure."""
        with self.client.get(
            path, name=name, params=params, catch_response=True, timeout=TIMEOUT_SECONDS, allow_redirects=False
        ) as answer:
            if answer.status_code != 200:
                answer.failure(_why(answer))
                return None
            if page:
                answer.success()
                return answer.text
            try:
                data = answer.json()
            except ValueError:
                answer.failure("200 but not JSON")
                return None
            answer.success()
            return data

    def write(
        self,
        method: str,
        path: str,
        name: str,
        *,
        json: Any = None,
        data: dict[str, Any] | None = None,
        expect: tuple[int, ...] = (200,),
        created: bool = False,
        conflict_ok: bool = False,
        resend_safe: bool = False,
        headers: dict[str, str] | None = None,
    ) -> ResponseContextManager | None:
        """Send a write; the answer when it was as expected, else None.

        created: a submission with a client id: the first send must answer 201, a resend 201 or
        200 (the first copy's record), anything else (409: the id came back with other content)
        is a failure. conflict_ok: a 409 means another person acted first, which is how it
        works. resend_safe: resent after a connection error, 502 or 503."""
        sends = SENDS if resend_safe or created else 1
        for attempt in range(1, sends + 1):
            resend = attempt > 1
            wanted = ((200, 201) if resend else (201,)) if created else expect
            with self.client.request(
                method,
                path,
                name=name,
                json=json,
                data=data,
                headers={**self._write_headers(), **(headers or {})},
                catch_response=True,
                context={"resend": resend},
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
            ) as answer:
                status = answer.status_code
                if status in wanted:
                    answer.success()
                    return answer
                if status == 409 and conflict_ok:
                    answer.success()
                    return None
                again = status in RESEND_STATUSES and attempt < sends
                answer.failure(_why(answer) + (" (resending)" if again else ""))
                if not again:
                    return None
            gevent.sleep(RESEND_PAUSE_SECONDS * attempt)
        return None

    def _write_headers(self) -> dict[str, str]:
        if self.token is not None:
            return {}
        # Session writes carry the CSRF token; over https Django also wants a same-site Referer.
        csrf = self.client.cookies.get("csrftoken") or ""
        return {"X-CSRFToken": csrf, "Referer": self.client.base_url + "/"}


# Field workers ---------------------------------------------------------------------------------

NEEDS = (
    ("独居老人需代购降压药", "行动不便，子女在外地，药还剩两天的量"),
    ("隔离户生活垃圾清运", "居家隔离户，每日清运一次"),
    ("困难家庭需送米面油", "低保户，家中存粮不足"),
    ("孕妇需协助就医产检", "预产期临近，需安排车辆"),
    ("透析患者出行协调", "每周三次透析，需通行安排"),
    ("老人智能手机不会亮码", "需上门协助申领健康码"),
)
SITUATIONS = (
    "家中一切正常，身体状况良好",
    "老人独居，精神状态尚可，已提醒按时服药",
    "家中物资充足，无特殊需求",
    "家属在外地，已留联系方式",
    "身体不适，已联系社区医生回访",
)
VISIT_NEEDS = (("shopping", "代购蔬菜和常用药"), ("medical", "需陪同复诊"), ("other", "家中水管漏水"))


class FieldWorker(SiteUser):
    """On a phone in their community: needs, volunteers' shifts, door visits."""

    weight = 5
    accounts = ("wangge", "guanai", "zhiyuan")
    on_phone = True
    wait_time = between(5, 20)

    # Check-in carries the time the phone recorded. The test compresses a shift into a minute or
    # two, so it dates the check-in back by more than the shortest shift (settings.MIN_SHIFT_HOURS,
    # 0.5 h by default) lest the check-out right after be refused.
    SHIFT = dt.timedelta(minutes=int(os.environ.get("LOAD_SHIFT_MINUTES", "50")))

    households: list[dict[str, Any]]
    volunteers: list[int] | None
    task_id: int | None
    task_ends: dt.datetime
    free: list[int]
    shift: tuple[int, str] | None

    def begin(self) -> None:
        self.households = []
        self.volunteers = None  # not looked up yet
        self.task_id = None
        self.task_ends = _now()
        self.free = []
        self.shift = None

    @task(3)
    def report_need(self) -> None:
        title, description = random.choice(NEEDS)
        body = {
            "client_id": str(uuid.uuid4()),
            "kind": "need",
            "title": title,
            "description": description + MARK,
            "region": self.region,
        }
        self.write("POST", "/api/v1/cases/", "W cases.report", json=body, created=True)

    @task(2)
    def my_reports(self) -> None:
        self.read("/api/v1/cases/reported-by-me/", "R cases.reported_by_me", params={"limit": 20})

    @task(3)
    def volunteer_shift(self) -> None:
        """One step of a shift a time: sign a volunteer up, check them in, check them out."""
        if self.volunteers is None:
            found = self.read(
                "/api/v1/volunteers/",
                "R volunteers.list",
                params={"region": self.region, "active": "true", "limit": 50},
            )
            if found is None:
                return
            self.volunteers = [v["id"] for v in found["results"]]
        if not self.volunteers:
            self.door_visit()  # no volunteers in this community: the worker knocks on doors instead
            return
        if self.shift is not None and self.shift[1] == "checked_in":
            self.check("check-out", "W volunteers.check_out", {"client_id": str(uuid.uuid4())})
            return
        if self.shift is not None:
            at = (_now() - self.SHIFT).isoformat()
            self.check("check-in", "W volunteers.check_in", {"client_id": str(uuid.uuid4()), "at": at})
            return
        if self.task_id is None or not self.free or self.task_ends - _now() < dt.timedelta(hours=1):
            self.create_task()
            if self.task_id is None:
                return
        volunteer = self.free.pop()
        body = {"client_id": str(uuid.uuid4()), "task": self.task_id, "volunteer": volunteer}
        answer = self.write("POST", "/api/v1/volunteer-shifts/", "W volunteers.sign_up", json=body, created=True)
        if answer is not None:
            self.shift = (int(answer.json()["id"]), "waiting")

    def create_task(self) -> None:
        assert self.volunteers is not None
        starts = _now() - dt.timedelta(hours=1)
        self.task_ends = starts + dt.timedelta(hours=4)
        body = {
            "kind": "proxy_purchase",
            "title": "代购代买",
            "place": "社区独居老人家中",
            "region": self.region,
            "starts_at": starts.isoformat(),
            "ends_at": self.task_ends.isoformat(),
            "people_needed": len(self.volunteers),
            "note": MARK,
        }
        # No client id on a task: a resend could make two, so it is not resent.
        answer = self.write("POST", "/api/v1/volunteer-tasks/", "W volunteers.task", json=body, expect=(201,))
        self.task_id = int(answer.json()["id"]) if answer is not None else None
        self.free = random.sample(self.volunteers, len(self.volunteers))

    def check(self, action: str, name: str, body: dict[str, Any]) -> None:
        assert self.shift is not None
        shift_id, status = self.shift
        answer = self.write("POST", f"/api/v1/volunteer-shifts/{shift_id}/{action}/", name, json=body, created=True)
        # Checked in: check out next time. Checked out, or refused: on to the next volunteer.
        self.shift = (shift_id, "checked_in") if answer is not None and status == "waiting" else None

    @task(3)
    def door_visit(self) -> None:
        if not self.households:
            found = self.read("/api/v1/households/", "R care.households", params={"limit": 100})
            self.households = list(found["results"]) if found else []
            if not self.households:
                return
            household = random.choice(self.households)
        else:
            # At the door the phone finds the household by its address.
            wanted = random.choice(self.households)
            found = self.read("/api/v1/households/", "R care.households_search", params={"q": wanted["address"]})
            household = found["results"][0] if found and found["results"] else wanted
        members = [int(m["id"]) for m in household["members"]]
        body: dict[str, Any] = {
            "client_id": str(uuid.uuid4()),
            "household": household["id"],
            "mode": "door",
            "reached": True,
            "seen": random.sample(members, random.randint(1, len(members))) if members else [],
            "situation": random.choice(SITUATIONS) + MARK,
        }
        if members and random.random() < 0.2:
            kind, detail = random.choice(VISIT_NEEDS)
            body["needs"] = [{"kind": kind, "person": members[0], "detail": detail}]
        self.write("POST", "/api/v1/visits/", "W care.visit", json=body, created=True)

    @task(1)
    def notifications(self) -> None:
        self.read("/api/v1/notifications/", "R notifications.list", params={"limit": 20})


# Enterprise contact ---------------------------------------------------------------------------

PROBLEMS = (
    ("labour", "缺工12人，需普工", "订单恢复，普工缺口12人，希望街道协调招聘"),
    ("materials", "缺少防疫物资", "口罩和消毒液只够三天用量"),
    ("subsidy", "申请稳岗补贴", "疫情期间未裁员，申请稳岗补贴"),
    ("loan", "流动资金紧张", "原材料涨价，需短期贷款周转"),
    ("other", "员工通勤车辆通行", "员工班车需办理通行证"),
)


class EnterpriseContact(SiteUser):
    """On a phone for their enterprise: problems, and the day's notices."""

    weight = 2
    accounts = ("qiye",)
    on_phone = True
    wait_time = between(10, 30)

    unit_id: int | None

    def begin(self) -> None:
        units = self.read("/api/v1/units/", "R units.mine", params={"limit": 5})
        self.unit_id = int(units["results"][0]["id"]) if units and units["results"] else None

    @task(2)
    def report_problem(self) -> None:
        if self.unit_id is None:
            return
        category, title, description = random.choice(PROBLEMS)
        body = {
            "client_id": str(uuid.uuid4()),
            "unit": self.unit_id,
            "category": category,
            "title": title,
            "description": description + MARK,
            "confirmed": True,
        }
        self.write("POST", "/api/v1/enterprise-problems/", "W enterprise.problem_report", json=body, created=True)

    @task(3)
    def my_problems(self) -> None:
        self.read("/api/v1/enterprise-problems/", "R enterprise.problems", params={"limit": 20})

    @task(3)
    def notices(self) -> None:
        found = self.read("/api/v1/notices/", "R notices.received", params={"box": "received", "limit": 20})
        if not found:
            return
        waiting = [n for n in found["results"] if any(r["acknowledged_at"] is None for r in n.get("my_receipts") or [])]
        if not waiting:
            return
        notice = waiting[0]
        if self.read(f"/api/v1/notices/{notice['id']}/", "R notices.detail") is None:
            return
        # The first acknowledgement is kept: a second copy changes nothing.
        self.write("POST", f"/api/v1/notices/{notice['id']}/acknowledge/", "W notices.acknowledge", resend_safe=True)

    @task(1)
    def notifications(self) -> None:
        self.read("/api/v1/notifications/", "R notifications.list", params={"limit": 20})


# Staff -------------------------------------------------------------------------------------------

NEXT_STEP = {"reported": "accept", "accepted": "start", "in_progress": "finish"}
# Closing other kinds needs evidence or a practice's own figures (subsidies, workers placed …).
FINISHABLE = frozenset({"need", "resource_request"})
OUTCOMES = ("已协调志愿者上门办理完毕", "已联系相关部门解决", "已电话回访，群众满意")
# Who sends 工业路街道's enterprises the day's requirements (as in the demo).
NOTICE_SENDERS = frozenset({"gongye"})


class Staff(SiteUser):
    """At a desk: what waits for them, and each case's next step."""

    weight = 2
    accounts = ("zhongxin", "gongye", "shijian")
    wait_time = between(3, 10)

    sent_notice: bool

    def begin(self) -> None:
        self.sent_notice = False

    @task(5)
    def work_on_case(self) -> None:
        state = random.choices(tuple(NEXT_STEP), weights=(3, 2, 1))[0]
        found = self.read("/api/v1/cases/", "R cases.list", params={"state": state, "limit": 20})
        if not found:
            return
        rows = [c for c in found["results"] if state != "in_progress" or c["kind"] in FINISHABLE]
        if not rows:
            return
        case = random.choice(rows[:10])
        detail = self.read(f"/api/v1/cases/{case['id']}/", "R cases.detail")
        step = NEXT_STEP[state]
        if detail is None or step not in detail["actions"]:
            return
        body: dict[str, Any] = {"name": step, "version": detail["version"]}
        if step == "finish":
            body["outcome"] = random.choice(OUTCOMES)
        # The version read travels with the step: a colleague who acted first makes it a 409.
        self.write(
            "POST",
            f"/api/v1/cases/{case['id']}/transition/",
            f"W cases.{step}",
            json=body,
            conflict_ok=True,
            resend_safe=True,
        )

    @task(2)
    def my_work_page(self) -> None:
        self.read("/cases/mine/", "R cases.mine_page", page=True)

    @task(2)
    def my_work(self) -> None:
        self.read("/api/v1/cases/my-work/", "R cases.my_work", params={"limit": 20})

    @task(1)
    def daily_notice(self) -> None:
        if self.username not in NOTICE_SENDERS or self.sent_notice:
            self.read("/api/v1/notifications/", "R notifications.list", params={"limit": 20})
            return
        self.sent_notice = True  # the day's requirements go out once
        today = dt.date.today()
        body = {
            "title": f"企业疫情防控每日要求（{today.month:02d}月{today.day:02d}日）{MARK}",
            "body": "各企业：请落实员工每日健康监测和晨午检，厂区出入口测温、扫码，每日17时前报送落实情况。",
            "target_kind": "kind_in_region",
            "target_unit_kind": "enterprise",
            "target_region": self.region,
        }
        # No client id on a notice: a resend could send it twice.
        self.write("POST", "/api/v1/notices/", "W notices.send", json=body, expect=(201,))


# Commander ---------------------------------------------------------------------------------------


class Commander(SiteUser):
    """The district's figures: today's, and the seed period's."""

    weight = 1
    accounts = ("zhihui",)
    wait_time = between(10, 30)

    @task(3)
    def figures_page(self) -> None:
        self.read("/command/figures/", "R command.figures", page=True)

    @task(3)
    def figures_api(self) -> None:
        self.read("/api/v1/figures/", "R figures.api")

    @task(1)
    def seed_period(self) -> None:
        period = {"from": "2022-01-01", "to": "2022-01-14"}
        self.read("/command/figures/", "R command.figures_period", params=period, page=True)

    @task(1)
    def overdue(self) -> None:
        self.read("/api/v1/cases/", "R cases.overdue", params={"overdue": "true", "limit": 20})
