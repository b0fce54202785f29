"""A notice's target set: all organisations of a kind in a region, all of a kind in the sender's
jurisdiction, or a named list — resolved, when the notice is sent, to the organisations the
sender may see (units outside the sender's scope are never targeted)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope
from lianfang.core.units.models import Unit, UnitKind

from .models import TargetKind

# A named list longer than this is better sent as "all of a kind".
MAX_NAMED_UNITS = 500


@dataclass(frozen=True)
class Target:
    kind: str  # a TargetKind value
    unit_kind: str = ""
    region: Region | None = None
    unit_ids: tuple[int, ...] = ()


def clean_target(*, kind: Any, unit_kind: Any = "", region: Region | None = None, units: Iterable[Any] = ()) -> Target:
    """Check the choice as a whole; the ValidationError names the target_* field that is wrong."""
    kind = str(kind or "")
    if kind not in TargetKind.values:
        raise ValidationError({"target_kind": [_("Choose who receives the notice.")]})
    errors: dict[str, list[str]] = {}
    clean_kind = str(unit_kind or "")
    if kind in (TargetKind.KIND, TargetKind.KIND_IN_REGION) and clean_kind not in UnitKind.values:
        errors["target_unit_kind"] = [_("Choose a kind of organisation.")]
    if kind == TargetKind.KIND_IN_REGION and region is None:
        errors["target_region"] = [_("Choose a region.")]
    unit_ids: tuple[int, ...] = ()
    if kind == TargetKind.UNITS:
        try:
            unit_ids = tuple(sorted({int(u.pk if isinstance(u, Unit) else u) for u in units}))
        except (TypeError, ValueError):
            errors["target_units"] = [_("Choose organisations from the list.")]
        else:
            if not unit_ids:
                errors["target_units"] = [_("Choose at least one organisation.")]
            elif len(unit_ids) > MAX_NAMED_UNITS:
                errors["target_units"] = [
                    _("At most %(n)d organisations can be named; send to a kind instead.") % {"n": MAX_NAMED_UNITS}
                ]
    if errors:
        raise ValidationError(errors)
    return Target(
        kind=kind,
        unit_kind=clean_kind if kind != TargetKind.UNITS else "",
        region=region if kind == TargetKind.KIND_IN_REGION else None,
        unit_ids=unit_ids,
    )


def target_units(target: Target, scope: Scope) -> QuerySet[Unit]:
    """The organisations the target set means, among those the sender's scope reaches."""
    units = scope.filter(Unit.objects.all())
    if target.kind == TargetKind.UNITS:
        return units.filter(pk__in=target.unit_ids)
    units = units.filter(profiles__kind=target.unit_kind)
    if target.kind == TargetKind.KIND_IN_REGION and target.region is not None:
        units = units.filter(region__code__startswith=target.region.prefix)
    return units


def describe(target: Target, *, sender_region: Region, names: list[str]) -> str:
    """How the target set reads on the notice, e.g. "工业路街道 · 企业" (kept as sent)."""
    if target.kind == TargetKind.UNITS:
        shown = "、".join(names[:3])
        if len(names) > 3:
            return _("%(names)s and %(n)d more") % {"names": shown, "n": len(names) - 3}
        return shown
    region = target.region if target.kind == TargetKind.KIND_IN_REGION and target.region else sender_region
    return _("All %(kind)s in %(region)s") % {"kind": UnitKind(target.unit_kind).label, "region": region.name}
