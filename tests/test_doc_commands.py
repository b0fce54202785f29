"""tools/doc_commands: the fenced commands of one section of a page, run in order, clean-up last."""

from __future__ import annotations

from pathlib import Path

from tools.doc_commands import blocks, main, section

PAGE = """# Page

## Before
```sh
echo not this one
```

## The section
Text.
```sh
echo one >> {out}
```
### A sub-heading stays inside
```sh
{second}
```
```sh
echo clean-up >> {out}
```

## After
```sh
echo nor this one
```
"""


def _page(tmp_path: Path, second: str) -> tuple[Path, Path]:
    out = tmp_path / "out.txt"
    page = tmp_path / "page.md"
    page.write_text(PAGE.format(out=out, second=second), encoding="utf-8")
    return page, out


def test_it_takes_the_blocks_of_the_section_and_its_sub_sections_only(tmp_path: Path) -> None:
    page, _ = _page(tmp_path, "echo two")
    found = blocks(section(page.read_text(encoding="utf-8"), "The section"))
    assert len(found) == 3 and found[1] == "echo two"
    assert not any("not this one" in b or "nor this one" in b for b in found)


def test_it_runs_every_block_in_order(tmp_path: Path) -> None:
    page, out = _page(tmp_path, f"echo two >> {tmp_path / 'out.txt'}")
    assert main(str(page), "The section") == 0
    assert out.read_text().split() == ["one", "two", "clean-up"]


def test_it_fails_at_the_first_failing_block_and_still_cleans_up(tmp_path: Path) -> None:
    page, out = _page(tmp_path, "false")
    assert main(str(page), "The section") == 1
    assert out.read_text().split() == ["one", "clean-up"]
