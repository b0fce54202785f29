"""The demo's bulletin office: 区委办's editor and the second person who signs (签发), the daily
roll-ups of the demo's days, and issue 1 of 2022, published, so that drafting 1 January to
14 January 2022 (dated the 14th) makes issue 2, as the seed is."""

from __future__ import annotations

import datetime as dt

from lianfang.core.accounts.models import User
from lianfang.core.accounts.services import user_create
from lianfang.core.demo.loading import DEMO_PASSWORD, SEED_END, SEED_START, DemoContext
from lianfang.core.figures.rollups import roll_up
from lianfang.core.regions.models import Department, Membership, Region, Role
from lianfang.core.regions.services import membership_save

from .models import Bulletin
from .services import bulletin_draft, bulletin_sign, bulletin_submit

ACCOUNTS = (("quweiban", "林编辑", "editor"), ("qianfa", "韩主任", "signer"))
FIRST_ISSUE = (SEED_START, dt.date(2022, 1, 7))


def _account(ctx: DemoContext, username: str, full_name: str, district: Region, office: Department) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=ctx.actor, username=username, full_name=full_name, password=DEMO_PASSWORD)
    if not Membership.objects.filter(user=user, role=Role.DEPARTMENT_STAFF, department=office).exists():
        membership_save(
            actor=ctx.actor,
            membership=Membership(user=user, role=Role.DEPARTMENT_STAFF, region=district, department=office),
        )
    return user


def load(ctx: DemoContext) -> None:
    district = Region.objects.filter(parent__isnull=True).order_by("code").first()
    office = Department.objects.filter(code="qwb").first()
    if district is None or office is None:
        return
    users = {}
    for username, full_name, part in ACCOUNTS:
        users[part] = _account(ctx, username, full_name, district, office)
        what = "简报编辑：起草、修改、送签" if part == "editor" else "简报签发人：第二人签发"
        ctx.account(username=username, password=DEMO_PASSWORD, role=f"区委办 · {what}")
    seed = [SEED_START - dt.timedelta(days=7) + dt.timedelta(days=n) for n in range(45)]
    recent = [ctx.today - dt.timedelta(days=n) for n in range(1, 32)]
    rolled = roll_up([*seed, *recent])
    if not Bulletin.objects.filter(year=2022, number=1).exists():
        issue = bulletin_draft(
            actor=users["editor"], start=FIRST_ISSUE[0], end=FIRST_ISSUE[1], issued_on=FIRST_ISSUE[1]
        )
        bulletin_submit(actor=users["editor"], bulletin=issue)
        bulletin_sign(actor=users["signer"], bulletin=issue, confirm_hand_numbers=True)
    ctx.notes.append(
        f"Command: {rolled} days rolled up; 上街信息 2022年第1期 ({FIRST_ISSUE[0]}..{FIRST_ISSUE[1]}) published; "
        f"`lianfang bulletin draft --from {SEED_START} --to {SEED_END} --date {SEED_END}` drafts issue 2"
    )
