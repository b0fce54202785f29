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


DOC = PACKAGE.parent / "docs" / "architecture.md"
MODULE = re.compile(r"[A-Za-z_][\w]*\.py")


def _mapped_modules() -> set[str]:
    """The modules docs/architecture.md names, as paths under lianfang/: in its tree, a line
    starting `name/` opens a folder below the last folder less indented, and the `name.py` words a
    line starts with are modules of the folder it stands in."""
    text = DOC.read_text(encoding="utf-8")
    tree = text[text.index("```\nlianfang/") + 4 : text.index("```", text.index("```\nlianfang/") + 4)]
    folders: list[tuple[int, str]] = []
    found: set[str] = set()
    for line in tree.splitlines():
        indent = len(line) - len(line.lstrip())
        words = line.split()
        if not words:
            continue
        while folders and folders[-1][0] >= indent:
            folders.pop()
        here = "/".join(name for _, name in folders)
        if words[0].endswith("/"):
            folders.append((indent, words[0].rstrip("/")))
            continue
        for word in words:
            if not MODULE.fullmatch(word):
                break
            found.add(f"{here}/{word}")
    return {path.removeprefix("lianfang/") for path in found if path.startswith("lianfang/")}


def test_the_map_names_every_module_that_exists_and_none_that_does_not() -> None:
    modules = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts
    }
    mapped = _mapped_modules()
    assert not modules - mapped, f"modules missing from docs/architecture.md: {sorted(modules - mapped)}"
    assert not mapped - modules, f"docs/architecture.md names modules that do not exist: {sorted(mapped - modules)}"


def test_the_map_gives_the_real_middleware_order() -> None:
    from django.conf import settings

    text = DOC.read_text(encoding="utf-8").split("## Request path", 1)[1]
    listed = re.findall(r"^\d+\. `([\w.]+)`", text, re.MULTILINE)
    assert listed == list(settings.MIDDLEWARE)
