"""Chinese first: every UI string has its Chinese, and the committed .mo matches the .po."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "lianfang" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_ui_string_has_a_chinese_translation() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated() or e.obsolete]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert po.percent_translated() == 100


def test_the_committed_mo_file_is_compiled_from_the_po_file() -> None:
    def catalogue(entries: polib._BaseFile) -> dict[tuple[str | None, str], str]:
        # By context and msgid: "shops" the model and "shops" the unit of a figure (家) differ.
        return {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in entries if e.msgid}

    po = catalogue(polib.pofile(str(LOCALE / "django.po")))
    mo = catalogue(polib.mofile(str(LOCALE / "django.mo")))
    assert mo == po, "run `make messages` and commit the .mo file"
