"""The bulletin's writes: draft an issue from the records, edit it, submit it, return it, sign it
(签发) and discard a draft. Each is atomic, permission-checked and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, acting_user, shown_name
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.edits import VersionConflict
from lianfang.core.figures.registry import FigureValue, Kind, Period, registry
from lianfang.core.figures.rollups import rollup_regions
from lianfang.core.figures.sections import Section, all_sections
from lianfang.core.figures.selectors import figure_values, figure_values_by_region
from lianfang.core.figures.wording import PLACEHOLDER, Style, written
from lianfang.core.regions.models import Region

from .flows import BULLETIN_FLOW
from .models import Bulletin, BulletinFigure, BulletinSection
from .permissions import district_scope, is_bulletin_editor
from .states import BulletinState
from .text import marker, token_errors

# The longest period an issue may cover.
MAX_DAYS = 366


def _refuse(actor: Actor, verb: str, message: str, **where: Any) -> PermissionDenied:
    audit_record_refusal(actor=actor, verb=verb, **where)
    return PermissionDenied(message)


def _day(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.setdefault(field, []).append(_("Give a date as YYYY-MM-DD."))
        return None


def district() -> Region:
    root = next((r for r in rollup_regions() if r.parent_id is None), None)
    if root is None:
        raise ValidationError({"region": [_("The jurisdiction tree is empty: load the regions first.")]})
    return root


def default_note(start: dt.date) -> str:
    return (
        f"{start.month}月{start.day}日以来，我区各单位认真贯彻落实省市区部署要求，迅速投入防疫战场，"
        "抓实抓细防控举措，筑牢一线防控网，全力保障人民群众生命安全和身体健康。现将各单位工作情况摘编如下。"
    )


@dataclass
class _Tokens:
    """The figures bound while drafting, numbered in the order they appear."""

    bulletin: Bulletin
    period: Period
    rows: list[BulletinFigure]

    def bind(self, value: FigureValue, region: Region, style: Style) -> str:
        figure = BulletinFigure(
            bulletin=self.bulletin,
            token=len(self.rows) + 1,
            key=value.figure.key,
            label=str(value.figure.label)[:200],
            period_start=self.period.start,
            period_end=self.period.end,
            region=region,
            style=style.code,
            value=value.value,
            words=written(value.value, style),
        )
        self.rows.append(figure)
        return marker(figure.words, figure.token)


def _fill(section: Section, values: Mapping[str, FigureValue], region: Region, tokens: _Tokens) -> str:
    def token(match: Any) -> str:
        style = Style(match.group(2) or "plain", int(match.group(3) or 2))
        return tokens.bind(values[section.figures[match.group(1)]], region, style)

    return PLACEHOLDER.sub(token, section.text)


def _reports(section: Section, values: Mapping[str, FigureValue]) -> bool:
    """Has the practice done anything here in the period: a value of its own figures above zero, not
    counting what merely stands (a snapshot, such as the shops on the roster)?"""
    own = [
        k
        for k in section.figures.values()
        if (f := registry.get(k)) is not None and f.practice == section.practice and f.kind != Kind.SNAPSHOT
    ]
    return any(values[k].value for k in own)


def section_values(
    period: Period, root: Region, sections: list[Section]
) -> tuple[dict[str, FigureValue], list[tuple[Region, dict[str, FigureValue]]]]:
    """The figures the sections name, at the district's scope: for the district, and for each region
    under it where a section is written per region. These are the bulletin's figure queries."""
    scope = district_scope()
    keys = sorted({k for s in sections if not s.by_region for k in s.figures.values()})
    at_district = (
        {v.figure.key: v for v in figure_values(scope=scope, period=period, region=root, keys=keys)} if keys else {}
    )
    regional_keys = sorted({k for s in sections if s.by_region for k in s.figures.values()})
    by_region: list[tuple[Region, dict[str, FigureValue]]] = []
    if regional_keys:
        regions, values = figure_values_by_region(scope=scope, period=period, region=root, keys=regional_keys)
        by_region = [(r, {k: values[k][i] for k in regional_keys}) for i, r in enumerate(regions)]
    return at_district, by_region


def _next_number(year: int) -> int:
    last = Bulletin.objects.filter(year=year).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def bulletin_draft(
    *,
    actor: Actor,
    start: Any,
    end: Any,
    issued_on: Any = None,
    title: Any = None,
    editor_note: Any = None,
) -> Bulletin:
    """A new issue for a period, numbered within its year: one section per unit that has anything
    to report, each figure a token bound to its key, period and region."""
    if not is_bulletin_editor(actor):
        raise _refuse(actor, "bulletin.draft", _("Only the bulletin office drafts the bulletin."))
    errors: dict[str, list[str]] = {}
    first, last = _day(start, "from", errors), _day(end, "to", errors)
    issued = _day(issued_on, "issued_on", errors) if issued_on else timezone.localdate()
    if first and last:
        if last < first:
            errors.setdefault("to", []).append(_("The end date comes before the start date."))
        elif (last - first).days >= MAX_DAYS:
            errors.setdefault("to", []).append(_("An issue covers at most a year."))
    if errors:
        raise ValidationError(errors)
    assert first is not None and last is not None and issued is not None
    period, root, sections = Period(first, last), district(), all_sections()
    at_district, by_region = section_values(period, root, sections)
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _draft(actor, period, root, issued, title, editor_note, sections, at_district, by_region)
        except IntegrityError:  # another draft took the number first
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _draft(
    actor: Actor,
    period: Period,
    root: Region,
    issued: dt.date,
    title: Any,
    editor_note: Any,
    sections: list[Section],
    at_district: dict[str, FigureValue],
    by_region: list[tuple[Region, dict[str, FigureValue]]],
) -> Bulletin:
    bulletin = Bulletin.objects.create(
        year=issued.year,
        number=_next_number(issued.year),
        issued_on=issued,
        period_start=period.start,
        period_end=period.end,
        region=root,
        office=settings.BULLETIN_OFFICE,
        title=str(title or settings.BULLETIN_TITLE).strip()[:200],
        editor_note=str(editor_note).strip() if editor_note else default_note(period.start),
        drafted_by=acting_user(actor),
        drafted_by_name=shown_name(actor),
    )
    tokens = _Tokens(bulletin, period, [])
    rows: list[BulletinSection] = []
    for section in sections:
        places = by_region if section.by_region else [(root, at_district)]
        for region, values in places:
            if not _reports(section, values):
                continue
            rows.append(
                BulletinSection(
                    bulletin=bulletin,
                    order=len(rows) + 1,
                    practice=section.practice,
                    unit=section.unit.replace("{region}", region.name),
                    headline=section.headline.replace("{region}", region.name),
                    text=_fill(section, values, region, tokens),
                )
            )
    BulletinFigure.objects.bulk_create(tokens.rows)
    BulletinSection.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        verb="bulletin.draft",
        target=bulletin,
        after=snapshot(bulletin),
        detail=f"{bulletin} {period.start}..{period.end}",
    )
    return bulletin


def _editable(actor: Actor, bulletin: Bulletin, verb: str) -> None:
    if not is_bulletin_editor(actor):
        raise _refuse(actor, verb, _("Only the bulletin office edits the bulletin."), target=bulletin)
    if bulletin.state != BulletinState.DRAFT:
        raise ValidationError({"__all__": [_("Only a draft may be changed; return the issue to the draft first.")]})


def bulletin_edit(
    *,
    actor: Actor,
    bulletin: Bulletin,
    version: int,
    title: Any,
    editor_note: Any,
    issued_on: Any,
    sections: Mapping[int, Mapping[str, Any]],
) -> Bulletin:
    """Save the office's edits: the title, the editor's note, the date, and each section's headline
    and text (or its removal). Figure tokens may be moved or deleted, never retyped."""
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        _editable(actor, locked, "bulletin.edit")
        if locked.version != version:
            raise VersionConflict(
                _("Someone else saved this issue since you opened it; reload it to see their changes.")
            )
        errors: dict[str, list[str]] = {}
        clean_title = " ".join(_printable(title).split())
        if not clean_title:
            errors["title"] = [_("Give the issue a title.")]
        elif len(clean_title) > 200:
            errors["title"] = [_("A title has at most 200 characters.")]
        elif token_errors(clean_title, {}):
            errors["title"] = [_("Figures belong in a section's text, not in the title.")]
        issued = _day(issued_on, "issued_on", errors)
        if issued is not None and issued.year != locked.year:
            errors["issued_on"] = [
                _("Issue %(number)s is numbered within %(year)s; its date stays in that year.")
                % {"number": locked.number, "year": locked.year}
            ]
        words = dict(locked.figures.values_list("token", "words"))
        note = _printable(editor_note).strip()
        errors_note = token_errors(note, {})
        if errors_note:
            errors["editor_note"] = errors_note
        rows = {s.pk: s for s in locked.sections.all()}
        original = _sections_of(rows.values())
        kept: list[BulletinSection] = []
        removed: list[int] = []
        for pk, row in rows.items():
            given = sections.get(pk)
            if given is None:
                kept.append(row)
                continue
            if given.get("remove"):
                removed.append(pk)
                continue
            headline = " ".join(_printable(given.get("headline")).split())
            text = _printable(given.get("text")).strip()
            where = f"section-{pk}"
            if not headline:
                errors[f"{where}-headline"] = [_("Section %(n)s: give its headline.") % {"n": row.order}]
            elif token_errors(headline, {}):
                errors[f"{where}-headline"] = [
                    _("Section %(n)s: figures belong in the text, not in the headline.") % {"n": row.order}
                ]
            if not text:
                errors[f"{where}-text"] = [
                    _("Section %(n)s: its text is empty; remove the section instead.") % {"n": row.order}
                ]
            bad = token_errors(text, words)
            if bad:
                errors[f"{where}-text"] = [_("Section %(n)s: %(error)s") % {"n": row.order, "error": e} for e in bad]
            row.headline, row.text = headline[:200], text
            kept.append(row)
        if errors:
            raise ValidationError(errors)
        before = {**snapshot(locked, ["title", "editor_note", "issued_on"]), "sections": original}
        assert issued is not None
        locked.title, locked.editor_note, locked.issued_on = clean_title, note, issued
        locked.version += 1
        locked.save()
        BulletinSection.objects.filter(pk__in=removed).delete()
        for row in kept:
            row.save(update_fields=["headline", "text"])
        user = acting_user(actor)
        if user is not None:
            locked.edited_by.add(user)
        audit_record(
            actor=actor,
            verb="bulletin.edit",
            target=locked,
            before=before,
            after={**snapshot(locked, ["title", "editor_note", "issued_on"]), "sections": _sections_of(kept)},
            detail=_("%(kept)s sections kept, %(removed)s removed") % {"kept": len(kept), "removed": len(removed)},
        )
    return locked


def _printable(value: Any) -> str:
    """The text without control characters (a pasted one breaks the Word file), new lines kept."""
    return "".join(c for c in str(value or "") if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127))


def _sections_of(rows: Any) -> dict[str, str]:
    """Each section's headline and text, for the audit row's before and after."""
    return {str(row.pk): f"{row.headline}\n{row.text}" for row in rows}


def _move(actor: Actor, bulletin: Bulletin, name: str, version: int | None, note: str = "", **inputs: Any) -> Bulletin:
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if version is not None and locked.version != version:
            raise VersionConflict(_("Someone else changed this issue since you opened it; reload it."))
        BULLETIN_FLOW.take(record=locked, name=name, actor=actor, note=note, inputs=inputs)
    return locked


def bulletin_submit(*, actor: Actor, bulletin: Bulletin, version: int | None = None) -> Bulletin:
    return _move(actor, bulletin, "submit", version)


def bulletin_return(*, actor: Actor, bulletin: Bulletin, note: Any, version: int | None = None) -> Bulletin:
    return _move(actor, bulletin, "return", version, note=str(note or ""))


def bulletin_sign(
    *, actor: Actor, bulletin: Bulletin, confirm_hand_numbers: bool = False, version: int | None = None
) -> Bulletin:
    """签发: a second person publishes the issue; it is frozen with the values it was built from."""
    return _move(actor, bulletin, "sign", version, confirm_hand_numbers=bool(confirm_hand_numbers))


def bulletin_discard(*, actor: Actor, bulletin: Bulletin, version: int | None = None) -> None:
    """Delete a draft (its number is free again only if no later issue of the year was drafted)."""
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        _editable(actor, locked, "bulletin.discard")
        if version is not None and locked.version != version:
            raise VersionConflict(_("Someone else changed this issue since you opened it; reload it."))
        audit_record(actor=actor, verb="bulletin.discard", target=locked, before=snapshot(locked))
        locked.delete()


def bulletin_exported(*, actor: Actor, bulletin: Bulletin, fmt: str) -> None:
    """An issue written out as a document (the audit log says who took which, and when)."""
    audit_record(actor=actor, verb="bulletin.export", target=bulletin, detail=fmt)


def bulletin_rows_viewed(*, actor: Actor, bulletin: Bulletin, figure: BulletinFigure) -> None:
    """Sensitive rows behind one of an issue's figures were listed (relief, people helped)."""
    audit_record(actor=actor, verb="bulletin.sensitive_rows", target=bulletin, detail=f"{figure.key} #{figure.token}")
