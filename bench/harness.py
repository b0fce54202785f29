"""What every benchmark shares: a demo database, a gunicorn server on loopback, a timed load loop, the report.

The harness itself never imports Django: the server, migrations and helper scripts run in child
processes with one environment, so a benchmark measures exactly what the server was given.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# Sized for two cores: one worker process keeps one core busy (the GIL caps it there), the load
# client takes the other. Threads let the worker overlap its socket and SQLite waits.
WORKERS = 1
THREADS = 4
CLIENTS = 4
SECONDS = 3.0
ROUNDS = 5
SETUP_TIMEOUT = 300  # the full demo loads in under 5 minutes (the mission's limit)


@dataclass(frozen=True)
class Server:
    port: int
    env: Mapping[str, str]

    def django(self, code: str) -> str:
        """Run Python code with Django set up exactly as in the server; return what it printed."""
        return _run([sys.executable, "-c", "import django\ndjango.setup()\n" + code], self.env)

    def get_json(self, path: str, headers: Mapping[str, str] | None = None) -> Any:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.request("GET", path, headers=dict(headers or {}))
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:500]!r}")
        return json.loads(body)


def _run(command: list[str], env: Mapping[str, str]) -> str:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=SETUP_TIMEOUT)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"{' '.join(command[:4])} failed with exit code {result.returncode}")
    return result.stdout


def _is_postgres(url: str) -> bool:
    return url.split("://", 1)[0] in {"postgres", "postgresql", "pgsql", "postgis"}


def _server_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    database_url = env.get("DATABASE_URL", "")
    if not _is_postgres(database_url):
        database_url = f"sqlite:///{var_dir / 'bench.sqlite3'}"

    def secret(name: str, fresh: str) -> str:
        # An existing PostgreSQL database may hold data sealed with the real keys; keep them if given.
        return env.get(name) or fresh

    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        # Production settings: DEBUG would log every query and change what we measure.
        DEBUG="0",
        SECRET_KEY=secret("SECRET_KEY", secrets.token_urlsafe(50)),
        LIANFANG_DATA_KEY=secret("LIANFANG_DATA_KEY", base64.b64encode(secrets.token_bytes(32)).decode()),
        LIANFANG_AUDIT_KEY=secret("LIANFANG_AUDIT_KEY", secrets.token_urlsafe(32)),
        # lianfang.settings checks these before bench.settings can override them.
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        # The manifest storage needs collectstatic; the API never renders a static URL.
        LIANFANG_MANIFEST_STATIC="0",
        LIANFANG_VAR_DIR=str(var_dir),
        # A developer's .env must not leak into the benchmark (it may point at another database).
        LIANFANG_ENV_FILE=str(var_dir / "absent.env"),
        HUEY_IMMEDIATE="0",
        DATABASE_URL=database_url,
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_ready(process: subprocess.Popen[bytes], port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode} before serving")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on {HOST}:{port} within {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    # The server runs in its own session: signalling the group reaches the master and its worker.
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def server() -> Iterator[Server]:
    """A migrated database with the demo data, served by gunicorn on a free loopback port."""
    with tempfile.TemporaryDirectory(prefix="lianfang-bench-") as tmp:
        var_dir = Path(tmp)
        env = _server_env(var_dir)
        started = time.monotonic()
        _run([sys.executable, "-m", "lianfang", "migrate", "--noinput"], env)
        _run([sys.executable, "-m", "lianfang", "demo"], env)
        engine = "PostgreSQL" if _is_postgres(env["DATABASE_URL"]) else "SQLite"
        print(f"demo database ready on {engine} in {time.monotonic() - started:.1f} s")
        port = _free_port()
        command = [
            sys.executable, "-m", "gunicorn", "lianfang.wsgi:application",
            "--bind", f"{HOST}:{port}",
            "--worker-class", "gthread", "--workers", str(WORKERS), "--threads", str(THREADS),
            # Generous: a client thread that waits for the GIL must not find its connection closed.
            "--keep-alive", "60",
            "--log-level", "warning",
        ]  # fmt: skip
        process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        try:
            _wait_ready(process, port)
            print(f"gunicorn on {HOST}:{port}: {WORKERS} gthread worker × {THREADS} threads; {CLIENTS} clients")
            yield Server(port=port, env=env)
        finally:
            _stop(process)


Body = Callable[[int, int], bytes]  # (client number, request number) -> a request body


def load(
    server: Server,
    path: str,
    headers: Mapping[str, str] | None = None,
    seconds: float = SECONDS,
    body: Body | None = None,
    expect: tuple[int, ...] = (200,),
) -> float:
    """Requests per second of CLIENTS keep-alive connections sending `path` for `seconds`: GETs,
    or POSTs of `body(client, n)` when a body factory is given (so each insert is new).

    Any other answer than `expect` stops the run: a fast error page would make a fine-looking number.
    """
    counts = [0] * CLIENTS
    errors: list[BaseException] = []
    stop = threading.Event()

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
        try:
            sent = 0
            while not stop.is_set():
                if body is None:
                    connection.request("GET", path, headers=dict(headers or {}))
                else:
                    payload = body(index, sent)
                    post_headers = {**(headers or {}), "Content-Type": "application/json"}
                    connection.request("POST", path, body=payload, headers=post_headers)
                sent += 1
                response = connection.getresponse()
                answer = response.read()
                if response.status not in expect:
                    raise RuntimeError(f"{path} answered {response.status}: {answer[:500]!r}")
                # http.client would silently reconnect; a closed connection means we measure TCP set-up too.
                if response.will_close:
                    raise RuntimeError(f"GET {path}: the server closed the keep-alive connection")
                counts[index] += 1
        except BaseException as error:
            errors.append(error)
            stop.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return sum(counts) / elapsed


@dataclass(frozen=True)
class Rounds:
    """Rates (req/s) of both sides, one pair per round, each pair measured back to back."""

    pairs: list[tuple[float, float]]  # (baseline, ours)

    def speed_ratio(self) -> float:
        """Ours against the baseline (higher is faster): the median of the rounds' own ratios, so
        that a round slowed by a neighbour counts against neither side alone."""
        return statistics.median(ours / base for base, ours in self.pairs)

    def time_ratio(self) -> float:
        """Our time per request against the baseline's (lower is faster)."""
        return statistics.median(base / ours for base, ours in self.pairs)


def alternate(baseline: Callable[[], float], ours: Callable[[], float], rounds: int = ROUNDS) -> Rounds:
    """Alternating rounds of each side, so drift (heat, neighbours) hits both alike."""
    # The first requests pay for lazy imports, URL resolving and translation catalogs: not measured.
    baseline()
    ours()
    pairs: list[tuple[float, float]] = []
    for number in range(1, rounds + 1):
        base_rate = baseline()
        our_rate = ours()
        pairs.append((base_rate, our_rate))
        print(
            f"  round {number}: baseline {base_rate:8.1f} req/s   ours {our_rate:8.1f} req/s"
            f"   ratio {our_rate / base_rate:5.2f}"
        )
    base = statistics.median(b for b, _ in pairs)
    our = statistics.median(o for _, o in pairs)
    print(f"  median:  baseline {base:8.1f} req/s   ours {our:8.1f} req/s   (ratio: the median of the rounds')")
    return Rounds(pairs)


def report(name: str, ratio: float, goal: float, op: str = ">=") -> bool:
    """Print the one line a benchmark ends with; return whether the goal is met."""
    met = ratio >= goal if op == ">=" else ratio <= goal
    print(f"bench {name}: ratio {ratio:.2f} (goal {op} {goal:g})")
    return met
