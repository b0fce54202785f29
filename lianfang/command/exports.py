"""One issue in one of its formats: what the page's downloads and `lianfang bulletin export` share."""

from __future__ import annotations

from .documents import bulletin_docx, bulletin_html, bulletin_pdf
from .models import Bulletin

FORMATS = ("docx", "pdf", "html")


def export(bulletin: Bulletin, fmt: str) -> bytes:
    """The issue as DOCX, PDF or a standalone HTML page (FontsMissing for a PDF without the fonts)."""
    if fmt == "docx":
        return bulletin_docx(bulletin)
    if fmt == "pdf":
        return bulletin_pdf(bulletin)
    if fmt == "html":
        return bulletin_html(bulletin).encode()
    raise ValueError(f"unknown format {fmt!r}")
