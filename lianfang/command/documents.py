"""The bulletin as a document officials print and forward: DOCX in the official style (the 简报
practice, GB/T 9704-2012 for the page), PDF through WeasyPrint, and a print-friendly HTML page; all
three from one BulletinDocument, so that they cannot say different things.

The page: A4, top margin 37 mm, binding margin 28 mm (right 26 mm, bottom 35 mm), body 3号 (16 pt)
仿宋_GB2312 at 22 lines of 28 characters; a red masthead with the issue number under it, the office
on the left and the date on the right above a red rule; the title in 方正小标宋简体, the editor's
note in 楷体; each section a headline, its text and its unit in brackets; page numbers "— 1 —";
the 报/送/发 block and 共印X份 at the end. East-Asian font names are set in the XML (w:eastAsia)
so that Word and WPS use them; where a machine lacks them they fall back to its own Chinese fonts.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lianfang.core.official_documents import BODY_FONT, TITLE_FONT, east_asian_font, official_document

from .models import Bulletin
from .text import plain

RED = "FF0000"
# The exact line pitch that puts 22 lines in the 225 mm between the margins (in points).
LINE_PITCH = 28.95
CHARS_PER_LINE = 28
NOTE_FONT = "楷体_GB2312"
HEADLINE_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
# The PDF's fonts: Noto CJK SC (with lang="zh-CN" its glyphs are the Chinese forms, not Japanese).
PDF_FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")


class FontsMissing(RuntimeError):
    """The PDF cannot be made with Chinese glyphs on this machine."""


@dataclass(frozen=True)
class DocumentSection:
    headline: str
    body: str
    unit: str


@dataclass(frozen=True)
class BulletinDocument:
    masthead: str
    number: str
    office: str
    date: str
    title: str
    note: str
    sections: list[DocumentSection]
    distribution: list[str]
    copies: str
    filename: str
    # A draft or an issue awaiting 签发 says so on its first line: it must not pass for the issue.
    draft_mark: str = ""


def chinese_date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_document(bulletin: Bulletin) -> BulletinDocument:
    return BulletinDocument(
        masthead=settings.BULLETIN_MASTHEAD,
        number=f"第{bulletin.number}期",
        office=bulletin.office,
        date=chinese_date(bulletin.issued_on),
        title=bulletin.title,
        note=plain(bulletin.editor_note),
        sections=[DocumentSection(s.headline, plain(s.text), s.unit) for s in bulletin.sections.all()],
        distribution=list(settings.BULLETIN_DISTRIBUTION),
        copies=f"共印{settings.BULLETIN_COPIES}份",
        filename=f"{settings.BULLETIN_MASTHEAD}{bulletin.year}年第{bulletin.number}期"
        + ("" if bulletin.is_published else "（草稿）"),
        draft_mark="" if bulletin.is_published else "草稿 · 未签发，不得印发",
    )


# DOCX -------------------------------------------------------------------------------------------


def _border(paragraph: Any, edge: str, *, size: int, color: str = RED) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _page_number(paragraph: Any) -> None:
    """— PAGE —, the page number in the footer as GB/T 9704 writes it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def run(text: str = "") -> Any:
        r = paragraph.add_run(text)
        r.font.size = Pt(14)
        east_asian_font(r, PAGE_NUMBER_FONT)
        return r

    run("— ")
    field = run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        field._r.append(element)
    run(" —")


def bulletin_docx(bulletin: Bulletin) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    doc_text = bulletin_document(bulletin)
    doc = official_document()
    section = doc.sections[0]
    section.footer_distance = Mm(28) - Mm(7)
    # The character grid: 22 lines of 28 characters (line pitch in twentieths of a point).
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH * 20)))
    # 28 characters of 3号 to the 156 mm line: each character's pitch a little under 16 pt, in
    # 4096ths of a point.
    grid.set(qn("w:charSpace"), str(round((Mm(156).pt / CHARS_PER_LINE - 16) * 4096)))
    text_width = Mm(210 - 28 - 26)

    def para(
        words: str = "",
        *,
        size: float = 16,
        font: str = BODY_FONT,
        align: Any = None,
        indent: bool = False,
        color: str | None = None,
        bold: bool = False,
        pitch: float = LINE_PITCH,
    ) -> Any:
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(pitch)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        if words:
            run = p.add_run(words)
            run.font.size, run.bold = Pt(size), bold
            east_asian_font(run, font)
            if color:
                run.font.color.rgb = RGBColor.from_string(color)
        return p

    if doc_text.draft_mark:
        para(doc_text.draft_mark, size=14, font=HEADLINE_FONT, align=WD_ALIGN_PARAGRAPH.RIGHT, color="808080")
    para(doc_text.masthead, size=42, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, pitch=60)
    para()
    para(doc_text.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    heading = para(f"{doc_text.office}\t{doc_text.date}")
    heading.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    _border(heading, "bottom", size=18)
    para()
    for line in doc_text.title.splitlines() or [""]:
        para(line, size=22, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=36)
    para()
    if doc_text.note:
        note = para(indent=True)
        for words, bold in (("编者按：", True), (doc_text.note, False)):
            run = note.add_run(words)
            run.font.size, run.bold = Pt(16), bold
            east_asian_font(run, NOTE_FONT)
    for s in doc_text.sections:
        para(s.headline, font=HEADLINE_FONT, indent=True)
        para(f"{s.body}（{s.unit}）", indent=True)
    para()
    lines = [*doc_text.distribution, doc_text.copies]
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        p = para(line, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT if last else None)
        p.paragraph_format.left_indent = Pt(14)
        p.paragraph_format.right_indent = Pt(14)
        if i == 0:
            _border(p, "top", size=8, color="000000")
        _border(p, "bottom", size=8 if last else 4, color="000000")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# HTML and PDF -----------------------------------------------------------------------------------


def bulletin_html(bulletin: Bulletin, *, nonce: str = "") -> str:
    """The print-friendly page: the document alone, its style inline (no other file to fetch)."""
    return render_to_string("command/bulletin_document.html", {"doc": bulletin_document(bulletin), "nonce": nonce})


def pdf_fonts_present() -> bool:
    """Are Noto CJK SC fonts installed where WeasyPrint (fontconfig) finds them?"""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    for family in PDF_FONT_FAMILIES:
        found = subprocess.run([fc_list, family], capture_output=True, text=True, timeout=20, check=False)  # noqa: S603
        if found.stdout.strip():
            return True
    return False


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    if not pdf_fonts_present():
        raise FontsMissing(
            _(
                "The PDF needs the Noto CJK fonts (Noto Serif CJK SC or Noto Sans CJK SC), and this machine has "
                "none: install them (apt-get install fonts-noto-cjk) and export again. DOCX and HTML need no fonts."
            )
        )
    from weasyprint import HTML

    return bytes(HTML(string=bulletin_html(bulletin)).write_pdf())
