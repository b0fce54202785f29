"""The local cluster of docs/deploy.md, on one machine: `deploy/cluster up|down|status`.

On 127.0.0.1, beside (never on) the PostgreSQL and Redis that the tests use on the standard ports:
- nginx (Debian's package) with TLS in front, giving every request an X-Request-ID;
- two gunicorn app servers with DEBUG=0 and real keys from a generated env file;
- the cluster's own PostgreSQL primary (initdb) and a streaming replica of it (pg_basebackup);
- its own Redis, and two huey consumers on it.

Everything lives under one folder (var/cluster, or LIANFANG_CLUSTER_DIR). Every process runs
under a pid file there, and `down` stops only what those pid files name, after checking that each
one is still the process `up` started. `up` starts whatever is not running (so it also brings back
a server that was killed), and the first `up` loads the Shangjie demo at a small scale
(LIANFANG_CLUSTER_DEMO_SCALE). `down --wipe` also removes the folder. The app servers connect
as a role without ownership (docs/deploy.md, "Roles in PostgreSQL"); migrations run as the owner.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from tools.production_start import fresh_keys

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DATABASE = "lianfang"
APP_ROLE = "lianfang_app"


@dataclass(frozen=True)
class Layout:
    """Where everything of one cluster is, and its ports (written to cluster.json for tests)."""

    home: str
    # What other accounts must reach (postgres: its data; nginx's workers: request bodies, the
    # error page) lives outside the checkout, whose folders may be closed to them (a clone in
    # `mktemp -d`, say).
    shared: str = ""
    https_port: int = 8443
    app1_port: int = 8101
    app2_port: int = 8102
    primary_port: int = 5433
    replica_port: int = 5434
    redis_port: int = 6380

    @property
    def dir(self) -> Path:
        return Path(self.home)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def app_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.app1_port if n == 1 else self.app2_port}"

    def database_url(self, *, replica: bool = False, owner: bool = False) -> str:
        port = self.replica_port if replica else self.primary_port
        return f"postgres://{'postgres' if owner else APP_ROLE}@127.0.0.1:{port}/{DATABASE}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def env_file(self) -> Path:
        return self.dir / "cluster.env"

    @property
    def cert(self) -> Path:
        return self.dir / "tls" / "cert.pem"

    def pidfile(self, name: str) -> Path:
        return self.dir / "run" / f"{name}.pid"

    def log(self, name: str) -> Path:
        return self.dir / "log" / f"{name}.log"

    @property
    def pg(self) -> Path:
        return Path(self.shared) / "pg"

    @property
    def nginx(self) -> Path:
        return Path(self.shared) / "nginx"


def layout() -> Layout:
    home = Path(os.environ.get("LIANFANG_CLUSTER_DIR", ROOT / "var" / "cluster")).resolve()
    tag = hashlib.sha256(str(home).encode()).hexdigest()[:10]
    # A fixed name, one per cluster folder; ensure_folders refuses one that another account made.
    shared = os.environ.get("LIANFANG_CLUSTER_SHARED", f"/var/tmp/lianfang-cluster-{tag}")  # noqa: S108
    return Layout(home=str(home), shared=shared)


def load_layout(home: Path | None = None) -> Layout:
    """The layout a running cluster wrote (tests read it)."""
    found = (home or layout().dir) / "cluster.json"
    return Layout(**json.loads(found.read_text(encoding="utf-8")))


# Processes ------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"cluster: {message}", flush=True)


def pid_of(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int | None, marker: str) -> bool:
    """The process is running and is still what we started (its command line names `marker`)."""
    if pid is None:
        return False
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return marker in command and state != "Z"


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until(what: str, check: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.2)
    raise SystemExit(f"cluster: {what} did not come up within {seconds:.0f} s (see {layout().dir / 'log'})")


def run(command: list[str], *, env: dict[str, str] | None = None, title: str = "") -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"cluster: {title or command[0]} failed (exit {done.returncode})")
    return done.stdout


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's tools refuse to run as root; they run as the postgres account instead."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_bin(tool: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"))
    if found:
        return str(found[-1])
    located = shutil.which(tool)
    if located is None:
        raise SystemExit(f"cluster: {tool} not found; install PostgreSQL's server package (postgresql)")
    return located


def start_detached(name: str, command: list[str], env: dict[str, str], lay: Layout) -> int:
    """Start a long-running process in its own session, its output to its log, its pid to its file."""
    with open(lay.log(name), "ab") as log:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    lay.pidfile(name).write_text(f"{process.pid}\n")
    return process.pid


def stop_pid(name: str, marker: str, lay: Layout, sig: int = signal.SIGTERM, *, group: bool = True) -> None:
    """Stop the process its pid file names, if it is still ours: its whole process group where we
    started it in a session of its own, else the daemon alone (nginx and Redis fork their own)."""
    path = lay.pidfile(name)
    pid = pid_of(path)
    if alive(pid, marker):
        assert pid is not None
        say(f"stopping {name} (pid {pid})")
        signal_it = os.killpg if group else os.kill
        with contextlib.suppress(ProcessLookupError):
            signal_it(pid, sig)
        deadline = time.monotonic() + 20
        while alive(pid, marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        if alive(pid, marker):
            with contextlib.suppress(ProcessLookupError):
                signal_it(pid, signal.SIGKILL)
    path.unlink(missing_ok=True)


# Pieces -------------------------------------------------------------------------------------


def ensure_prerequisites() -> None:
    missing = [tool for tool in ("nginx", "redis-server", "openssl", "pg_basebackup") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(
            f"cluster: {', '.join(missing)} not found. On Debian: apt-get install nginx redis-server "
            "openssl postgresql (nothing of theirs needs to run: the cluster starts its own)."
        )
    pg_bin("initdb")


MARKER = ".lianfang-cluster"


def claim(folder: Path) -> None:
    """Make a folder the cluster's (new or empty), or check that it is: a folder named by mistake
    (LIANFANG_CLUSTER_DIR=/var/tmp, say) is neither opened to others nor wiped."""
    if folder.is_symlink():
        raise SystemExit(f"cluster: {folder} is a symbolic link; name a real folder")
    ours = (folder / MARKER).exists()
    if folder.exists() and not ours and (any(folder.iterdir()) or folder.stat().st_uid != os.geteuid()):
        raise SystemExit(f"cluster: {folder} is not a cluster's folder; name a new or empty one")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).touch()


def ensure_folders(lay: Layout) -> None:
    claim(lay.dir)
    for sub in ("run", "log", "var", "media", "tls", "redis"):
        (lay.dir / sub).mkdir(exist_ok=True)
    # nginx's workers (nobody) write request bodies under nginx/ and read its error page there.
    shared = Path(lay.shared)
    claim(shared)
    lay.nginx.mkdir(exist_ok=True)
    for folder in (shared, lay.nginx):
        folder.chmod(0o755)
    if not lay.pg.exists():
        lay.pg.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(lay.pg, "postgres", "postgres")
    (lay.dir / "cluster.json").write_text(json.dumps(asdict(lay), indent=2), encoding="utf-8")


def ensure_keys(lay: Layout) -> None:
    """The app servers' environment, with keys generated once (the data is encrypted under them)."""
    if lay.env_file.exists():
        return
    lines = {
        "DEBUG": "0",
        **fresh_keys(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": lay.url,
        "DATABASE_URL": lay.database_url(),
        "LIANFANG_REPLICA_URL": lay.database_url(replica=True),
        "REDIS_URL": lay.redis_url,
        "LIANFANG_VAR_DIR": str(lay.dir / "var"),
        "LIANFANG_MEDIA_ROOT": str(lay.dir / "media"),
        "LIANFANG_PROXY_COUNT": "1",
        "HUEY_IMMEDIATE": "0",
        "LIANFANG_DEMO_SCALE": os.environ.get("LIANFANG_CLUSTER_DEMO_SCALE", "0.02"),
    }
    lay.env_file.write_text("".join(f"{k}={v}\n" for k, v in lines.items()), encoding="utf-8")
    lay.env_file.chmod(0o600)


def app_env(lay: Layout, **extra: str) -> dict[str, str]:
    """The environment of everything that runs the application: only the cluster's env file."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"}}
    return {**keep, "LIANFANG_ENV_FILE": str(lay.env_file), **extra}


def ensure_certificate(lay: Layout) -> None:
    if lay.cert.exists():
        return
    say("making a TLS certificate for 127.0.0.1")
    key = lay.dir / "tls" / "key.pem"
    run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "90",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(lay.cert),
        ],
        title="openssl",
    )  # fmt: skip
    key.chmod(0o600)


def pg_running(data: Path) -> bool:
    return (
        subprocess.run(as_postgres([pg_bin("pg_ctl"), "-D", str(data), "status"]), capture_output=True).returncode == 0
    )


def pg_start(data: Path, port: int, lay: Layout) -> None:
    options = f"-p {port} -k {lay.pg / 'run'} -c listen_addresses=127.0.0.1 -c max_connections=200"
    run(
        as_postgres(
            [pg_bin("pg_ctl"), "-D", str(data), "-l", str(data) + ".log", "-w", "-t", "60", "start", "-o", options]
        ),
        title=f"PostgreSQL on {port}",
    )


def restart_primary(lay: Layout) -> None:
    """A fast restart of the primary (its sessions are cut), as an operator or a failover does."""
    data = lay.pg / "primary"
    run(as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-l", str(data) + ".log", "-m", "fast", "-w", "restart"]),
        title="pg_ctl restart")  # fmt: skip


def psql(port: int, sql: str, database: str = "postgres") -> str:
    return run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1",
         "-tAc", sql],
        title=f"psql on {port}",
    ).strip()  # fmt: skip


def ensure_primary(lay: Layout) -> None:
    data = lay.pg / "primary"
    if not data.exists():
        say(f"initdb: the primary in {data}")
        (lay.pg / "run").mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(lay.pg / "run", "postgres", "postgres")
        run(
            as_postgres([pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                         "--locale=C.UTF-8"]),
            title="initdb",
        )  # fmt: skip
    if not pg_running(data):
        say(f"starting the primary on {lay.primary_port}")
        pg_start(data, lay.primary_port, lay)
    # DATABASE and APP_ROLE are this module's constants, not input.
    if psql(lay.primary_port, f"SELECT count(*) FROM pg_database WHERE datname = '{DATABASE}'") == "0":  # noqa: S608
        psql(lay.primary_port, f"CREATE DATABASE {DATABASE}")
    if psql(lay.primary_port, f"SELECT count(*) FROM pg_roles WHERE rolname = '{APP_ROLE}'") == "0":  # noqa: S608
        psql(lay.primary_port, f"CREATE ROLE {APP_ROLE} LOGIN")


def ensure_replica(lay: Layout) -> None:
    data = lay.pg / "replica"
    if not data.exists():
        say(f"pg_basebackup: the replica in {data}")
        slots = psql(lay.primary_port, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'replica1'")
        slot = ["-C", "-S", "replica1"] if slots == "0" else ["-S", "replica1"]
        backup = [pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(lay.primary_port), "-U", "postgres"]
        # -c fast: a spread checkpoint would keep pg_basebackup waiting for minutes.
        backup += ["-D", str(data), "-R", "-X", "stream", "-c", "fast", *slot]
        run(as_postgres(backup), title="pg_basebackup")
    if not pg_running(data):
        say(f"starting the replica on {lay.replica_port}")
        pg_start(data, lay.replica_port, lay)


def ensure_redis(lay: Layout) -> None:
    if alive(pid_of(lay.pidfile("redis")), "redis-server"):
        return
    say(f"starting Redis on {lay.redis_port}")
    run(
        ["redis-server", "--port", str(lay.redis_port), "--bind", "127.0.0.1", "--daemonize", "yes",
         "--pidfile", str(lay.pidfile("redis")), "--dir", str(lay.dir / "redis"), "--logfile", str(lay.log("redis")),
         "--save", "", "--appendonly", "no"],
        title="redis-server",
    )  # fmt: skip
    wait_until("Redis", lambda: port_open(lay.redis_port), 20)


def lianfang_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("lianfang")), *args]


def ensure_schema_and_demo(lay: Layout) -> None:
    """Migrations and the demo run as the owner; then the app role gets the rights docs/deploy.md gives."""
    owner = app_env(lay, DATABASE_URL=lay.database_url(owner=True))
    say("migrate")
    run(lianfang_command("migrate", "--noinput"), env=owner, title="migrate")
    loaded = lay.dir / "var" / "demo-loaded"
    if not loaded.exists():
        say("loading the Shangjie demo (scale " + read_env(lay)["LIANFANG_DEMO_SCALE"] + ")")
        run(lianfang_command("demo"), env=owner, title="demo")
        loaded.write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))
    grants = (DEPLOY.parent / "docs" / "deploy.md").read_text(encoding="utf-8")
    statements = grants.split("```sql", 1)[1].split("```", 1)[0]
    statements = "\n".join(line for line in statements.splitlines() if not line.startswith("CREATE ROLE"))
    psql(lay.primary_port, statements.replace("lianfang_app", APP_ROLE), database=DATABASE)
    if not (lay.dir / "var" / "staticfiles" / "staticfiles.json").exists():
        say("collectstatic")
        run(lianfang_command("collectstatic", "--noinput"), env=app_env(lay), title="collectstatic")


def read_env(lay: Layout) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in lay.env_file.read_text(encoding="utf-8").splitlines() if "=" in line)
    return {k: v for k, v in pairs}


def answers(url: str, *, cafile: Path | None = None) -> bool:
    """The sign-in page answers 200 at this address (as nginx would pass it on, for an app server)."""
    headers = {} if cafile else {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
    request = urllib.request.Request(f"{url}/accounts/login/", headers=headers)  # noqa: S310
    context = ssl.create_default_context(cafile=str(cafile)) if cafile else None
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as answer:  # noqa: S310 (our own servers)
            return bool(answer.status == 200)
    except OSError:
        return False


def ensure_app(lay: Layout, n: int) -> None:
    name = f"app{n}"
    if alive(pid_of(lay.pidfile(name)), "gunicorn"):
        return
    port = lay.app1_port if n == 1 else lay.app2_port
    say(f"starting app server {n} (gunicorn, DEBUG=0) on {port}")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [
        gunicorn, "lianfang.wsgi", "-k", "gthread", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
        "--timeout", "60", "--graceful-timeout", "10", "--keep-alive", "75", "--name", f"lianfang-{name}",
        "--control-socket", str(lay.dir / "run" / f"{name}.ctl"),
        "--access-logfile", str(lay.log(f"{name}-access")),
        "--access-logformat", '%(h)s %({x-request-id}i)s "%(r)s" %(s)s %(M)sms',
    ]  # fmt: skip
    start_detached(name, command, app_env(lay), lay)
    wait_until(f"app server {n}", lambda: answers(lay.app_url(n)), 60)


def ensure_consumer(lay: Layout, n: int) -> None:
    name = f"huey{n}"
    if alive(pid_of(lay.pidfile(name)), "run_huey"):
        return
    say(f"starting huey consumer {n}")
    start_detached(name, lianfang_command("run_huey"), app_env(lay), lay)


def ensure_nginx(lay: Layout) -> None:
    if alive(pid_of(lay.pidfile("nginx")), "nginx"):
        return
    template = string.Template((DEPLOY / "nginx.conf").read_text(encoding="utf-8"))
    conf = template.safe_substitute(
        app1_port=lay.app1_port,
        app2_port=lay.app2_port,
        https_port=lay.https_port,
        server_name="127.0.0.1",
        tls_dir=lay.dir / "tls",
        run_dir=lay.dir / "run",
        log_dir=lay.dir / "log",
        deploy_dir=lay.nginx / "pages",
    )
    pages = lay.nginx / "pages"
    pages.mkdir(exist_ok=True)
    shutil.copy(DEPLOY / "_unavailable.html", pages / "_unavailable.html")
    (lay.nginx / "nginx.conf").write_text(conf, encoding="utf-8")
    say(f"starting nginx on {lay.https_port} (TLS)")
    run(["nginx", "-c", str(lay.nginx / "nginx.conf"), "-p", f"{lay.nginx}/"], title="nginx")
    wait_until("nginx", lambda: answers(lay.url, cafile=lay.cert), 30)


# Commands -----------------------------------------------------------------------------------


def up() -> None:
    lay = layout()
    ensure_prerequisites()
    ensure_folders(lay)
    ensure_keys(lay)
    ensure_certificate(lay)
    ensure_primary(lay)
    ensure_schema_and_demo(lay)
    ensure_replica(lay)
    ensure_redis(lay)
    for n in (1, 2):
        ensure_app(lay, n)
    for n in (1, 2):
        ensure_consumer(lay, n)
    ensure_nginx(lay)
    say(f"up: {lay.url}/ (certificate {lay.cert}); `deploy/cluster status` tells how each part is")


def down(*, wipe: bool = False) -> None:
    lay = layout()
    if lay.dir.exists():
        stop_pid("nginx", "nginx", lay, signal.SIGQUIT, group=False)  # QUIT: let answers in flight finish
        for name, marker in (("huey1", "run_huey"), ("huey2", "run_huey"), ("app1", "gunicorn"), ("app2", "gunicorn")):
            stop_pid(name, marker, lay)
        stop_pid("redis", "redis-server", lay, group=False)
        for data in (lay.pg / "replica", lay.pg / "primary"):  # the replica first
            if data.exists() and pg_running(data):
                say(f"stopping PostgreSQL in {data}")
                run(as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]), title="pg_ctl stop")
    if wipe:
        for folder in (lay.dir, Path(lay.shared)):
            if (folder / MARKER).exists():  # only a folder `up` made the cluster's
                say(f"removing {folder}")
                shutil.rmtree(folder)
    say("down")


def replica_lag_bytes(lay: Layout) -> str:
    try:
        return psql(
            lay.primary_port,
            "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))::text, 'no replica') "
            "FROM pg_stat_replication",
        )
    except SystemExit:
        return "?"


def status() -> int:
    lay = layout()
    if not (lay.dir / "cluster.json").exists():
        say(f"nothing here ({lay.dir}); `deploy/cluster up` starts it")
        return 3
    rows: list[tuple[str, bool, str]] = [
        ("nginx", alive(pid_of(lay.pidfile("nginx")), "nginx") and answers(lay.url, cafile=lay.cert), lay.url),
    ]
    for n in (1, 2):
        name = f"app{n}"
        ok = alive(pid_of(lay.pidfile(name)), "gunicorn") and answers(lay.app_url(n))
        rows.append((name, ok, lay.app_url(n)))
    for n in (1, 2):
        rows.append((f"huey{n}", alive(pid_of(lay.pidfile(f"huey{n}")), "run_huey"), lay.redis_url))
    rows.append(("redis", alive(pid_of(lay.pidfile("redis")), "redis-server"), lay.redis_url))
    primary_ok = (lay.pg / "primary").exists() and pg_running(lay.pg / "primary")
    rows.append(("postgres-primary", primary_ok, lay.database_url()))
    replica_ok = (lay.pg / "replica").exists() and pg_running(lay.pg / "replica")
    lag = replica_lag_bytes(lay) if primary_ok else "?"
    rows.append(("postgres-replica", replica_ok, f"{lay.database_url(replica=True)} (lag {lag} bytes)"))
    for name, ok, where in rows:
        print(f"{name:18} {'up' if ok else 'DOWN':5} {where}")
    return 0 if all(ok for _, ok, _ in rows) else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="deploy/cluster", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start what is not running (the first time: create and load the demo)")
    stop = commands.add_parser("down", help="stop what `up` started")
    stop.add_argument("--wipe", action="store_true", help="and remove the cluster's folder (its data too)")
    commands.add_parser("status", help="each part, up or down (exit 1 if any is down)")
    args = parser.parse_args(argv)
    if args.command == "up":
        up()
        return 0
    if args.command == "down":
        down(wipe=args.wipe)
        return 0
    return status()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
