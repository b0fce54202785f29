"""A small world for tests: two subdistricts with communities, two departments, a user per role.

    410106000000 上街区 (district)
      410106001000 济源路街道  — 410106001001 济源路社区, 410106001002 登封路社区
      410106002000 中心路街道  — 410106002001 中心路社区

Named users (the same in every test): commander, market (department staff of 区市场监管局),
jiyuan (subdistrict staff of 济源路街道), worker (field worker in 济源路社区), auditor, admin
(system administrator), expired (济源路街道 staff whose membership ended yesterday), nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianfang.core.accounts.models import User
from lianfang.core.regions.models import Department, DepartmentKind, Membership, Region, RegionLevel, Role

PASSWORD = "a-long-test-password-2022"


@dataclass
class World:
    district: Region
    jiyuan: Region
    zhongxin: Region
    jiyuan_a: Region
    jiyuan_b: Region
    zhongxin_a: Region
    market: Department
    jiyuan_office: Department
    users: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.users[name]


def sign_in_with_second_factor(client: Client, user: User) -> TOTPDevice:
    """A session that has passed TOTP, as django-otp records it (a code cannot be reused in tests)."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def make_user(username: str, *, full_name: str = "", password: str | None = PASSWORD) -> User:
    user = User(username=username, full_name=full_name or username)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def build_world() -> World:
    district = Region.objects.create(code="410106000000", name="上街区", level=RegionLevel.DISTRICT)
    jiyuan = Region.objects.create(
        code="410106001000", name="济源路街道", level=RegionLevel.SUBDISTRICT, parent=district
    )
    zhongxin = Region.objects.create(
        code="410106002000", name="中心路街道", level=RegionLevel.SUBDISTRICT, parent=district
    )
    jiyuan_a = Region.objects.create(code="410106001001", name="济源路社区", level=RegionLevel.COMMUNITY, parent=jiyuan)
    jiyuan_b = Region.objects.create(code="410106001002", name="登封路社区", level=RegionLevel.COMMUNITY, parent=jiyuan)
    zhongxin_a = Region.objects.create(
        code="410106002001", name="中心路社区", level=RegionLevel.COMMUNITY, parent=zhongxin
    )
    market = Department.objects.create(code="scjgj", name="区市场监管局", kind=DepartmentKind.BUREAU, region=district)
    jiyuan_office = Department.objects.create(
        code="jyljd", name="济源路街道办事处", kind=DepartmentKind.SUBDISTRICT_OFFICE, region=jiyuan
    )
    today = timezone.localdate()
    specs: list[tuple[str, str, Region, Department | None, dict[str, object]]] = [
        ("commander", Role.COMMANDER, district, None, {}),
        ("market", Role.DEPARTMENT_STAFF, district, market, {}),
        ("jiyuan", Role.SUBDISTRICT_STAFF, jiyuan, None, {}),
        ("worker", Role.FIELD_WORKER, jiyuan_a, None, {}),
        ("auditor", Role.AUDITOR, district, None, {}),
        ("admin", Role.SYSADMIN, district, None, {}),
        (
            "expired",
            Role.SUBDISTRICT_STAFF,
            jiyuan,
            None,
            {"valid_from": today - dt.timedelta(days=30), "valid_until": today - dt.timedelta(days=1)},
        ),
    ]
    users: dict[str, User] = {}
    for username, role, region, department, extra in specs:
        user = make_user(username)
        Membership.objects.create(user=user, role=role, region=region, department=department, **extra)
        users[username] = user
    users["admin"].is_staff = True
    users["admin"].save(update_fields=["is_staff"])
    users["nobody"] = make_user("nobody")
    return World(district, jiyuan, zhongxin, jiyuan_a, jiyuan_b, zhongxin_a, market, jiyuan_office, users)
