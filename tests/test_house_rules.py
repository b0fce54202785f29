"""Rules of the house (DESIGN.md, docs/architecture.md) that a reader would otherwise have to
check by eye: views name their URLs, services name their actor's type, the map names every module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lianfang"
A_PATH = re.compile(r"^/[a-z][a-z0-9_-]*/")


def _literal_paths(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and A_PATH.match(node.value):
            found.append((node.lineno, node.value))
    return found


def test_no_view_writes_a_path_by_hand() -> None:
    written = {
        f"{path.relative_to(PACKAGE)}:{line}": text
        for path in PACKAGE.rglob("views.py")
        for line, text in _literal_paths(path.read_text(encoding="utf-8"))
    }
    assert not written, written


def test_the_check_sees_a_path_written_in_an_f_string() -> None:
    assert _literal_paths('redirect(f"/volunteers/tasks/{pk}/")') == [(1, "/volunteers/tasks/")]


def test_every_service_types_its_actor_as_the_one_alias() -> None:
    untyped = {
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.arg)
        and node.arg == "actor"
        and node.annotation is not None
        and ast.unparse(node.annotation) not in {"Actor", "Actor | None"}
    }
    assert not untyped, f"type `actor` as lianfang.core.accounts.actors.Actor: {sorted(untyped)}"
