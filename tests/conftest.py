"""Shared fixtures: a small jurisdiction tree and one named user per role.

Tests that need Debian's Chromium or the Noto CJK fonts are skipped (with one line saying so)
where those are missing, except under CI=true, where a missing one fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lianfang.core.calendar.days import calendar_changed
from lianfang.core.figures.rollups import forget_regions
from lianfang.core.regions.scoping import clear_scope_cache
from tests.world import World, build_world

CHROMIUM = os.environ.get("LIANFANG_CHROMIUM", "/usr/bin/chromium")


def _has_chromium() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def _has_cjk_fonts() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto" in out and "CJK" in out


_SKIPPED: dict[str, int] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needs = {
        "browser": (_has_chromium(), f"Chromium ({CHROMIUM})"),
        "cjk_fonts": (_has_cjk_fonts(), "the Noto CJK fonts"),
    }
    missing = {mark: what for mark, (present, what) in needs.items() if not present}
    wanted = {mark for mark in missing if any(item.get_closest_marker(mark) for item in items)}
    if not wanted:
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            "CI=true requires " + " and ".join(missing[m] for m in sorted(wanted)) + ": install them (see .ci/run)."
        )
    for item in items:
        for mark in wanted:
            if item.get_closest_marker(mark):
                item.add_marker(pytest.mark.skip(reason=f"{missing[mark]} not installed"))
                _SKIPPED[missing[mark]] = _SKIPPED.get(missing[mark], 0) + 1
                break


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/cluster runs only against a running cluster (LIANFANG_CLUSTER; see its conftest)."""
    if collection_path.name == "cluster" and collection_path.parent.name == "tests":
        return not os.environ.get("LIANFANG_CLUSTER")
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not os.environ.get("LIANFANG_CLUSTER"):
        terminalreporter.write_line(
            "left out tests/cluster: it runs against `deploy/cluster up` (docs/deploy.md; CI runs it)"
        )
    if _SKIPPED:
        what = ", ".join(f"{n} for want of {name}" for name, n in _SKIPPED.items())
        terminalreporter.write_line(f"skipped tests that need missing tools: {what} (required under CI=true)")


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_triggers() -> Iterator[None]:
    """Between transactional tests the test database is emptied with DELETE on SQLite (PostgreSQL
    truncates, which its row triggers ignore); the append-only triggers step aside for it."""
    from django.db import connection

    from lianfang.core.audit.append_only import sqlite_triggers_create, sqlite_triggers_drop

    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    flush = operations.execute_sql_flush

    def flush_with_triggers_off(self: Any, sql_list: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            sqlite_triggers_drop(cursor)
        try:
            flush(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                sqlite_triggers_create(cursor)

    operations.execute_sql_flush = flush_with_triggers_off  # type: ignore[method-assign]
    yield
    operations.execute_sql_flush = flush  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings: Any, tmp_path: Path) -> Iterator[None]:
    # Each test keeps its own checkpoint file, like each deployment keeps its own.
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    yield


@pytest.fixture(autouse=True)
def _fresh_scope_cache() -> Iterator[None]:
    # Test databases reuse primary keys after each rollback; a scope cached in one test must not
    # answer for a different user of the same id in the next, nor one test's calendar in another.
    clear_scope_cache()
    calendar_changed()
    forget_regions()
    yield
    clear_scope_cache()
    calendar_changed()
    forget_regions()


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # Argon2 is the real hasher (a test checks it); most tests only need a password that works.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture
def world(db: Any) -> World:
    return build_world()
