"""Run the fenced shell commands of one section of a Markdown page, so that the page cannot drift
from what works: `python -m tools.doc_commands docs/deploy.md "A cluster on one machine"`.

The section runs from its heading to the next heading of the same or a higher level. Each ```sh
block runs in order, in bash with `set -euo pipefail`, from the repository's root; the run stops
at the first block that fails. The section's last block is its clean-up (stopping what the
others started): it runs even when an earlier block failed, and the run still fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def section(page: str, title: str) -> str:
    lines = page.splitlines()
    for n, line in enumerate(lines):
        heading = re.match(r"(#+)\s+(.*)", line)
        if heading and heading.group(2).strip() == title:
            level = len(heading.group(1))
            body = []
            for rest in lines[n + 1 :]:
                deeper = re.match(r"(#+)\s", rest)
                if deeper and len(deeper.group(1)) <= level:
                    break
                body.append(rest)
            return "\n".join(body)
    raise SystemExit(f"doc commands: no section headed {title!r}")


def blocks(text: str) -> list[str]:
    return [found.strip() for found in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)]


def run(block: str) -> int:
    print(f"$ {block}", flush=True)
    return subprocess.run(["/bin/bash", "-euo", "pipefail", "-c", block], cwd=ROOT).returncode


def main(path: str, title: str) -> int:
    commands = blocks(section((ROOT / path).read_text(encoding="utf-8"), title))
    if not commands:
        raise SystemExit(f"doc commands: no ```sh block under {title!r}")
    *steps, clean_up = commands
    failed = next((code for code in map(run, steps) if code != 0), 0)
    cleaned = run(clean_up) if len(commands) > 1 else 0
    if failed or cleaned:
        print(f"doc commands: {path}, {title!r} failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
