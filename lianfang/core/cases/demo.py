"""Demo: residents' needs reported by the grid worker of 中心路街道, and rectification orders of
the market regulation bureau, in every state of their flows, one of them overdue. Each step is
taken through the services by the demo account whose work it is, so timelines read true."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lianfang.core.accounts.models import User
from lianfang.core.demo.loading import DemoContext
from lianfang.core.regions.models import Region
from lianfang.core.units.models import SHOP_KINDS, Unit

from .models import Case
from .services import case_assign, case_attach, case_report, case_transition, clean_case

# (title, description, steps taken): the steps after reporting, each by the account named.
NEEDS = [
    ("独居老人需代购降压药", "中心路社区12号楼，行动不便", []),
    ("隔离户生活垃圾清运", "3户居家隔离，每日一次", [("accept", "zhongxin")]),
    ("困难家庭需送米面油", "低保户2户", [("accept", "zhongxin"), ("start", "zhongxin")]),
    ("居家隔离人员代买蔬菜", "每两日一次", [("accept", "zhongxin"), ("start", "zhongxin"), ("finish", "zhongxin")]),
    (
        "独居老人上门核酸采样",
        "80岁以上老人3名",
        [("accept", "zhongxin"), ("start", "zhongxin"), ("finish", "zhongxin"), ("verify", "zhihui")],
    ),
]
RECTIFICATIONS = [
    ("未落实扫码测温", []),
    ("从业人员未佩戴口罩", [("accept", "shijian"), ("start", "shijian")]),
    ("未设置一米线", [("accept", "shijian"), ("start", "shijian"), ("evidence", "shijian"), ("finish", "shijian")]),
]
OUTCOMES = {
    "居家隔离人员代买蔬菜": "志愿者已代买并送达，居民签收",
    "独居老人上门核酸采样": "已上门采样3人，结果均为阴性",
    "未设置一米线": "已张贴一米线标识，复查合格",
}


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (230, 200, 40)).save(out, "JPEG")
    return SimpleUploadedFile("整改后现场.jpg", out.getvalue(), content_type="image/jpeg")


def _take(case: Case, steps: list[tuple[str, str]], users: dict[str, User]) -> Case:
    for name, who in steps:
        actor = users[who]
        if name == "evidence":
            case_attach(actor=actor, case=case, upload=_photo(), note="整改后现场照片")
            continue
        case = case_transition(
            actor=actor, case=case, name=name, version=case.version, outcome=OUTCOMES.get(case.title)
        )
    return case


def load(ctx: DemoContext) -> None:
    if Case.objects.exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=["wangge", "zhongxin", "zhihui", "shijian"])}
    if len(users) < 4:
        return
    worker_region = Region.objects.get(pk=users["wangge"].memberships.values_list("region", flat=True)[0])
    for title, description, steps in NEEDS:
        data = clean_case(kind="need", title=title, description=description, region=worker_region, today=ctx.today)
        case, _ = case_report(actor=users["wangge"], data=data)
        _take(case, steps, users)
    # One need whose deadline has passed: it shows as overdue and is escalated by the reminders.
    late = clean_case(kind="need", title="失能老人助浴服务", region=worker_region, today=ctx.today)
    case, _ = case_report(actor=users["wangge"], data=late)
    Case.objects.filter(pk=case.pk).update(deadline=ctx.today - dt.timedelta(days=2))
    case.refresh_from_db()
    case_assign(actor=users["zhongxin"], case=case, version=case.version, assignee=users["wangge"])

    shops = list(Unit.objects.filter(profiles__kind__in=SHOP_KINDS).select_related("region").distinct()[:3])
    for (title, steps), shop in zip(RECTIFICATIONS, shops, strict=False):
        data = clean_case(kind="rectification", title=title, unit=shop, today=ctx.today)
        case, _ = case_report(actor=users["shijian"], data=data)
        _take(case, steps, users)
