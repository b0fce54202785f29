"""The production start of docs/deploy.md, done as an operator would do it, on PostgreSQL.

Usage: `python -m tools.production_start postgres://user@host:5432/postgres` (run by .ci/run).

With DEBUG off and real keys generated for the run, in a new database and a new var folder:
collectstatic, migrate, the first administrator, `check --deploy --fail-level WARNING`, then
gunicorn. The sign-in page must answer 200 and its stylesheets and scripts must be served. Every
step's failure stops the run with the step's output; the database is dropped afterwards.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import openpyxl
import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "lianfang_production_start"
DISTRICT = "410106000000"


def fresh_keys() -> dict[str, str]:
    """A secret key, a data key and an audit key made for one installation (never kept in git)."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "LIANFANG_DATA_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "LIANFANG_AUDIT_KEY": secrets.token_urlsafe(32),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _step(title: str, command: list[str], env: dict[str, str]) -> None:
    print(f"-- {title}", flush=True)
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"production start: {title} failed (exit {done.returncode})")


def _fill_regions(path: Path) -> None:
    """The district's row in the blank template, under its own headers (区划代码, 名称)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    headers = [cell.value for cell in sheet[1]]
    row = [{"区划代码": DISTRICT, "名称": "上街区"}.get(str(header)) for header in headers]
    sheet.append(row)
    workbook.save(path)


def _get(url: str) -> tuple[int, str, bytes]:
    # As nginx passes it on: the client came over https.
    assert url.startswith("http://127.0.0.1:"), url
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (only the local server started here)
        return answer.status, answer.headers.get("Content-Type", ""), answer.read()


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    for _attempt in range(100):
        if server.poll() is not None:
            raise SystemExit(f"production start: gunicorn stopped (exit {server.returncode})")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("production start: gunicorn did not answer within 20 s")


def main(admin_url: str) -> int:
    parts = urlsplit(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    database_url = urlunsplit(parts._replace(path=f"/{DATABASE}"))
    try:
        with tempfile.TemporaryDirectory(prefix="lianfang-production-") as var:
            env = {
                **os.environ,
                "DEBUG": "0",
                **fresh_keys(),
                "ALLOWED_HOSTS": "127.0.0.1",
                "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
                "DATABASE_URL": database_url,
                "LIANFANG_VAR_DIR": var,
                "LIANFANG_PROXY_COUNT": "1",
                "HUEY_IMMEDIATE": "0",
            }
            env.pop("REDIS_URL", None)
            lianfang = [str(Path(sys.executable).with_name("lianfang"))]
            _step("collectstatic", [*lianfang, "collectstatic", "--noinput"], env)
            _step("migrate", [*lianfang, "migrate", "--noinput"], env)
            regions = Path(var) / "regions.xlsx"
            _step("the blank regions ledger", [*lianfang, "export", "regions", "-o", str(regions)], env)
            _fill_regions(regions)
            _step("the regions ledger", [*lianfang, "import", "regions", str(regions)], env)
            _step(
                "the first administrator",
                [
                    *lianfang,
                    "createuser",
                    "admin",
                    "--full-name",
                    "系统管理员",
                    "--role",
                    "sysadmin",
                    "--region",
                    DISTRICT,
                ],
                env,
            )
            _step("check --deploy", [*lianfang, "check", "--deploy", "--fail-level", "WARNING"], env)
            port = _free_port()
            gunicorn = str(Path(sys.executable).with_name("gunicorn"))
            print("-- gunicorn", flush=True)
            server = subprocess.Popen(
                [gunicorn, "lianfang.wsgi", "-k", "gthread", "--threads", "2", "-w", "2", "-b", f"127.0.0.1:{port}"],
                env=env,
                cwd=ROOT,
                start_new_session=True,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                _wait_for(f"{base}/accounts/login/", server)
                status, _kind, body = _get(f"{base}/accounts/login/")
                page = body.decode()
                if status != 200 or "password" not in page:
                    raise SystemExit(f"production start: the sign-in page answered {status}")
                assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page)
                if not any(asset.endswith(".css") for asset in assets):
                    raise SystemExit("production start: the sign-in page names no stylesheet")
                for asset in assets:
                    status, kind, body = _get(f"{base}{asset}")
                    expected = "text/css" if asset.endswith(".css") else "javascript"
                    if status != 200 or expected not in kind or not body:
                        raise SystemExit(f"production start: {asset} answered {status} {kind}")
                print(f"-- the sign-in page and its {len(assets)} files answer 200 under gunicorn, DEBUG off")
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/postgres"))
