"""Views name the URLs they send people to (reverse, redirect by name), so that moving a page
moves every link to it: no view writes a path by hand."""

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
