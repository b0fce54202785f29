"""Demo: the organisations of 上街区 — the bulletin's named outlets, enterprises, shops, sites,
schools, hotels and logistics firms — each with a contact person."""

from __future__ import annotations

from lianfang.core.demo.loading import DEMO_PASSWORD, DemoContext
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Membership, Region, RegionLevel, Role
from lianfang.core.regions.services import membership_save

from .credit_code import ALPHABET, check_character
from .models import Unit, UnitKind
from .services import clean_unit, unit_register

K = UnitKind
# (name, kinds, subdistrict); the first three are named in the bulletin (区商务局).
NAMED: list[tuple[str, list[UnitKind], str]] = [
    ("丹尼斯", [K.SUPERMARKET, K.SMALL_SHOP], "中心路街道"),
    ("景文百货", [K.SUPERMARKET, K.SMALL_SHOP], "济源路街道"),
    ("宏丽来超市", [K.SUPERMARKET, K.SMALL_SHOP], "新安路街道"),
]
# The enterprises of 工业路街道, where the task force works (twenty: 17 have an instructor each).
ENTERPRISES = [
    "郑州铝业", "上街机械厂", "宏达建材", "中原耐材", "通达物流", "新材料科技", "恒丰纸业", "华信电子",
    "宏基机械", "恒通铝材", "中铝新材", "豫联电力", "华强包装", "金源食品", "长城铝业", "兴华纺织",
    "鑫源耐火", "远大铸造", "新达汽配", "东方印刷",
]  # fmt: skip
SHOP_WORDS = ["面馆", "烩面馆", "便利店", "小卖部", "豆腐坊", "馒头房", "快餐店", "水果店", "五金店", "烧饼铺"]
KIND_OF_WORD = {
    "面馆": K.SMALL_RESTAURANT, "烩面馆": K.SMALL_RESTAURANT, "快餐店": K.SMALL_RESTAURANT,
    "便利店": K.SMALL_SHOP, "小卖部": K.SMALL_SHOP, "水果店": K.SMALL_SHOP, "五金店": K.SMALL_SHOP,
    "豆腐坊": K.SMALL_WORKSHOP, "馒头房": K.SMALL_WORKSHOP, "烧饼铺": K.SMALL_WORKSHOP,
}  # fmt: skip
OTHERS: list[tuple[str, list[UnitKind]]] = [
    ("上街区实验小学", [K.SCHOOL]),
    ("上街区第一中学", [K.SCHOOL]),
    ("峡窝镇中心小学", [K.SCHOOL]),
    ("上街宾馆", [K.HOTEL]),
    ("铝城大酒店", [K.HOTEL]),
    ("中原冷链物流", [K.LOGISTICS]),
    ("金华路安置房项目", [K.CONSTRUCTION_PROJECT]),
    ("工业路厂房改造项目", [K.CONSTRUCTION_PROJECT]),
    ("新安路学校扩建项目", [K.CONSTRUCTION_PROJECT]),
]


def demo_credit_code(ctx: DemoContext) -> str:
    body = "91410106" + "".join(ctx.rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def load(ctx: DemoContext) -> None:
    if Unit.objects.exists():
        return
    subdistricts = {r.name: r for r in Region.objects.filter(level__in=[RegionLevel.SUBDISTRICT, RegionLevel.TOWN])}
    communities = list(Region.objects.filter(level__in=[RegionLevel.COMMUNITY, RegionLevel.VILLAGE]))
    contacts = list(Person.objects.filter(phone_index__gt="").order_by("id")[:60])
    units: list[tuple[str, list[UnitKind], Region]] = []
    for name, kinds, sub in NAMED:
        units.append((name, kinds, next(c for c in communities if c.parent_id == subdistricts[sub].pk)))
    for name in ENTERPRISES:
        units.append(
            (
                name,
                [K.ENTERPRISE],
                ctx.rng.choice([c for c in communities if c.parent_id == subdistricts["工业路街道"].pk]),
            )
        )
    for n in range(30):
        word = ctx.rng.choice(SHOP_WORDS)
        community = ctx.rng.choice(communities)
        units.append((f"{community.name[:2]}{word}{n + 1:02d}", [KIND_OF_WORD[word]], community))
    for name, kinds in OTHERS:
        units.append((name, kinds, ctx.rng.choice(communities)))
    for i, (name, kinds, region) in enumerate(units):
        data = clean_unit(
            name=name,
            credit_code=demo_credit_code(ctx),
            region=region,
            kinds=kinds,
            address=f"{region.name}{ctx.rng.randint(1, 99)}号",
            contact=contacts[i % len(contacts)] if contacts else None,
        )
        unit_register(actor=ctx.actor, data=data)
    _unit_contact_account(ctx)


def _unit_contact_account(ctx: DemoContext) -> None:
    from lianfang.core.accounts.models import User
    from lianfang.core.accounts.services import user_create

    dennis = Unit.objects.get(name="丹尼斯")
    user = User.objects.filter(username="dns").first() or user_create(
        actor=ctx.actor, username="dns", full_name="丹尼斯联系人", password=DEMO_PASSWORD
    )
    if not Membership.objects.filter(user=user, role=Role.UNIT_CONTACT).exists():
        membership_save(
            actor=ctx.actor, membership=Membership(user=user, role=Role.UNIT_CONTACT, region=dennis.region, unit=dennis)
        )
    ctx.account(username="dns", password=DEMO_PASSWORD, role=f"{Role.UNIT_CONTACT.label} · 丹尼斯")
