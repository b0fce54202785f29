"""Talking to the running cluster (deploy/cluster up) as its users and its operator do.

A `Browser` talks either to nginx (https, the certificate `up` made) or straight to one app
server, with the headers nginx would add, so that a test can say which server answers.
`Database` reads the primary or the replica as the owner role, to check what the servers wrote.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
import requests

from tools.cluster import ROOT, Layout, app_env, lianfang_command

PASSWORD = "lianfang-demo-2022"
PUBLIC_HOST = "127.0.0.1"


class Browser:
    """One user's client. `server` is 1 or 2 for an app server, or None for nginx."""

    def __init__(self, cluster: Layout, server: int | None = None) -> None:
        self.cluster = cluster
        self.session = requests.Session()
        self.token = ""
        self.use(server)

    def use(self, server: int | None) -> Browser:
        """Send the next requests to this server (the session's cookies and token go along)."""
        self.server = server
        if server is None:
            self.base = self.cluster.url
            self.proxy_headers: dict[str, str] = {}
        else:
            self.base = self.cluster.app_url(server)
            self.proxy_headers = {
                "Host": f"{PUBLIC_HOST}:{self.cluster.https_port}",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "127.0.0.1",
            }
        return self

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.proxy_headers, **kwargs.pop("headers", {})}
        if self.server is not None and self.session.cookies:
            # requests keeps Secure cookies off plain http; nginx passes them on after TLS.
            headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        if self.token:
            headers.setdefault("Authorization", f"Token {self.token}")
        if method.upper() not in {"GET", "HEAD"}:
            headers.setdefault("Referer", f"{self.cluster.url}/")
            csrf = self.session.cookies.get("csrftoken")
            if csrf and not self.token:
                headers.setdefault("X-CSRFToken", csrf)
        kwargs.setdefault("timeout", 30)
        if self.server is None:
            # Per request: a CA bundle named in the environment would override the session's.
            kwargs.setdefault("verify", str(self.cluster.cert))
        kwargs.setdefault("allow_redirects", False)
        return self.session.request(method, self.base + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def sign_in(self, username: str, *, totp: str = "") -> Browser:
        form = self.get("/accounts/login/")
        assert form.status_code == 200, form.status_code
        answer = self.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf_field(form.text)},
        )
        assert answer.status_code == 302, f"{username} did not get in: {answer.status_code}"
        if totp:
            page = self.get("/accounts/otp/")
            done = self.post("/accounts/otp/", data={"token": totp, "csrfmiddlewaretoken": _csrf_field(page.text)})
            assert done.status_code == 302, f"{username}'s second factor: {done.status_code}"
        return self

    def take_token(self) -> Browser:
        answer = self.post("/api/v1/auth/token/")
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["token"]
        return self


def _csrf_field(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def report_need(
    browser: Browser, client_id: uuid.UUID, region: str, title: str = "独居老人需要代购药品"
) -> requests.Response:
    return browser.post(
        "/api/v1/cases/",
        json={"client_id": str(client_id), "kind": "need", "title": title, "region": region},
    )


class Database:
    """The cluster's PostgreSQL, as its owner (the app servers' role may not read everything)."""

    def __init__(self, cluster: Layout, *, replica: bool = False) -> None:
        self.url = cluster.database_url(replica=replica, owner=True)

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as connection:
            yield connection

    def value(self, sql: str, *params: Any) -> Any:
        with self.connect() as connection:
            row = connection.execute(sql, params).fetchone()
            return row[0] if row else None

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect() as connection:
            return connection.execute(sql, params).fetchall()


def wait_for_replica(cluster: Layout, seconds: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    primary, replica = Database(cluster), Database(cluster, replica=True)
    target = primary.value("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if replica.value("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", target):
            return
        time.sleep(0.1)
    raise AssertionError(f"the replica did not catch up within {seconds} s")


def lianfang(cluster: Layout, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """A `lianfang` command on the cluster, as an operator runs it on an app server."""
    return subprocess.run(
        lianfang_command(*args), env=app_env(cluster), capture_output=True, text=True, timeout=timeout
    )


def bring_up(cluster: Layout) -> None:
    """`deploy/cluster up` starts again whatever a test killed."""
    done = subprocess.run(
        [str(ROOT / "deploy" / "cluster"), "up"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LIANFANG_CLUSTER_DIR": cluster.home},
    )
    assert done.returncode == 0, done.stdout + done.stderr


@dataclass
class Report:
    """One report a field worker sent, with every answer it got (0: no answer at all)."""

    client_id: uuid.UUID
    answers: list[int] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    case: int | None = None


def report_until_stored(browser: Browser, region: str, title: str, *, tries: int = 40) -> Report:
    """As the field app does: resend the same report, with its client id, until it is stored."""
    report = Report(client_id=uuid.uuid4())
    for _ in range(tries):
        try:
            answer = report_need(browser, report.client_id, region, title)
        except requests.ConnectionError:
            report.answers.append(0)
            time.sleep(0.2)
            continue
        report.answers.append(answer.status_code)
        report.bodies.append(answer.text)
        if answer.status_code in {200, 201}:
            report.case = int(answer.json()["id"])
            return report
        if answer.status_code not in {502, 503, 504}:
            return report  # refused: resending would not help
        time.sleep(0.2)
    return report


def keep_reporting(cluster: Layout, token: str, region: str, *, seconds: float, threads: int = 6) -> list[Report]:
    """Several field workers reporting through nginx, one after another, for `seconds`."""
    marker = uuid.uuid4().hex[:8]
    deadline = time.monotonic() + seconds

    def worker(n: int) -> list[Report]:
        browser = Browser(cluster)
        browser.token = token
        sent: list[Report] = []
        while time.monotonic() < deadline:
            sent.append(report_until_stored(browser, region, f"压力测试 {marker}-{n}-{len(sent)}"))
        return sent

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [report for batch in pool.map(worker, range(threads)) for report in batch]
