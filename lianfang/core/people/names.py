"""How names sort: by pinyin, as a Chinese reader expects (李 before 王 before 张), not by code point.

The key is stored with each person and organisation (name_pinyin) so that the database sorts,
and every list, page, API answer and export keeps one order. Each character becomes its toneless
syllable followed by its tone digit (张三 → "zhang1san1"): the digit ends the syllable, so 李 (li3)
comes before 梁 (liang2), and characters of one sound keep dictionary order by tone. The key is
plain lower-case ASCII letters and digits, which every database collation orders alike.
"""

from __future__ import annotations

import functools
import unicodedata

from pypinyin import Style, lazy_pinyin

# The key is cut at this length: enough to tell apart any names that differ in their first
# thirty characters or so.
KEY_LENGTH = 255

# Surnames read differently from the same character in ordinary words (曾 is zēng as a surname,
# céng in 曾经). Only the first character of a person's name is read this way.
SURNAMES = {
    "曾": "zeng1",
    "单": "shan4",
    "解": "xie4",
    "仇": "qiu2",
    "区": "ou1",
    "朴": "piao2",
    "查": "zha1",
    "翟": "zhai2",
    "盖": "ge3",
    "缪": "miao4",
    "乐": "yue4",
    "覃": "qin2",
    "召": "shao4",
    "种": "chong2",
    "秘": "bi4",
    "繁": "po2",
    "员": "yun4",
    "薄": "bo2",
    "长": "chang2",
    "重": "chong2",
    "尉": "yu4",
}


def _other(text: str) -> str:
    """Letters and digits of what is not Chinese, lower case; punctuation and spaces dropped."""
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


@functools.lru_cache(maxsize=1 << 16)
def pinyin_key(name: str, *, surname: bool = False) -> str:
    """The sort key of a name. `surname`: read the first character as a surname (people)."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    head = ""
    if surname and text[:1] in SURNAMES:
        head, text = SURNAMES[text[:1]], text[1:]
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=_other)
    return (head + "".join(syllables))[:KEY_LENGTH]
