"""责令停业整改通知书 as the documents officials print and forward: an A4 Word file (python-docx,
Chinese fonts named through w:eastAsia) and a PDF (WeasyPrint with Noto Serif CJK SC), both made
from one set of paragraphs so that they cannot say different things.

The notice holds its 文号; the shop (name, credit code, address, operator); the facts (the failed
items, with their photos) and the legal basis (a setting); the rectification requirements and the
deadline; the rights to 复核, to 行政复议 within 60 days and to 行政诉讼 within 6 months; the issuing
authority and the date; and its service (送达): the signature image, or the refusal and the witness.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from lianfang.core.files.models import StoredFile
from lianfang.core.files.services import file_read
from lianfang.core.official_documents import east_asian_font, official_document

from .models import Service, SuspensionNotice
from .selectors import answers_of

TITLE = "责令停业整改通知书"


def _chinese_date(day: object) -> str:
    return f"{day.year}年{day.month}月{day.day}日"  # type: ignore[attr-defined]


@dataclass
class Photo:
    caption: str
    data: bytes
    content_type: str


@dataclass
class NoticeText:
    """The notice's words, paragraph by paragraph (the official text is Chinese whatever the UI
    language: it is a legal document of a Chinese authority)."""

    code: str
    addressee: str
    shop_lines: list[str]
    facts: list[str]
    photos: list[Photo] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    authority: str = ""
    date: str = ""
    service: list[str] = field(default_factory=list)
    signature: bytes | None = None
    signature_type: str = "image/png"


def _read(stored: StoredFile) -> bytes:
    return file_read(stored)


def notice_text(notice: SuspensionNotice) -> NoticeText:
    row = notice.inspection
    shop = row.shop
    unit = shop.unit
    failed = [a for a in answers_of(row) if not a.passed]
    photos = [
        Photo(f"第{a.item.position}项 {a.item.text}", _read(a.photo), a.photo.content_type)
        for a in failed
        if a.photo is not None and a.photo.content_type.startswith("image/")
    ]
    inspected = timezone.localtime(row.inspection.inspected_at)
    text = NoticeText(
        code=notice.code,
        addressee=f"{unit.name}：",
        shop_lines=[
            f"名称：{unit.name}",
            f"统一社会信用代码：{unit.credit_code or '—'}",
            f"地址：{unit.address or '—'}",
            f"经营者：{shop.operator or '—'}",
        ],
        facts=[
            f"{inspected.year}年{inspected.month}月{inspected.day}日{inspected:%H:%M}，本局执法人员对你单位进行疫情防控检查，发现以下问题："
        ]
        + [f"{n}. {a.item.text}{('（' + a.note + '）') if a.note else ''}" for n, a in enumerate(failed, 1)],
        photos=photos,
        authority=settings.MARKETS_AUTHORITY,
        date=_chinese_date(notice.issued_on),
    )
    text.body = [
        f"上述行为违反了疫情防控有关规定。依据{settings.MARKETS_LEGAL_BASIS}之规定，现责令你单位自即日起停业整改。",
        f"整改要求：{notice.requirements}",
        f"整改期限：{_chinese_date(notice.deadline)}前整改完毕，并申请验收；经本局验收合格后方可恢复营业。",
        "如对本通知不服，可在收到本通知之日起向本局申请复核；也可以在收到本通知之日起六十日内依法申请行政复议，"
        "或者在六个月内依法向人民法院提起行政诉讼。",
    ]
    if notice.served == Service.SIGNED:
        served_at = timezone.localtime(notice.served_at) if notice.served_at else None
        text.service = [f"送达：经营者已签收（{_chinese_date(served_at) if served_at else ''}）。"]
        if notice.signature is not None:
            text.signature, text.signature_type = _read(notice.signature), notice.signature.content_type
    elif notice.served == Service.REFUSED:
        text.service = [f"送达：当事人拒绝签收，见证人：{notice.witness}。"]
    else:
        text.service = ["送达：当事人签收：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿"]
    return text


def notice_docx(notice: SuspensionNotice) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    text = notice_text(notice)
    doc = official_document()

    def para(words: str, *, size: int = 16, bold: bool = False, align: Any = None, font: str = "") -> None:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = Pt(28)
        if align is not None:
            p.alignment = align
        run = p.add_run(words)
        run.font.size, run.bold = Pt(size), bold
        if font:
            east_asian_font(run, font)

    para(settings.MARKETS_AUTHORITY, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, font="方正小标宋简体")
    para(TITLE, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, font="方正小标宋简体")
    para(text.code, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(text.addressee)
    for line in [*text.shop_lines, *text.facts]:
        para(line)
    for photo in text.photos:
        para(photo.caption, size=12)
        try:
            doc.add_picture(io.BytesIO(photo.data), width=Mm(80))
        except Exception:  # a photo python-docx cannot read is named, not embedded
            para("（照片格式无法嵌入，见系统记录）", size=12)
    for line in text.body:
        para(line)
    para(text.authority, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(text.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for line in text.service:
        para(line)
    if text.signature is not None:
        try:
            doc.add_picture(io.BytesIO(text.signature), width=Mm(50))
        except Exception:  # the same for a signature
            para("（签名图片见系统记录）", size=12)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _data_uri(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def notice_pdf(notice: SuspensionNotice) -> bytes:
    from weasyprint import HTML

    text = notice_text(notice)
    html = render_to_string(
        "markets/notice_pdf.html",
        {
            "title": TITLE,
            "text": text,
            "photos": [(p.caption, _data_uri(p.data, p.content_type)) for p in text.photos],
            "signature": _data_uri(text.signature, text.signature_type) if text.signature else "",
        },
    )
    return bytes(HTML(string=html).write_pdf())
