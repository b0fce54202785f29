"""Notices with read receipts: target sets resolved within the sender's scope, a unit contact's
inbox, read and acknowledge (idempotent), counts in one query, reminders at most once an hour
and never twice under concurrency; the in-app notification list, delivered once per key."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ExifTags, Image

from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.files.models import StoredFile
from lianfang.core.files.services import file_store
from lianfang.core.notices.models import Notice, NoticeReceipt, Notification, TargetKind
from lianfang.core.notices.selectors import (
    notice_feed,
    notice_inbox,
    notice_list,
    receipts_not_acknowledged,
    receipts_not_read,
)
from lianfang.core.notices.services import (
    notice_acknowledge,
    notice_read,
    notice_remind,
    notice_send,
    notification_mark_read,
    notify,
)
from lianfang.core.notices.targets import Target, clean_target
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import Unit, UnitKind, UnitProfile
from tests.world import World, make_user

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def on_disk(stored: StoredFile) -> Path:
    """Where the file system storage (the default) keeps a stored file."""
    return Path(settings.MEDIA_ROOT) / stored.storage_name


class Town:
    """The organisations of the test world and the contacts that stand for them."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.plant = self.unit("济源机械厂", UnitKind.ENTERPRISE, world.jiyuan_a)
        self.quarry = self.unit("登封建材", UnitKind.ENTERPRISE, world.jiyuan_b)
        self.market = self.unit("济源超市", UnitKind.SUPERMARKET, world.jiyuan_a)
        self.zx_plant = self.unit("中心路机械厂", UnitKind.ENTERPRISE, world.zhongxin_a)
        self.dennis = self.unit("丹尼斯", UnitKind.SUPERMARKET, world.zhongxin_a)
        self.plant_contact = self.contact("plant", self.plant)
        self.quarry_contact = self.contact("quarry", self.quarry)
        self.dennis_contact = self.contact("dns", self.dennis)
        self.zhongxin = make_user("zhongxin")
        Membership.objects.create(user=self.zhongxin, role=Role.SUBDISTRICT_STAFF, region=world.zhongxin)

    @staticmethod
    def unit(name: str, kind: str, region: Any) -> Unit:
        unit = Unit.objects.create(name=name, region=region)
        UnitProfile.objects.create(unit=unit, kind=kind)
        return unit

    @staticmethod
    def contact(username: str, unit: Unit) -> User:
        user = make_user(username)
        Membership.objects.create(user=user, role=Role.UNIT_CONTACT, region=unit.region, unit=unit)
        return User.objects.get(pk=user.pk)

    def send(self, sender: str = "jiyuan", target: Target | None = None, **extra: Any) -> Notice:
        target = target or clean_target(
            kind=TargetKind.KIND_IN_REGION, unit_kind=UnitKind.ENTERPRISE, region=self.world.jiyuan
        )
        return notice_send(
            actor=self.world[sender], title="每日防控要求", body="各企业：请落实晨午检。", target=target, **extra
        )


@pytest.fixture
def town(world: World) -> Town:
    return Town(world)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def receivers(notice: Notice) -> set[str]:
    return set(notice.receipts.values_list("unit__name", flat=True))


# Target sets


@pytest.mark.django_db
def test_all_enterprises_of_a_subdistrict_get_one_receipt_each(town: Town) -> None:
    notice = town.send()
    assert receivers(notice) == {"济源机械厂", "登封建材"}
    assert notice.target_kind == TargetKind.KIND_IN_REGION and notice.target_region == town.world.jiyuan
    assert "济源路街道" in notice.target_description
    assert notice.region == town.world.jiyuan and notice.sender == town.world["jiyuan"]


@pytest.mark.django_db
def test_all_commerce_enterprises_are_those_in_the_senders_scope(town: Town) -> None:
    everywhere = town.send("commander", clean_target(kind=TargetKind.KIND, unit_kind=UnitKind.SUPERMARKET))
    assert receivers(everywhere) == {"济源超市", "丹尼斯"}
    # A subdistrict's "all enterprises" stops at its boundary.
    here = town.send("jiyuan", clean_target(kind=TargetKind.KIND, unit_kind=UnitKind.ENTERPRISE))
    assert receivers(here) == {"济源机械厂", "登封建材"}


@pytest.mark.django_db
def test_a_named_list_is_sent_to_exactly_those_organisations(town: Town) -> None:
    notice = town.send(target=clean_target(kind=TargetKind.UNITS, units=[town.plant, town.market]))
    assert receivers(notice) == {"济源机械厂", "济源超市"}
    assert sorted(notice.target_description.split("、")) == sorted(["济源机械厂", "济源超市"])


@pytest.mark.django_db
def test_an_organisation_outside_the_senders_scope_cannot_be_named(town: Town) -> None:
    with pytest.raises(ValidationError) as error:
        town.send(target=clean_target(kind=TargetKind.UNITS, units=[town.plant, town.dennis]))
    assert "target_units" in error.value.message_dict
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_a_region_outside_the_senders_scope_is_refused(town: Town) -> None:
    target = clean_target(kind=TargetKind.KIND_IN_REGION, unit_kind=UnitKind.ENTERPRISE, region=town.world.zhongxin)
    with pytest.raises(PermissionDenied):
        town.send(target=target)
    assert AuditEvent.objects.filter(verb="notice.send", outcome="denied").exists()


@pytest.mark.django_db
def test_a_target_that_matches_nobody_is_an_error_not_an_empty_notice(town: Town) -> None:
    with pytest.raises(ValidationError) as error:
        town.send(target=clean_target(kind=TargetKind.KIND, unit_kind=UnitKind.SCHOOL))
    assert CHINESE.search(error.value.message_dict["target_kind"][0])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "wrong"),
    [
        ({"kind": "everyone"}, "target_kind"),
        ({"kind": TargetKind.KIND}, "target_unit_kind"),
        ({"kind": TargetKind.KIND_IN_REGION, "unit_kind": UnitKind.ENTERPRISE}, "target_region"),
        ({"kind": TargetKind.UNITS, "units": []}, "target_units"),
        ({"kind": TargetKind.UNITS, "units": ["x"]}, "target_units"),
    ],
)
def test_an_incomplete_target_names_the_field_to_fix(fields: dict[str, Any], wrong: str) -> None:
    with pytest.raises(ValidationError) as error:
        clean_target(**fields)
    assert list(error.value.message_dict) == [wrong]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["auditor", "admin", "nobody", "dns"])
def test_roles_that_do_not_send_may_not_send(town: Town, username: str) -> None:
    user = town.dennis_contact if username == "dns" else town.world[username]
    with pytest.raises(PermissionDenied):
        notice_send(actor=user, title="x", body="y", target=clean_target(kind=TargetKind.UNITS, units=[town.dennis]))


@pytest.mark.django_db
def test_department_staff_send_from_their_department_to_the_units_they_supervise(town: Town) -> None:
    shop = town.unit("济源便利店", UnitKind.SMALL_SHOP, town.world.jiyuan_a)
    shop.profiles.update(department=town.world.market)
    notice = town.send("market", clean_target(kind=TargetKind.KIND, unit_kind=UnitKind.SMALL_SHOP))
    assert receivers(notice) == {"济源便利店"}
    assert notice.department == town.world.market and notice.region == town.world.district
    assert list(notice_list(town.world["market"])) == [notice]
    assert not notice_list(town.world["jiyuan"]).exists()


@pytest.mark.django_db
def test_sending_is_audited_and_tells_each_recipient_contact_once(town: Town) -> None:
    notice = town.send()
    event = AuditEvent.objects.get(verb="notice.send")
    assert event.target_id == str(notice.pk) and event.after["units"] == 2  # type: ignore[index]
    inbox = Notification.objects.filter(key=f"notice:{notice.pk}")
    assert set(inbox.values_list("user__username", flat=True)) == {"plant", "quarry"}
    assert inbox.first().link == f"/notices/{notice.pk}/"  # type: ignore[union-attr]


# Reading and acknowledging


@pytest.mark.django_db
def test_reading_twice_keeps_the_first_time_and_audits_once(town: Town) -> None:
    notice = town.send()
    [first] = notice_read(actor=town.plant_contact, notice=notice)
    [again] = notice_read(actor=town.plant_contact, notice=notice)
    assert first.read_at is not None and again.read_at == first.read_at and again.read_by == town.plant_contact
    assert AuditEvent.objects.filter(verb="notice.read").count() == 1


@pytest.mark.django_db
def test_acknowledging_implies_reading_and_keeps_the_first_acknowledgement(town: Town) -> None:
    notice = town.send()
    [acknowledged] = notice_acknowledge(actor=town.quarry_contact, notice=notice)
    assert acknowledged.read_at == acknowledged.acknowledged_at and acknowledged.acknowledged_by == town.quarry_contact
    [again] = notice_acknowledge(actor=town.quarry_contact, notice=notice)
    assert again.acknowledged_at == acknowledged.acknowledged_at
    assert AuditEvent.objects.filter(verb="notice.acknowledge").count() == 1


@pytest.mark.django_db
def test_a_contact_of_another_organisation_may_not_read_or_acknowledge(town: Town) -> None:
    notice = town.send()
    with pytest.raises(PermissionDenied):
        notice_acknowledge(actor=town.dennis_contact, notice=notice)
    assert not NoticeReceipt.objects.filter(acknowledged_at__isnull=False).exists()


@pytest.mark.django_db
def test_counts_and_who_has_not_read_or_acknowledged(town: Town, django_assert_num_queries: Any) -> None:
    notice = town.send()
    town.send(target=clean_target(kind=TargetKind.UNITS, units=[town.market]))
    notice_read(actor=town.plant_contact, notice=notice)
    notice_acknowledge(actor=town.quarry_contact, notice=notice)
    with django_assert_num_queries(1):
        counted = {n.pk: (n.read, n.acknowledged, n.total) for n in notice_list(town.world["jiyuan"])}  # type: ignore[attr-defined]
    assert counted[notice.pk] == (2, 1, 2) and len(counted) == 2
    assert list(receipts_not_read(notice)) == []
    assert [r.unit.name for r in receipts_not_acknowledged(notice)] == ["济源机械厂"]


# Who sees what


@pytest.mark.django_db
def test_a_unit_contact_sees_only_notices_to_their_organisation(town: Town, client: Client) -> None:
    to_plant = town.send(target=clean_target(kind=TargetKind.UNITS, units=[town.plant]))
    to_quarry = town.send(target=clean_target(kind=TargetKind.UNITS, units=[town.quarry]))
    assert [r.notice for r in notice_inbox(town.plant_contact)] == [to_plant]
    assert not notice_list(town.plant_contact).exists()
    client.force_login(town.plant_contact)
    assert client.get(f"/notices/{to_plant.pk}/").status_code == 200
    assert client.get(f"/notices/{to_quarry.pk}/").status_code == 404
    assert client.get(f"/api/v1/notices/{to_quarry.pk}/").status_code == 404
    assert [n["id"] for n in client.get("/api/v1/notices/").json()["results"]] == [to_plant.pk]
    page = client.get("/notices/").content.decode()
    assert to_plant.title in page and f"/notices/{to_quarry.pk}/" not in page


@pytest.mark.django_db
def test_one_feed_holds_what_one_follows_and_what_ones_organisation_received(town: Town, client: Client) -> None:
    # 中心路's staff member also stands for 济源机械厂: both ways lead to a notice, each box to one.
    sent = notice_send(
        actor=town.zhongxin,
        title="超市防控要求",
        body="请落实扫码。",
        target=clean_target(kind=TargetKind.UNITS, units=[town.dennis]),
    )
    received = town.send(target=clean_target(kind=TargetKind.UNITS, units=[town.plant]))
    town.send(target=clean_target(kind=TargetKind.UNITS, units=[town.quarry]))  # neither
    Membership.objects.create(user=town.zhongxin, role=Role.UNIT_CONTACT, region=town.world.jiyuan_a, unit=town.plant)
    user = User.objects.get(pk=town.zhongxin.pk)
    assert list(notice_feed(user)) == [received, sent]
    assert list(notice_feed(user, box="sent")) == [sent]
    assert list(notice_feed(user, box="received")) == [received]
    assert list(notice_feed(town.world["nobody"])) == []
    client.force_login(user)
    for box, expected in [({}, [received, sent]), ({"box": "sent"}, [sent]), ({"box": "received"}, [received])]:
        listed = client.get("/api/v1/notices/", box).json()["results"]
        assert [n["id"] for n in listed] == [n.pk for n in expected]
    [mine] = client.get("/api/v1/notices/", {"box": "received"}).json()["results"]
    assert mine["counts"] is None and [r["unit_name"] for r in mine["my_receipts"]] == ["济源机械厂"]
    assert client.get("/api/v1/notices/", {"box": "other"}).status_code == 400


@pytest.mark.django_db
def test_the_notice_list_costs_the_same_queries_for_one_notice_or_many(town: Town, client: Client) -> None:
    client.force_login(town.plant_contact)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/notices/").status_code == 200
        return len(captured)

    town.send()
    one = queries()
    for _ in range(5):
        town.send()
    assert queries() == one


@pytest.mark.django_db
def test_staff_of_another_subdistrict_see_nothing(town: Town, client: Client) -> None:
    notice = town.send()
    client.force_login(town.zhongxin)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/api/v1/notices/{notice.pk}/").status_code == 404
    assert client.post(f"/api/v1/notices/{notice.pk}/remind/").status_code == 404
    assert client.get("/api/v1/notices/").json()["results"] == []
    assert notice.title not in client.get("/notices/").content.decode()


@pytest.mark.django_db
def test_the_commander_and_the_auditor_follow_the_notice_but_the_auditor_may_not_remind(
    town: Town, client: Client
) -> None:
    notice = town.send()
    assert list(notice_list(town.world["commander"])) == [notice]
    assert list(notice_list(town.world["auditor"])) == [notice]
    with pytest.raises(PermissionDenied):
        notice_remind(actor=town.world["auditor"], notice=notice)
    assert not Notification.objects.filter(key__contains="reminder").exists()


# Reminders


@pytest.mark.django_db
def test_a_reminder_goes_to_contacts_of_organisations_that_have_not_acknowledged(town: Town) -> None:
    notice = town.send("commander", clean_target(kind=TargetKind.KIND, unit_kind=UnitKind.ENTERPRISE))
    notice_acknowledge(actor=town.plant_contact, notice=notice)
    result = notice_remind(actor=town.world["commander"], notice=notice)
    # 登封建材 has a contact; 中心路机械厂 has none and is counted so the sender knows.
    assert (result.reminded, result.too_soon, result.without_contact) == (2, 0, 1)
    reminders = Notification.objects.filter(key__contains=":reminder:")
    assert list(reminders.values_list("user__username", flat=True)) == ["quarry"]
    assert AuditEvent.objects.filter(verb="notice.remind", target_id=str(notice.pk)).count() == 1


@pytest.mark.django_db
def test_a_receipt_is_reminded_at_most_once_an_hour(town: Town) -> None:
    notice = town.send()
    first = notice_remind(actor=town.world["jiyuan"], notice=notice)
    again = notice_remind(actor=town.world["jiyuan"], notice=notice)
    assert (first.reminded, again.reminded, again.too_soon) == (2, 0, 2)
    assert Notification.objects.filter(key__contains=":reminder:").count() == 2
    notice.receipts.update(last_reminded_at=timezone.now() - dt.timedelta(minutes=61))
    later = notice_remind(actor=town.world["jiyuan"], notice=notice)
    assert later.reminded == 2 and Notification.objects.filter(key__contains=":reminder:").count() == 4
    assert set(notice.receipts.values_list("reminders", flat=True)) == {2}


def in_parallel(workers: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work` in threads that start together, each with its own database connection."""
    start = threading.Barrier(workers)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            results.append(work(n))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _file_database() -> None:
    assert connection.vendor == "postgresql" or connection.settings_dict["TEST"]["NAME"] not in ("", ":memory:")


@pytest.mark.django_db(transaction=True)
def test_two_senders_pressing_remind_at_once_remind_each_organisation_once(town: Town) -> None:
    _file_database()
    notice = town.send()
    senders = [User.objects.get(username="jiyuan"), User.objects.get(username="commander")]
    results = in_parallel(4, lambda n: notice_remind(actor=senders[n % 2], notice=notice))
    assert sum(r.reminded for r in results) == 2 and sum(r.too_soon for r in results) == 6
    assert set(notice.receipts.values_list("reminders", flat=True)) == {1}
    assert Notification.objects.filter(key__contains=":reminder:").count() == 2


class Recording:
    """A channel standing in for SMS or WeChat: records what it was asked to deliver."""

    name = "recording"
    delivered: list[tuple[int, str]] = []

    def deliver(self, notifications: Sequence[Notification]) -> None:
        Recording.delivered += [(n.user_id, n.key) for n in notifications]


@pytest.fixture
def recording(settings: Any) -> Iterator[type[Recording]]:
    from lianfang.core.notices import channels

    settings.NOTIFY_CHANNELS = ["lianfang.core.notices.channels.InAppChannel", f"{__name__}.Recording"]
    channels._load.cache_clear()
    Recording.delivered = []
    yield Recording
    channels._load.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_the_same_key_reaches_a_user_once_even_from_two_workers_at_once(
    world: World, recording: type[Recording]
) -> None:
    _file_database()
    users = [world["jiyuan"], world["worker"], world["market"]]
    counts = in_parallel(
        4, lambda n: notify(users=users, title="案件即将到期", body="", link="/cases/1/", key="case:1:due")
    )
    assert sum(counts) == 3
    assert Notification.objects.filter(key="case:1:due").count() == 3
    assert sorted(recording.delivered) == sorted((u.pk, "case:1:due") for u in users)
    assert notify(users=users, title="案件即将到期", key="case:1:due") == 0
    assert len(recording.delivered) == 3


@pytest.mark.django_db
def test_other_channels_hear_only_after_the_commit_and_not_of_a_rollback(
    world: World, recording: type[Recording], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(users=[world["jiyuan"]], title="t", key="k:1") == 1
    assert recording.delivered == [(world["jiyuan"].pk, "k:1")]


@pytest.mark.django_db
def test_notify_skips_inactive_users_and_keeps_links_on_this_site(world: World) -> None:
    world["worker"].is_active = False
    world["worker"].save()
    assert notify(users=[world["jiyuan"], world["worker"].pk], title="t", link="https://evil.example/", key="a") == 1
    assert Notification.objects.get().link == ""
    notify(users=[world["jiyuan"]], title="t", link="//evil.example/x", key="b")
    notify(users=[world["jiyuan"]], title="t", link="/notices/1/", key="c")
    assert list(Notification.objects.order_by("key").values_list("link", flat=True)) == ["", "", "/notices/1/"]


# Notification list


@pytest.mark.django_db
def test_the_notification_list_badge_and_marking_read(town: Town, client: Client) -> None:
    notice = town.send()
    client.force_login(town.plant_contact)
    home = client.get("/").content.decode()
    assert re.search(r'data-testid="unread-count">1<', home)
    page = client.get("/notifications/").content.decode()
    assert notice.title in page
    [notification] = Notification.objects.filter(user=town.plant_contact)
    opened = client.get(f"/notifications/{notification.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/notices/{notice.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    client.force_login(town.quarry_contact)
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404  # not theirs
    client.post("/notifications/read/")
    assert not Notification.objects.filter(user=town.quarry_contact, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_badge_costs_one_query(town: Town, client: Client, django_assert_num_queries: Any) -> None:
    from lianfang.core.notices.selectors import notification_unread_count

    town.send()
    with django_assert_num_queries(1):
        assert notification_unread_count(town.plant_contact) == 1


@pytest.mark.django_db
def test_the_notification_api_lists_only_ones_own_and_marks_read(town: Town, client: Client) -> None:
    town.send()
    notify(users=[town.world["jiyuan"]], title="别人的", key="other")
    client.force_login(town.plant_contact)
    listed = client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert len(listed) == 1 and "每日防控要求" in listed[0]["title"]
    other = Notification.objects.get(key="other")
    assert client.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    marked = client.post(f"/api/v1/notifications/{listed[0]['id']}/read/").json()
    assert marked["read_at"] is not None
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"] == []
    assert client.get("/api/v1/notifications/", {"unread": "maybe"}).status_code == 400
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


@pytest.mark.django_db
def test_marking_read_is_the_users_own_business(town: Town) -> None:
    notify(users=[town.world["jiyuan"], town.world["market"]], title="t", key="k")
    assert notification_mark_read(actor=town.world["jiyuan"]) == 1
    assert Notification.objects.filter(read_at__isnull=True).get().user == town.world["market"]


# Pages


def _photo_with_location() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (34.0, 48.0, 30.0)}
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "green").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.django_db
def test_a_notice_is_composed_on_the_page_with_attachments(town: Town, client: Client) -> None:
    client.force_login(town.world["jiyuan"])
    assert client.get("/notices/new/").status_code == 200
    response = client.post(
        "/notices/new/",
        {
            "title": "每日防控要求",
            "body": "各企业：请落实晨午检。",
            "target_kind": TargetKind.KIND_IN_REGION,
            "target_unit_kind": UnitKind.ENTERPRISE,
            "target_region": town.world.jiyuan.pk,
            "attachments": [
                SimpleUploadedFile("要求.pdf", PDF),
                SimpleUploadedFile("现场.jpg", _photo_with_location()),
            ],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/notices/{notice.pk}/"
    assert receivers(notice) == {"济源机械厂", "登封建材"}
    photo = notice.attachments.get(kind="jpeg")
    assert not Image.open(on_disk(photo)).getexif()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="acknowledged-count">0<' in page and "登封建材" in page


@pytest.mark.django_db
def test_errors_stand_beside_their_fields_and_nothing_is_sent(town: Town, client: Client) -> None:
    client.force_login(town.world["jiyuan"])
    page = client.post(
        "/notices/new/",
        {
            "title": "要求",
            "body": "正文",
            "target_kind": TargetKind.KIND,
            "target_unit_kind": "",
            "attachments": [SimpleUploadedFile("evil.svg", b"<svg/>")],
        },
    ).content.decode()
    assert 'data-field-error="attachments"' in page and "evil.svg" in page
    assert not Notice.objects.exists() and not StoredFile.objects.exists()
    page = client.post(
        "/notices/new/", {"title": "要求", "body": "正文", "target_kind": TargetKind.KIND, "target_unit_kind": ""}
    ).content.decode()
    assert 'data-field-error="target_unit_kind"' in page
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_a_unit_contact_may_not_open_the_compose_page(town: Town, client: Client) -> None:
    client.force_login(town.plant_contact)
    assert client.get("/notices/new/").status_code == 403


@pytest.mark.django_db
def test_opening_the_notice_reads_it_and_the_button_acknowledges_it(town: Town, client: Client) -> None:
    notice = town.send()
    client.force_login(town.plant_contact)
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert 'data-testid="acknowledge"' in page
    receipt = NoticeReceipt.objects.get(notice=notice, unit=town.plant)
    assert receipt.read_at is not None and receipt.acknowledged_at is None
    assert client.post(f"/notices/{notice.pk}/acknowledge/").status_code == 302
    receipt.refresh_from_db()
    assert receipt.acknowledged_by == town.plant_contact
    assert 'data-testid="acknowledge"' not in client.get(f"/notices/{notice.pk}/").content.decode()
    # The sender's page counts it, and remind reaches only the other.
    client.force_login(town.world["jiyuan"])
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert 'data-testid="acknowledged-count">1<' in page and 'data-testid="read-count">1<' in page
    client.post(f"/notices/{notice.pk}/remind/")
    assert list(Notification.objects.filter(key__contains=":reminder:").values_list("user__username", flat=True)) == [
        "quarry"
    ]
    listing = client.get("/notices/").content.decode()
    assert "1/2" in listing


@pytest.mark.django_db
def test_acknowledging_on_the_list_with_htmx_swaps_the_row_in_place_and_updates_the_count(
    town: Town, client: Client
) -> None:
    town.send()
    second = town.send()
    client.force_login(town.plant_contact)
    listing = client.get("/notices/").content.decode()
    rows = re.findall(r'id="receipt-(\d+)" data-testid="inbox-row"', listing)
    newest = NoticeReceipt.objects.get(notice=second, unit=town.plant)
    assert rows[0] == str(newest.pk) and len(rows) == 2
    assert listing.count('data-testid="acknowledge-row"') == 2 and 'data-count="2"' in listing
    assert f'hx-target="#receipt-{newest.pk}"' in listing  # the button swaps its own row

    answer = client.post(
        f"/notices/{second.pk}/acknowledge/", {"receipt": str(newest.pk), "next": "/notices/"}, HTTP_HX_REQUEST="true"
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<div class="list-group-item" id="receipt-{newest.pk}"')
    assert 'data-testid="acknowledge-row"' not in html and 'data-testid="row-status"' in html
    assert 'id="inbox-unacknowledged"' in html and 'hx-swap-oob="true"' in html and 'data-count="1"' in html
    newest.refresh_from_db()
    assert newest.acknowledged_by == town.plant_contact
    # The page keeps its order: the acknowledged notice stays first.
    again = client.get("/notices/").content.decode()
    assert re.findall(r'id="receipt-(\d+)" data-testid="inbox-row"', again) == rows and 'data-count="1"' in again


@pytest.mark.django_db
def test_acknowledging_on_the_list_without_htmx_returns_to_the_list(town: Town, client: Client) -> None:
    notice = town.send()
    client.force_login(town.plant_contact)
    answer = client.post(f"/notices/{notice.pk}/acknowledge/", {"next": "/notices/"})
    assert answer.status_code == 302 and answer["Location"] == "/notices/"
    assert NoticeReceipt.objects.get(notice=notice, unit=town.plant).acknowledged_at is not None
    elsewhere = client.post(f"/notices/{notice.pk}/acknowledge/", {"next": "https://example.com/"})
    assert elsewhere["Location"] == f"/notices/{notice.pk}/"


@pytest.mark.django_db
def test_an_empty_notice_list_offers_the_next_step_the_role_may_take(town: Town, client: Client) -> None:
    client.force_login(town.plant_contact)
    inbox = client.get("/notices/").content.decode()
    assert 'data-testid="empty"' in inbox and 'href="/notifications/"' in inbox
    client.force_login(town.world["jiyuan"])
    sent = client.get("/notices/").content.decode()
    assert 'data-testid="empty"' in sent and sent.count('href="/notices/new/"') == 2


@pytest.mark.django_db
def test_attachments_are_served_only_to_the_senders_side_and_the_recipients(town: Town, client: Client) -> None:
    stored = file_store(actor=town.world["jiyuan"], upload=SimpleUploadedFile("要求.pdf", PDF))
    notice = town.send(attachments=[stored])
    other = town.send(target=clean_target(kind=TargetKind.UNITS, units=[town.market]))
    url = f"/notices/{notice.pk}/files/{stored.public_id}/"
    api = f"/api/v1/notices/{notice.pk}/attachments/{stored.public_id}/"
    for who, status in [
        (town.world["jiyuan"], 200),
        (town.world["commander"], 200),
        (town.plant_contact, 200),
        (town.dennis_contact, 404),
        (town.zhongxin, 404),
        (town.world["worker"], 404),
    ]:
        client.force_login(who)
        page = client.get(url)
        assert page.status_code == status, who
        assert client.get(api).status_code == status, who
        if status == 200:
            assert b"".join(page.streaming_content) == PDF  # type: ignore[attr-defined]
            assert page["Content-Disposition"].startswith("attachment;")
            assert page["Content-Security-Policy"] == "default-src 'none'; sandbox"  # not the site's policy
    client.force_login(town.world["jiyuan"])
    # The file is not reachable through a notice it does not belong to.
    assert client.get(f"/notices/{other.pk}/files/{stored.public_id}/").status_code == 404


@pytest.mark.django_db
def test_only_files_one_uploaded_oneself_can_be_attached(town: Town) -> None:
    stored = file_store(actor=town.world["commander"], upload=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(ValidationError) as error:
        town.send(attachments=[stored])
    assert "attachments" in error.value.message_dict


# API


@pytest.mark.django_db
def test_the_api_sends_reads_acknowledges_and_reminds(town: Town, client: Client) -> None:
    client.force_login(town.world["jiyuan"])
    upload = client.post("/api/v1/files/", {"file": SimpleUploadedFile("要求.pdf", PDF)}).json()
    created = client.post(
        "/api/v1/notices/",
        {
            "title": "每日防控要求",
            "body": "请落实晨午检。",
            "target_kind": "kind_in_region",
            "target_unit_kind": "enterprise",
            "target_region": town.world.jiyuan.code,
            "attachments": [upload["id"]],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["counts"] == {"total": 2, "read": 0, "acknowledged": 0}
    assert [r["unit_name"] for r in body["receipts"]] == ["登封建材", "济源机械厂"]  # by pinyin: dēng before jǐ
    assert body["attachments"][0]["name"] == "要求.pdf"
    pk = body["id"]

    client.force_login(town.plant_contact)
    seen = client.get(f"/api/v1/notices/{pk}/").json()
    assert seen["counts"] is None and seen["receipts"] is None and seen["my_receipts"][0]["read_at"] is None
    assert client.post(f"/api/v1/notices/{pk}/read/").json()[0]["read_at"]
    assert client.post(f"/api/v1/notices/{pk}/acknowledge/").json()[0]["acknowledged_at"]
    assert client.post(f"/api/v1/notices/{pk}/remind/").status_code == 404
    assert client.post("/api/v1/notices/", {}, content_type="application/json").status_code == 403

    client.force_login(town.world["jiyuan"])
    assert client.post(f"/api/v1/notices/{pk}/acknowledge/").status_code == 404
    assert client.post(f"/api/v1/notices/{pk}/remind/").json() == {"reminded": 1, "too_soon": 0, "without_contact": 0}
    listed = client.get("/api/v1/notices/", {"box": "sent"}).json()["results"]
    assert listed[0]["counts"] == {"total": 2, "read": 1, "acknowledged": 1}


@pytest.mark.django_db
def test_the_api_refuses_a_bad_target_with_the_field_named(town: Town, client: Client) -> None:
    client.force_login(town.world["jiyuan"])
    answer = client.post(
        "/api/v1/notices/",
        {"title": "t", "body": "b", "target_kind": "units", "target_units": [town.dennis.pk]},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "target_units" in answer.json()["fields"]
    foreign = file_store(actor=town.world["commander"], upload=SimpleUploadedFile("a.pdf", PDF))
    answer = client.post(
        "/api/v1/notices/",
        {"title": "t", "body": "b", "target_kind": "units", "target_units": [town.plant.pk], "attachments": [
            str(foreign.public_id)
        ]},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 400 and "attachments" in answer.json()["fields"]
    assert not Notice.objects.exists()


# Demo


@pytest.mark.django_db
def test_the_demo_notice_to_gongyelu_enterprises_shows_its_read_and_acknowledged_counts(client: Client) -> None:
    from lianfang.core.demo.loading import load_demo

    load_demo()
    daily = Notice.objects.get(title__startswith="工业路街道企业疫情防控每日要求")
    enterprises = Unit.objects.filter(region__code__startswith="410106004", profiles__kind=UnitKind.ENTERPRISE)
    assert receivers(daily) == set(enterprises.values_list("name", flat=True)) and len(receivers(daily)) >= 5
    client.force_login(User.objects.get(username="gongye"))
    listing = client.get("/notices/").content.decode()
    total = enterprises.count()
    assert f"5/{total}" in listing and f"3/{total}" in listing  # read 5 (3 of them acknowledged)
    page = client.get(f"/notices/{daily.pk}/").content.decode()
    assert 'data-testid="acknowledged-count">3<' in page and 'data-testid="read-count">5<' in page

    dns = User.objects.get(username="dns")
    waiting = [r.notice.title for r in notice_inbox(dns) if r.acknowledged_at is None]
    assert waiting, "the demo unit contact has a notice to acknowledge"
    load_demo()  # again: nothing doubles
    assert Notice.objects.filter(title=daily.title).count() == 1
