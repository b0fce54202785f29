"""Figures written as the bulletin writes them: 760, 517, 160余 (about, rounded down), 1.8万.

A section's text template names its figures in braces, each with an optional style:

    共出动执法人员{人次}人次 … 共组织{下沉|approx}名下沉人员 … 确保全区{学生|wan}名学生 …

- plain: the number as it is (517, 0.34, 100 for a rate in percent);
- approx: rounded down to two significant digits, with 余 when anything was dropped (163 → 160余,
  3012 → 3000余); approx:1 keeps one digit (110 → 100余); a number below 100 stays exact;
- wan: in units of 10,000 with one decimal when it reaches 10,000 (18000 → 1.8万, 12132 → 1.2万).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

STYLES = ("plain", "approx", "wan")
PLACEHOLDER = re.compile(r"\{([^{}|:]+)(?:\|([a-z]+)(?::(\d))?)?\}")


@dataclass(frozen=True)
class Style:
    name: str = "plain"
    digits: int = 2

    def __post_init__(self) -> None:
        if self.name not in STYLES:
            raise ValueError(f"unknown figure style {self.name!r} (known: {', '.join(STYLES)})")

    @property
    def code(self) -> str:
        if self.name == "approx" and self.digits != 2:
            return f"approx:{self.digits}"
        return self.name

    @classmethod
    def parse(cls, code: str) -> Style:
        name, _sep, digits = code.partition(":")
        return cls(name or "plain", int(digits) if digits else 2)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def written(value: int | Decimal | None, style: Style) -> str:
    """The value as the bulletin writes it; an unknown value is a dash, never a made-up number."""
    if value is None:
        return "—"
    number = Decimal(value)
    if style.name == "approx" and number >= 100:
        whole = int(number)
        step = 10 ** max(len(str(whole)) - style.digits, 0)
        floor = whole // step * step
        return f"{floor}余" if floor != number else str(floor)
    if style.name == "wan" and number >= 10000:
        return f"{_plain((number / 10000).quantize(Decimal('0.1'), rounding=ROUND_DOWN))}万"
    return _plain(number)


def placeholders(template: str) -> list[tuple[str, Style]]:
    """The figures a template names, in order, each with its style."""
    return [(m.group(1), Style(m.group(2) or "plain", int(m.group(3) or 2))) for m in PLACEHOLDER.finditer(template)]
