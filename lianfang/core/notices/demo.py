"""Demo: the 工业路街道 task force's daily prevention notice to the subdistrict's enterprises
(some read, some acknowledged), and the district command's notices to commerce enterprises —
the older one acknowledged by 丹尼斯's contact (`dns`), today's still waiting for them."""

from __future__ import annotations

from lianfang.core.accounts.models import User
from lianfang.core.accounts.services import user_create
from lianfang.core.demo.loading import DemoContext
from lianfang.core.regions.models import Membership, Region, Role
from lianfang.core.regions.services import membership_save
from lianfang.core.units.models import Unit, UnitKind

from .models import Notice, TargetKind
from .services import notice_acknowledge, notice_read, notice_send
from .targets import clean_target

GONGYELU = "410106004000"
DAILY_TITLE = "工业路街道企业疫情防控每日要求（{day:%m月%d日}）"
DAILY_BODY = """各企业：
一、严格落实员工每日健康监测和晨午检，发现发热、干咳等症状的立即报告街道专班；
二、厂区出入口落实测温、扫码、佩戴口罩，外来人员和车辆逐一登记；
三、生产车间、食堂、宿舍等重点场所每日通风消毒，并做好记录；
四、储备不少于7天用量的口罩、消毒液等防疫物资；
五、每日17时前将当日防控落实情况报街道专班。
请各企业联系人收到后点击“确认”。"""
COMMERCE_EARLIER = (
    "商贸企业春节期间疫情防控要求",
    "各商超：春节期间客流集中，请严格落实测温、扫码、戴口罩和限流措施，每日对购物车、电梯按钮等高频接触部位消毒不少于3次。",
)
COMMERCE_TODAY = (
    "关于做好生活必需品保供稳价工作的通知",
    "各商超：请每日10时前报送米、面、油、肉、蛋、菜等生活必需品的库存和价格，确保货源充足、价格稳定，发现异常及时报告区商务局。",
)
# Of the task force's notice: how many enterprises acknowledged, and how many only read it.
ACKNOWLEDGED, ONLY_READ = 3, 2


def _contact(ctx: DemoContext, unit: Unit, username: str) -> User:
    user = User.objects.filter(username=username).first() or user_create(
        actor=ctx.actor, username=username, full_name=f"{unit.name}联系人", password=None
    )
    if not Membership.objects.filter(user=user, role=Role.UNIT_CONTACT, unit=unit).exists():
        membership_save(
            actor=ctx.actor, membership=Membership(user=user, role=Role.UNIT_CONTACT, region=unit.region, unit=unit)
        )
    return User.objects.get(pk=user.pk)  # with the scope version the membership just bumped


def load(ctx: DemoContext) -> None:
    if Notice.objects.exists():
        return
    gongye = User.objects.filter(username="gongye").first()
    zhihui = User.objects.filter(username="zhihui").first()
    dns = User.objects.filter(username="dns").first()
    if gongye is None or zhihui is None:
        return
    region = Region.objects.get(code=GONGYELU)
    enterprises = list(
        Unit.objects.filter(region__code__startswith=region.prefix, profiles__kind=UnitKind.ENTERPRISE).order_by("name")
    )
    # Enterprise contacts sign in with accounts the administrator gives them; here they only read.
    contacts = [_contact(ctx, unit, f"qy{n + 1:02d}") for n, unit in enumerate(enterprises)]
    daily = notice_send(
        actor=gongye,
        title=DAILY_TITLE.format(day=ctx.today),
        body=DAILY_BODY,
        target=clean_target(kind=TargetKind.KIND_IN_REGION, unit_kind=UnitKind.ENTERPRISE, region=region),
    )
    for n, contact in enumerate(contacts):
        if n < ACKNOWLEDGED:
            notice_acknowledge(actor=contact, notice=daily)
        elif n < ACKNOWLEDGED + ONLY_READ:
            notice_read(actor=contact, notice=daily)
    commerce = clean_target(kind=TargetKind.KIND, unit_kind=UnitKind.SUPERMARKET)
    earlier = notice_send(actor=zhihui, title=COMMERCE_EARLIER[0], body=COMMERCE_EARLIER[1], target=commerce)
    if dns is not None:
        notice_acknowledge(actor=dns, notice=earlier)
    notice_send(actor=zhihui, title=COMMERCE_TODAY[0], body=COMMERCE_TODAY[1], target=commerce)
    ctx.notes.append(
        f"Notices: {daily.title} → {daily.target_description}, "
        f"{ACKNOWLEDGED} acknowledged and {ONLY_READ} more read of {len(enterprises)}"
    )


# Unread notifications a demo account keeps: the newest; the demo's history is read, as if handled.
UNREAD_KEPT = 5


def settle(ctx: DemoContext) -> None:
    """The demo's cases and shifts told their people as they were loaded, two weeks of them at
    once: leave each account its newest few unread, the rest read."""
    from .models import Notification
    from .services import notification_mark_read

    readers = Notification.objects.filter(read_at__isnull=True).values_list("user_id", flat=True).distinct()
    for user in User.objects.filter(pk__in=list(readers)):
        unread = Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at", "-id")
        older = list(unread[UNREAD_KEPT:])
        if older:
            notification_mark_read(actor=user, notifications=older)
