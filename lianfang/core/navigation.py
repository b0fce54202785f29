"""The menus every page shows, declared by the apps, each entry shown only to who may use it.

An app declares its entries in its own `navigation.py` (found at start-up, like `audit_labels.py`):

    register(MenuItem("cases.mine", WORK, _("My work"), "cases:mine", shown=lambda v: v.writes, order=10))

`shown` looks at a Viewer (the user's roles and organisations, worked out once per page) and must
agree with the page's own permission check: a test follows every entry each demo account is shown
and requires a 200. Entries of one group are drawn as a dropdown, a group of one as a plain link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from lianfang.core.regions.models import Role
from lianfang.core.regions.scoping import Scope, scope_for
from lianfang.core.units.models import UnitProfile

STAFF_ROLES = frozenset({Role.COMMANDER, Role.DEPARTMENT_STAFF, Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER})


@dataclass(frozen=True)
class Group:
    key: str
    label: Promise
    order: int


WORK = Group("work", _("Work"), 10)
PRACTICES = Group("practices", _("Practices"), 20)
REGISTRY = Group("registry", _("Registry"), 30)
NOTICES = Group("notices", _("Notices"), 40)
COMMAND = Group("command", _("District command"), 50)
ADMINISTRATION = Group("administration", _("Administration"), 60)


class Viewer:
    """Who is looking, as the menus need it: worked out once per page from the cached scope."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.scope: Scope = scope_for(user)

    @cached_property
    def roles(self) -> frozenset[str]:
        return self.scope.roles

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def staff(self) -> bool:
        """Commander, department or subdistrict staff, or a field worker."""
        return bool(self.roles & STAFF_ROLES)

    @property
    def writes(self) -> bool:
        return self.scope.can_write

    @property
    def reads_audit(self) -> bool:
        return self.scope.can_read_audit

    @cached_property
    def unit_ids(self) -> tuple[int, ...]:
        """The organisations the user stands for as their contact."""
        return tuple(g.unit_id for g in self.scope.grants if g.role == Role.UNIT_CONTACT and g.unit_id)

    @cached_property
    def unit_kinds(self) -> frozenset[str]:
        """The kinds (enterprise, shop, school…) of those organisations: one query per page."""
        if not self.unit_ids:
            return frozenset()
        return frozenset(UnitProfile.objects.filter(unit_id__in=self.unit_ids).values_list("kind", flat=True))

    def contact_of(self, kind: str) -> bool:
        """Whether the user is the contact of an organisation of this kind."""
        return kind in self.unit_kinds


@dataclass(frozen=True)
class MenuItem:
    key: str
    group: Group
    label: Promise | str
    # A URL name, or a function of the viewer giving the URL (its own organisation's page).
    url: str | Callable[[Viewer], str | None]
    shown: Callable[[Viewer], bool]
    order: int = 100
    testid: str = ""

    def href(self, viewer: Viewer) -> str | None:
        return reverse(self.url) if isinstance(self.url, str) else self.url(viewer)


_ITEMS: dict[str, MenuItem] = {}


def register(*items: MenuItem) -> None:
    for item in items:
        known = _ITEMS.get(item.key)
        if known is not None and known != item:
            raise ValueError(f"menu item {item.key} is declared twice")
        _ITEMS[item.key] = item


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    key: str
    testid: str


@dataclass(frozen=True)
class Menu:
    label: str
    key: str
    links: tuple[Link, ...]

    @property
    def single(self) -> Link | None:
        return self.links[0] if len(self.links) == 1 else None


def menus_for(user: Any) -> list[Menu]:
    """The menus this user is shown, in group order; empty groups are left out."""
    if not getattr(user, "is_authenticated", False):
        return []
    viewer = Viewer(user)
    by_group: dict[Group, list[tuple[int, Link]]] = {}
    for item in _ITEMS.values():
        if not item.shown(viewer):
            continue
        url = item.href(viewer)
        if url is None:
            continue
        link = Link(str(item.label), url, item.key, item.testid or f"nav-{item.key.replace('.', '-')}")
        by_group.setdefault(item.group, []).append((item.order, link))
    return [
        Menu(str(group.label), group.key, tuple(link for _order, link in sorted(links, key=lambda pair: pair[0])))
        for group, links in sorted(by_group.items(), key=lambda pair: pair[0].order)
    ]


def all_items() -> list[MenuItem]:
    return list(_ITEMS.values())
