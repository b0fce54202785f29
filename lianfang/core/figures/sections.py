"""The bulletin's sections (上街信息), declared by the practices beside their figures.

Each practice that reports to the district registers one section: the unit that writes it (its
name in brackets closes the section), a headline, and a text template over its figure keys in
the seed's words (wording.py). The command app drafts a bulletin from these and holds no practice
text of its own; a practice not installed has no section, and a section none of whose figures has
anything to report in the period is left out rather than filled with zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

from .registry import registry
from .wording import placeholders


@dataclass(frozen=True)
class Section:
    """One practice's section. Its words are Chinese whatever the UI language: the bulletin is an
    official document of the district."""

    practice: str  # the practice whose figures decide whether the section appears
    unit: str  # 区市场监管局; "{region}" for a section written by each subdistrict that has the work
    headline: str  # may name "{region}" too
    text: str  # the template: prose with {name} or {name|style} for each figure
    figures: dict[str, str]  # name in the template -> figure key
    order: int  # the district's order of units in the bulletin (streets first, then bureaus)
    # One section per region directly under the district where the practice has anything to
    # report (工业路街道's three interactions, 中心路街道's knocking on doors), its figures for that
    # region; otherwise one section for the district.
    by_region: bool = False

    def __post_init__(self) -> None:
        named = {name for name, _style in placeholders(self.text)}
        if named - set(self.figures):
            raise ValueError(
                f"section {self.practice}: the text names {sorted(named - set(self.figures))} without a figure"
            )


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    if section.practice in _SECTIONS:
        raise ValueError(f"section {section.practice} is registered twice")
    _SECTIONS[section.practice] = section
    return section


def all_sections() -> list[Section]:
    """The sections whose figures are all registered, in the bulletin's order."""
    return sorted(
        (s for s in _SECTIONS.values() if all(registry.get(k) for k in s.figures.values())),
        key=lambda s: (s.order, s.practice),
    )
