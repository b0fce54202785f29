"""`python -m bench [name ...]`: run the named benchmarks, or all of them, against one demo server."""

import importlib
import signal
import sys

from bench import harness

# One module per benchmark, each with `run(server) -> bool` ending in harness.report(...).
BENCHMARKS = {
    "api-read": "bench.api_read",
    "people-create": "bench.people_create",
    "people-import": "bench.people_import",
    "case-create": "bench.case_create",
    "my-work": "bench.my_work",
    "checkin-submit": "bench.checkin_submit",
    "completeness-day": "bench.completeness_day",
    "inspection-submit": "bench.inspection_submit",
    "coverage-day": "bench.coverage_day",
    "visit-submit": "bench.visit_submit",
    "bulletin-figures": "bench.bulletin_figures",
    "command-30d": "bench.command_30d",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark: {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    modules = [importlib.import_module(BENCHMARKS[name]) for name in names]
    # Python dies on SIGTERM without running `finally`; exiting instead lets the harness stop gunicorn.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    # A missed goal is reported, not fatal: numbers on a busy laptop vary; errors still fail the run.
    with harness.server() as server:
        for module in modules:
            module.run(server)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
