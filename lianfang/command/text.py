"""A bulletin's text with its figure tokens.

In a section's stored and edited text a figure is a token ⟦760#3⟧: its words (as the bulletin
writes the value) and the number of the BulletinFigure it is bound to. An editor may move a token
or delete it, not retype it: a token whose words differ from its figure's, or that names no figure
of the issue, is refused on saving. A number typed by hand outside a token is allowed while drafting
and flagged at publication (dates, issue numbers and ordinals are not counted: 1月14日, 2022年, 第2期).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

OPEN, CLOSE = "⟦", "⟧"
TOKEN = re.compile(r"⟦([^⟦⟧#]*)#(\d+)⟧")
# Arabic digits (half or full width), with decimals; not those of a date, an issue or an ordinal.
NUMBER = re.compile(r"(?<![第0-9０-９.．])([0-9０-９]+(?:[.．][0-9０-９]+)?)(?![0-9０-９]*[年月日时号期])")


def marker(words: str, token: int) -> str:
    return f"{OPEN}{words}#{token}{CLOSE}"


@dataclass(frozen=True)
class Piece:
    text: str
    token: int | None = None  # a token's number; its text is the words it shows


def pieces(text: str) -> list[Piece]:
    out: list[Piece] = []
    at = 0
    for m in TOKEN.finditer(text):
        if m.start() > at:
            out.append(Piece(text[at : m.start()]))
        out.append(Piece(m.group(1), int(m.group(2))))
        at = m.end()
    if at < len(text):
        out.append(Piece(text[at:]))
    return out


def token_errors(text: str, words_of: dict[int, str]) -> list[str]:
    """Why this text may not be saved: a token retyped, unknown, or broken (its brackets)."""
    errors = []
    for piece in pieces(text):
        if piece.token is None:
            if OPEN in piece.text or CLOSE in piece.text:
                errors.append(
                    _("A figure token is broken: keep ⟦ and ⟧ with what lies between them, or delete it whole.")
                )
            continue
        if piece.token not in words_of:
            errors.append(_("Figure token #%(token)s is not one of this issue's figures.") % {"token": piece.token})
        elif words_of[piece.token] != piece.text:
            errors.append(
                _(
                    "Figure #%(token)s reads “%(words)s”; it was retyped as “%(typed)s”. "
                    "Move or delete a figure, do not retype it."
                )
                % {"token": piece.token, "words": words_of[piece.token], "typed": piece.text}
            )
    return list(dict.fromkeys(errors))


def hand_numbers(text: str) -> list[str]:
    """The numbers typed by hand outside the tokens, each with a few characters around it."""
    found = []
    for piece in pieces(text):
        if piece.token is not None:
            continue
        for m in NUMBER.finditer(piece.text):
            found.append(piece.text[max(0, m.start() - 6) : m.end() + 6].strip())
    return found


def plain(text: str) -> str:
    """The text as printed: each token is its words."""
    return "".join(p.text for p in pieces(text))


def linked(text: str, link: Callable[[int], str | None], changed: set[int] | None = None) -> SafeString:
    """The text as a page shows it: each figure a link to the rows behind it (marked when changed
    since)."""
    out = []
    for p in pieces(text):
        if p.token is None:
            out.append(escape(p.text))
            continue
        href = link(p.token)
        mark = " figure-changed" if changed and p.token in changed else ""
        if href:
            out.append(
                format_html(
                    '<a class="bulletin-figure{}" href="{}" data-token="{}">{}</a>', mark, href, p.token, p.text
                )
            )
        else:
            out.append(format_html('<span class="bulletin-figure{}" data-token="{}">{}</span>', mark, p.token, p.text))
    return mark_safe("".join(str(o) for o in out))  # noqa: S308 (each piece is escaped above)
