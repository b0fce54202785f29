"""Demo: residents of 上街区, registered by their subdistricts (a few of them minors)."""

from __future__ import annotations

import datetime as dt

from lianfang.core.demo.loading import DemoContext
from lianfang.core.regions.demo import person_name
from lianfang.core.regions.models import Region, RegionLevel

from .identity import check_char
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
