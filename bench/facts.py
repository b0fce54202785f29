"""The fact rows the command benchmarks read: a year and a half of daily shop inspections
(每日最少过一遍: each of the demo's 2,022 shops inspected once a day for the 500 days up to
yesterday, 1,011,000 inspections with their core inspection rows and each team's round of the
day, beside the demo's own), made with a fixed
seed in bulk (no services: a benchmark's data, not a history), then the last 45 days rolled up as
the periodic task would. Run once per bench server; a second call finds the rows and returns."""

FACT_DAYS = 500
ROLLED_DAYS = 45
SETUP_SCRIPT = f"""
import datetime as dt
import random
from django.db import transaction
from django.utils import timezone
from lianfang.core.figures.rollups import roll_up
from lianfang.core.inspections.models import Inspection
from lianfang.markets.checklists import EPIDEMIC_CHECKLIST, current_version
from lianfang.markets.models import Round, Shop, ShopInspection
from lianfang.markets.teams import TeamMap

today = timezone.localdate()
first = today - dt.timedelta(days={FACT_DAYS})  # up to yesterday, beside the demo's own recent rounds
if not ShopInspection.objects.filter(day=first).exists():
    rng = random.Random(20220114)
    version = current_version(EPIDEMIC_CHECKLIST)
    shops = list(Shop.objects.select_related("unit__region").order_by("pk"))
    team_map = TeamMap()
    teams = {{shop.pk: team_map.teams.get(team_map.of(shop.team_id, shop.unit.region.code) or 0) for shop in shops}}
    for n in range({FACT_DAYS}):
        day = first + dt.timedelta(days=n)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
        with transaction.atomic():
            rounds = {{}}
            for team in {{t for t in teams.values() if t is not None}}:
                rounds[team.pk], _new = Round.objects.get_or_create(
                    team=team, day=day, defaults={{"size": rng.randint(2, 4)}}
                )
            outcomes = [rng.choices(("red", "black", "suspension"), (990, 8, 2))[0] for _shop in shops]
            inspections = Inspection.objects.bulk_create(
                [
                    Inspection(version=version, unit=shop.unit, region=shop.unit.region, kind="routine",
                               outcome=outcome, inspected_at=at)
                    for shop, outcome in zip(shops, outcomes)
                ],
                batch_size=2000,
            )
            ShopInspection.objects.bulk_create(
                [
                    ShopInspection(inspection=i, shop=shop, round=rounds[teams[shop.pk].pk], day=day, kind="routine",
                                   outcome=outcome, decided=outcome)
                    for i, shop, outcome in zip(inspections, shops, outcomes)
                    if teams[shop.pk] is not None
                ],
                batch_size=2000,
            )
roll_up([today - dt.timedelta(days=d) for d in range(1, {ROLLED_DAYS} + 1)])
print(ShopInspection.objects.count(), Shop.objects.count())
"""
