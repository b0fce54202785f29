"""Demo: the national holidays and 调休 working days of 2021–2023 (as the State Council announced
them), the school terms of those years in 上街区, and the epidemic period of the seed: declared
on 4 January 2022, at level II, ended on 31 January."""

from __future__ import annotations

import datetime as dt

from lianfang.core.demo.loading import DemoContext

from .models import CalendarDay, DayKind, EpidemicLevel, EpidemicPeriod, SchoolTerm
from .services import calendar_day_save, epidemic_declare, school_term_save

D = dt.date

# (first day off, last day off, name, [调休 working days])
HOLIDAYS: list[tuple[dt.date, dt.date, str, list[dt.date]]] = [
    (D(2021, 1, 1), D(2021, 1, 3), "元旦", []),
    (D(2021, 2, 11), D(2021, 2, 17), "春节", [D(2021, 2, 7), D(2021, 2, 20)]),
    (D(2021, 4, 3), D(2021, 4, 5), "清明节", []),
    (D(2021, 5, 1), D(2021, 5, 5), "劳动节", [D(2021, 4, 25), D(2021, 5, 8)]),
    (D(2021, 6, 12), D(2021, 6, 14), "端午节", []),
    (D(2021, 9, 19), D(2021, 9, 21), "中秋节", [D(2021, 9, 18)]),
    (D(2021, 10, 1), D(2021, 10, 7), "国庆节", [D(2021, 9, 26), D(2021, 10, 9)]),
    (D(2022, 1, 1), D(2022, 1, 3), "元旦", []),
    (D(2022, 1, 31), D(2022, 2, 6), "春节", [D(2022, 1, 29), D(2022, 1, 30)]),
    (D(2022, 4, 3), D(2022, 4, 5), "清明节", [D(2022, 4, 2)]),
    (D(2022, 4, 30), D(2022, 5, 4), "劳动节", [D(2022, 4, 24), D(2022, 5, 7)]),
    (D(2022, 6, 3), D(2022, 6, 5), "端午节", []),
    (D(2022, 9, 10), D(2022, 9, 12), "中秋节", []),
    (D(2022, 10, 1), D(2022, 10, 7), "国庆节", [D(2022, 10, 8), D(2022, 10, 9)]),
    (D(2022, 12, 31), D(2023, 1, 2), "元旦", []),
    (D(2023, 1, 21), D(2023, 1, 27), "春节", [D(2023, 1, 28), D(2023, 1, 29)]),
    (D(2023, 4, 5), D(2023, 4, 5), "清明节", []),
    (D(2023, 4, 29), D(2023, 5, 3), "劳动节", [D(2023, 4, 23), D(2023, 5, 6)]),
    (D(2023, 6, 22), D(2023, 6, 24), "端午节", [D(2023, 6, 25)]),
    (D(2023, 9, 29), D(2023, 10, 6), "中秋节、国庆节", [D(2023, 10, 7), D(2023, 10, 8)]),
]

TERMS = [
    ("2020—2021学年第二学期", D(2021, 3, 1), D(2021, 7, 9)),
    ("2021—2022学年第一学期", D(2021, 9, 1), D(2022, 1, 21)),
    ("2021—2022学年第二学期", D(2022, 2, 14), D(2022, 7, 8)),
    ("2022—2023学年第一学期", D(2022, 9, 1), D(2023, 1, 13)),
    ("2022—2023学年第二学期", D(2023, 2, 13), D(2023, 7, 7)),
    ("2023—2024学年第一学期", D(2023, 9, 1), D(2024, 1, 19)),
]

SEED_EPIDEMIC = (D(2022, 1, 4), D(2022, 1, 31), EpidemicLevel.LEVEL_2, "郑州市新一轮疫情，全区进入疫情防控应急状态")


def load(ctx: DemoContext) -> None:
    if not CalendarDay.objects.exists():
        for first, last, name, working in HOLIDAYS:
            day = first
            while day <= last:
                calendar_day_save(actor=ctx.actor, day=day, kind=DayKind.DAY_OFF, name=name)
                day += dt.timedelta(days=1)
            for worked in working:
                calendar_day_save(actor=ctx.actor, day=worked, kind=DayKind.WORKING_DAY, name=f"{name}调休")
    if not SchoolTerm.objects.exists():
        for name, first, last in TERMS:
            school_term_save(actor=ctx.actor, name=name, starts_on=first, ends_on=last)
    if not EpidemicPeriod.objects.exists():
        first, last, level, note = SEED_EPIDEMIC
        epidemic_declare(actor=ctx.actor, starts_on=first, ends_on=last, level=level, note=note)
    ctx.notes.append(
        f"Calendar: {CalendarDay.objects.count()} holidays and 调休 days of 2021–2023, "
        f"{SchoolTerm.objects.count()} school terms, the seed's epidemic period from {SEED_EPIDEMIC[0]}"
    )
