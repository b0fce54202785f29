"""Demo: residents of 上街区, registered by their subdistricts (a few of them minors), and two of
工业路街道's residents registered again by 中心路's field worker, waiting for 工业路 to confirm."""

from __future__ import annotations

import datetime as dt

from lianfang.core.accounts.models import User
from lianfang.core.demo.loading import DemoContext
from lianfang.core.privacy.cipher import decrypt
from lianfang.core.regions.demo import person_name
from lianfang.core.regions.models import Region, RegionLevel
from lianfang.core.regions.selectors import default_region

from .identity import check_char
from .indexes import DOCUMENT_COLUMN
from .models import Person
from .services import clean_person, person_register

PEOPLE = 120
MINORS = 6
STREETS = ["中心路", "济源路", "新安路", "工业路", "汝南路", "淮阳路", "金华路", "登封路"]


def demo_id(born: dt.date, serial: int) -> str:
    first17 = f"410106{born:%Y%m%d}{serial:03d}"
    return first17 + check_char(first17)


def load(ctx: DemoContext) -> None:
    if Person.objects.exists():
        return
    homes = list(Region.objects.filter(level__in=[RegionLevel.COMMUNITY, RegionLevel.VILLAGE]).select_related("parent"))
    for n in range(PEOPLE):
        minor = n < MINORS
        age_days = ctx.rng.randint(3 * 365, 13 * 365) if minor else ctx.rng.randint(19 * 365, 85 * 365)
        born = ctx.today - dt.timedelta(days=age_days)
        home = ctx.rng.choice(homes)
        data = clean_person(
            name=person_name(ctx),
            document_number=demo_id(born, n),
            phone="" if minor else f"1{ctx.rng.choice('3578')}{ctx.rng.randint(0, 999999999):09d}",
            address=f"{ctx.rng.choice(STREETS)}{ctx.rng.randint(1, 200)}号",
            home_region=home,
            today=ctx.today,
        )
        assert home.parent is not None
        person_register(actor=ctx.actor, data=data, region=home.parent, source="demo")
    _registered_from_elsewhere(ctx)


def _registered_from_elsewhere(ctx: DemoContext) -> None:
    """吴网格 (wangge) registers two adults who live in 工业路街道, whom he may not see: the records
    wait for 周工业 (gongye) under 待确认登记, each beside what wangge typed."""
    worker = User.objects.filter(username="wangge").first()
    elsewhere = Region.objects.filter(name="工业路街道").first()
    if worker is None or elsewhere is None:
        return
    region = default_region(worker)
    adults = Person.objects.filter(
        home_region__code__startswith=elsewhere.prefix, birth_date__lt=ctx.today - dt.timedelta(days=20 * 365)
    )
    for person in adults.order_by("pk")[:2]:
        data = clean_person(
            name=person.name,
            document_number=decrypt(person.document_cipher, column=DOCUMENT_COLUMN),
            phone=f"139{ctx.rng.randint(0, 99999999):08d}",
            address=f"{ctx.rng.choice(STREETS)}{ctx.rng.randint(1, 200)}号（暂住）",
            today=ctx.today,
        )
        person_register(actor=worker, data=data, region=region, source="registry")
