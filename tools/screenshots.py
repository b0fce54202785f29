"""`make screenshots`: the README's pictures of the main pages, at a desk's size and a phone's.

Loads the demo into a new SQLite database under a temporary folder, serves it with Django's
development server on a free port, signs in through the login page as the demo accounts and takes
each picture with Debian's Chromium. Anyone can rerun it; the pictures land in docs/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("LIANFANG_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "lianfang-demo-2022"
SIZES = {"desktop": (1280, 800), "phone": (360, 640)}
# (account, page, picture's name): the pages a new user meets first, one per practice and role.
PICTURES = [
    ("zhihui", "/", "home"),
    ("zhihui", "/command/figures/?from=2022-01-01&to=2022-01-14", "figures"),
    ("quweiban", "/command/bulletins/1/", "bulletin"),
    ("zhongxin", "/cases/", "cases"),
    ("wangge", "/cases/mine/", "my-work"),
    ("wangge", "/cases/new/", "report"),
    ("gongye", "/enterprises/", "three-interactions"),
    ("qiye", "/enterprises/problems/new/", "enterprise-report"),
    ("gongye", "/volunteers/tasks/", "volunteer-tasks"),
    ("gongye", "/notices/", "notices"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lianfang-screenshots-") as tmp:
        env = {**os.environ, "DEBUG": "1", "HUEY_IMMEDIATE": "1", "LIANFANG_VAR_DIR": tmp}
        env.pop("DATABASE_URL", None)
        lianfang = [sys.executable, "-m", "lianfang"]
        subprocess.run([*lianfang, "migrate", "--noinput"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([*lianfang, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
        port = _free_port()
        server = subprocess.Popen([*lianfang, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _attempt in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"],
                )
                for size, (width, height) in SIZES.items():
                    for username, path, name in PICTURES:
                        context = browser.new_context(viewport={"width": width, "height": height})
                        page = context.new_page()
                        _sign_in(page, base, username)
                        page.goto(f"{base}{path}")
                        page.wait_for_load_state("networkidle")
                        target = OUT / f"{name}-{size}.png"
                        page.screenshot(path=str(target))
                        print(f"{target.relative_to(ROOT)}  ({username} {path})")
                        context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
