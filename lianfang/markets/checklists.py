"""The markets' two checklists, kept by the bureau as data (core/inspections): the epidemic
checklist of routine and acceptance inspections, and the closure check of a suspended shop.

The first time one is needed and the bureau has not written it yet, the standard one below is
saved as its version 1, kept by the bureau that supervises the shops: its staff change it on the
checklist page, and each change is a new version.
"""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.inspections.models import ChecklistVersion
from lianfang.core.inspections.services import checklist_save

from .teams import shops_department

EPIDEMIC_CHECKLIST = "markets.epidemic"
CLOSURE_CHECKLIST = "markets.closure"
CHECKLISTS = SystemActor("markets.checklists")


@dataclass(frozen=True)
class Item:
    text: str
    required: bool = True
    serious: bool = False


def standard_items(key: str) -> tuple[str, list[Item]]:
    """The standard checklist's name and items, in Chinese whatever the language of the request that
    first needs them: they are stored, and they are the bureau's own words."""
    if key == CLOSURE_CHECKLIST:
        return "停业商户停业检查表", [Item("门店保持停业，未发现营业")]
    return "“三小门店”疫情防控检查表", [
        Item("张贴场所码，进店人员扫码查验", serious=True),
        Item("进店人员测量体温"),
        Item("从业人员和顾客规范佩戴口罩"),
        Item("每日消毒并留有消毒记录"),
        Item("保持通风", required=False),
        Item("顾客信息登记"),
        Item("从业人员按要求接种疫苗、定期核酸检测", serious=True),
    ]


def current_version(key: str) -> ChecklistVersion:
    """The checklist's latest version (the standard one saved first when there is none)."""
    found = ChecklistVersion.objects.select_related("template").filter(template__key=key).order_by("-number").first()
    if found is not None:
        return found
    name, items = standard_items(key)
    return checklist_save(actor=CHECKLISTS, key=key, name=name, items=items, department=shops_department())
