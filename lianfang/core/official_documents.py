"""The page of an official document in Word (GB/T 9704-2012), which the practices' documents share
(the markets' 责令停业整改通知书, the bulletin 上街信息): A4, top margin 37 mm, binding margin 28 mm,
right 26 mm, bottom 35 mm, and a body of 3号 (16 pt) 仿宋_GB2312. East-Asian font names are set in
the XML (w:rFonts/@w:eastAsia), where Word and WPS read them."""

from __future__ import annotations

from typing import Any

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"


def east_asian_font(run_or_style: Any, font: str) -> None:
    """Name the east-Asian font of a run or a style."""
    from docx.oxml.ns import qn

    run_or_style._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def official_document() -> Any:
    """A new python-docx Document on the official page, its Normal style the official body."""
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(16)
    east_asian_font(normal, BODY_FONT)
    return doc
