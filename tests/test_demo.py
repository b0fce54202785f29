"""The demo: loads twice without doubling, and shows each role only its own jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.demo.loading import load_demo
from lianfang.core.regions.models import Department, Membership, Region

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Region, Department, User, Membership))


def test_the_demo_builds_the_district_with_its_six_subdistricts_and_towns() -> None:
    load_demo()
    district = Region.objects.get(code="410106000000")
    assert district.name == "上街区"
    names = set(Region.objects.filter(parent=district).values_list("name", flat=True))
    assert names == {"济源路街道", "中心路街道", "新安路街道", "工业路街道", "矿山街道", "峡窝镇"}
    assert {"区委办", "区市场监管局", "区住建局", "区教育局", "区商务局", "区纪委监委", "区民政局"} <= set(
        Department.objects.values_list("name", flat=True)
    )


def test_loading_the_demo_again_changes_nothing() -> None:
    load_demo()
    before = _counts()
    load_demo()
    assert _counts() == before


def test_the_demo_writes_go_through_audited_services() -> None:
    load_demo()
    assert AuditEvent.objects.filter(verb="region.create", actor_name="system:demo").count() == Region.objects.count()


@pytest.mark.parametrize(
    ("username", "allowed", "refused"),
    [
        ("zhihui", ["410106000000", "410106002000", "410106004000"], []),
        ("zhongxin", ["410106002000", "410106002001"], ["410106000000", "410106004000"]),
        ("gongye", ["410106004000"], ["410106002000", "410106000000"]),
        ("shijian", ["410106000000"], []),
    ],
)
def test_each_demo_role_sees_only_its_own_jurisdiction(
    client: Client, username: str, allowed: list[str], refused: list[str]
) -> None:
    load_demo()
    client.force_login(User.objects.get(username=username))
    for code in allowed:
        assert client.get("/api/v1/figures/", {"region": code}).status_code == 200, code
    for code in refused:
        assert client.get("/api/v1/figures/", {"region": code}).status_code == 403, code


def test_a_field_worker_of_the_demo_counts_only_their_own_postings(client: Client) -> None:
    load_demo()
    client.force_login(User.objects.get(username="wangge"))
    body: Any = client.get("/api/v1/figures/", {"from": "2022-01-01", "to": "2022-01-14"}).json()
    assert body["region"].startswith("410106002")
    assert {f["key"]: f["value"] for f in body["figures"]}["regions.sent_down_staff"] == 0


def test_the_demos_revealer_passes_a_second_factor_and_reveals_a_number_with_a_reason(client: Client) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lianfang.core.people.indexes import DOCUMENT_COLUMN
    from lianfang.core.people.models import Person
    from lianfang.core.people.selectors import person_list
    from lianfang.core.privacy.cipher import decrypt

    load_demo()
    hecha = User.objects.get(username="hecha")
    client.force_login(hecha)
    person = person_list(hecha).filter(document_cipher__gt="").first()
    assert isinstance(person, Person)
    # No second factor yet: the page asks for it.
    assert client.get(f"/registry/people/{person.pk}/")["Location"].startswith("/accounts/otp/")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=hecha, name="demo").persistent_id
    session.save()
    number = decrypt(person.document_cipher, column=DOCUMENT_COLUMN)
    page = client.get(f"/registry/people/{person.pk}/").content.decode()
    assert 'name="reason"' in page and number not in page
    shown = client.post(f"/registry/people/{person.pk}/", {"field": "document", "reason": "流调核实身份"})
    assert number in shown.content.decode()
    assert AuditEvent.objects.filter(
        verb="person.reveal", actor_id=hecha.pk, outcome="ok", detail="document: 流调核实身份"
    ).exists()


def test_after_the_demo_each_account_keeps_only_its_newest_notifications_unread() -> None:
    from django.db.models import Count

    from lianfang.core.notices.demo import UNREAD_KEPT
    from lianfang.core.notices.models import Notification

    load_demo()
    unread = dict(
        Notification.objects.filter(read_at__isnull=True).values_list("user__username").annotate(n=Count("id"))
    )
    assert unread.get("zhongxin", 0) > 0  # the office still has new cases to hear of
    assert max(unread.values()) <= UNREAD_KEPT
    assert Notification.objects.filter(read_at__isnull=False).exists()  # the history is read
