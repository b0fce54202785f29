"""Reading bulletins: the list and one issue for its editors, the figures that have changed since an
issue was built, and the rows behind one of its figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from lianfang.core.accounts.actors import Actor
from lianfang.core.figures.registry import FigureValue, Period
from lianfang.core.figures.selectors import DrillDown, figure_drill_down, figure_values
from lianfang.core.figures.wording import Style, written

from .models import Bulletin, BulletinFigure
from .permissions import district_scope, is_bulletin_editor, sees_sensitive_rows


def bulletin_list(actor: Actor) -> QuerySet[Bulletin]:
    if not is_bulletin_editor(actor):
        return Bulletin.objects.none()
    return Bulletin.objects.select_related("signed_by", "drafted_by")


def bulletin_get(actor: Actor, pk: int) -> Bulletin | None:
    return bulletin_list(actor).prefetch_related("sections", "figures", "figures__region").filter(pk=pk).first()


@dataclass(frozen=True)
class Change:
    """A bound figure whose value the records give differently now."""

    figure: BulletinFigure
    now: FigureValue

    @property
    def words_now(self) -> str:
        return written(self.now.value, Style.parse(self.figure.style))


def figure_changes(bulletin: Bulletin) -> dict[int, Change]:
    """The issue's figures whose value has changed since it was built, by token."""
    groups: dict[tuple[Any, Any, int], list[BulletinFigure]] = defaultdict(list)
    for figure in bulletin.figures.all():
        groups[(figure.period_start, figure.period_end, figure.region_id)].append(figure)
    changes: dict[int, Change] = {}
    for (start, end, _region_id), figures in groups.items():
        region = figures[0].region
        keys = sorted({f.key for f in figures})
        now = {
            v.figure.key: v
            for v in figure_values(scope=district_scope(), period=Period(start, end), region=region, keys=keys)
        }
        for figure in figures:
            value = now.get(figure.key)
            if value is None:
                continue
            stored = figure.value
            current = None if value.value is None else Decimal(value.value)
            if stored != current:
                changes[figure.token] = Change(figure, value)
    return changes


@dataclass(frozen=True)
class FigureRows:
    """The rows behind one of an issue's figures, for an editor (sensitive rows only counted)."""

    figure: BulletinFigure
    drill: DrillDown
    listed: bool  # False: the rows are sensitive and the editor has no grant to see them
    sensitive: bool = False


def bulletin_figure_rows(actor: Actor, bulletin: Bulletin, token: int) -> FigureRows | None:
    figure = next((f for f in bulletin.figures.all() if f.token == token), None)
    if figure is None:
        return None
    period = Period(figure.period_start, figure.period_end)
    drill = figure_drill_down(scope=district_scope(), key=figure.key, period=period, region=figure.region)
    if drill is None:
        return None
    sensitive = drill.figure.sensitive or getattr(drill.rows.model, "scope_sensitive", False)
    return FigureRows(
        figure, drill, listed=not sensitive or sees_sensitive_rows(actor, figure.region), sensitive=sensitive
    )
