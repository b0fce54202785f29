"""`python -m tools.load --host URL [--ca CERT] [--out DIR] [--step-users N] [--step-seconds S]
[--max-steps M]`: the stepped load of tools/load/locustfile.py, headless, its output streamed.

Writes OUT/locust_*.csv (locust's own statistics) and OUT/steps.json (the steps' figures).
Exits 0 once the run printed its goal lines: locust exits 1 whenever any request failed, and
failures under load are among the results, not a failure of the run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
GOAL_PREFIXES = ("load sustained: ", "load saturation: ")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {value}")
    return value


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.load",
        description="Run tools/load/locustfile.py headless against a site, adding users in steps.",
        epilog=(__doc__ or "").split("\n\n")[1],
    )
    parser.add_argument("--host", required=True, help="the site, e.g. https://127.0.0.1:8443")
    parser.add_argument("--ca", help="CA file of the site's certificate (LIANFANG_LOAD_CA)")
    parser.add_argument("--out", default=os.environ.get("LOAD_OUT") or "var/load", help="default var/load")
    parser.add_argument("--step-users", type=_positive_int, help="users added each step (LOAD_STEP_USERS, 10)")
    parser.add_argument("--step-seconds", type=_positive_float, help="length of a step (LOAD_STEP_SECONDS, 60)")
    parser.add_argument("--max-steps", type=_positive_int, help="at most this many steps (LOAD_MAX_STEPS, 8)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["LOAD_OUT"] = str(out)
    # Options given win over the environment; the rest is left to it (and to the defaults).
    given = {
        "LIANFANG_LOAD_CA": str(Path(args.ca).resolve()) if args.ca else None,
        "LOAD_STEP_USERS": args.step_users,
        "LOAD_STEP_SECONDS": args.step_seconds,
        "LOAD_MAX_STEPS": args.max_steps,
    }
    env.update({name: str(value) for name, value in given.items() if value is not None})
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        args.host.rstrip("/"),
        "--csv",
        str(out / "locust"),
        "--only-summary",
    ]
    seen: set[str] = set()
    # From the project's root: locust reads a locust.conf or pyproject.toml where it starts.
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as locust:
        assert locust.stdout is not None
        try:
            for line in locust.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                seen.update(prefix for prefix in GOAL_PREFIXES if line.startswith(prefix))
        except KeyboardInterrupt:
            # Ctrl-C reached locust too (same process group): let it stop and report.
            for line in locust.stdout:
                sys.stdout.write(line)
                seen.update(prefix for prefix in GOAL_PREFIXES if line.startswith(prefix))
        code = locust.wait()
    if len(seen) == len(GOAL_PREFIXES):
        return 0
    print(f"load: locust ended (exit code {code}) without the goal lines", file=sys.stderr)
    return code or 1


if __name__ == "__main__":
    sys.exit(main())
