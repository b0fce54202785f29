"""Alerts on unusual access, one mechanism for every threshold: bulk reveals and unmasked exports
tell the auditors and send the account back to its second factor; bulk links tell the auditors;
a wave of lockouts from one address tells the system administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from knox.models import AuthToken

from lianfang.core.audit.models import AuditEvent
from lianfang.core.ledgers.services import ledger_export
from lianfang.core.notices.models import Notification
from lianfang.core.people.models import Person
from lianfang.core.people.services import clean_person, person_register, person_reveal
from lianfang.core.regions.models import Membership, Role
from tests.ids import resident_id
from tests.world import PASSWORD, World, sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _revealer(world: World) -> Any:
    Membership.objects.filter(user=world["jiyuan"]).update(may_reveal=True)
    user = world["jiyuan"]
    user.scope_version += 1
    user.save()
    return user


def _person(world: World, n: int = 0, actor: str = "jiyuan", region: Any = None) -> Person:
    data = clean_person(
        name=f"张{n}", document_number=resident_id(dt.date(1980, 1, 1) + dt.timedelta(days=n)), phone="13812345678"
    )
    person, _ = person_register(actor=world[actor], data=data, region=region or world.jiyuan)
    return person


def _alerts_to(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user, key__startswith="alert:"))


def test_revealing_more_than_the_limit_tells_the_auditors_once_and_asks_for_the_second_factor_again(
    world: World, settings: Any
) -> None:
    settings.LIANFANG_ALERT_REVEALS = 2
    revealer = _revealer(world)
    client = Client()
    sign_in_with_second_factor(client, revealer)
    AuthToken.objects.create(user=revealer)
    person = _person(world)
    assert client.get(f"/registry/people/{person.pk}/").status_code == 200
    for _ in range(2):
        person_reveal(actor=revealer, person=person, field="document", reason="核实身份")
    assert _alerts_to(world["auditor"]) == []  # at the limit, not past it
    person_reveal(actor=revealer, person=person, field="phone", reason="核实身份")
    [alert] = _alerts_to(world["auditor"])
    assert revealer.full_name in alert.title and "3" in alert.body
    assert alert.link.startswith("/audit/?verb=person.reveal")
    # The account passes its second factor again, and its tokens end.
    page = client.get(f"/registry/people/{person.pk}/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/otp/")
    assert client.get("/accounts/otp/").status_code == 200  # the check page itself does not loop back
    # New recovery codes (which would pass the check) are not handed out on the password alone.
    codes = client.post("/accounts/recovery-codes/", {"password": PASSWORD})
    assert codes.status_code == 302 and codes["Location"].startswith("/accounts/otp/")
    assert not AuthToken.objects.filter(user=revealer).exists()
    # The auditors are told once per window; the account is sent back at every reveal past the limit.
    person_reveal(actor=revealer, person=person, field="phone", reason="核实身份")
    assert len(_alerts_to(world["auditor"])) == 1
    assert AuditEvent.objects.filter(verb="alert.raised").count() == 1
    assert AuditEvent.objects.filter(verb="auth.second_factor_again", target_id=str(revealer.pk)).count() == 2


def test_unmasked_exports_past_the_limit_tell_the_auditors(world: World, settings: Any) -> None:
    settings.LIANFANG_ALERT_UNMASKED_EXPORTS = 1
    revealer = _revealer(world)
    _person(world)
    ledger_export(actor=revealer, kind="people", reveal=True, reason="上报区指挥部")
    assert _alerts_to(world["auditor"]) == []
    ledger_export(actor=revealer, kind="people", reveal=True, reason="上报区指挥部")
    assert len(_alerts_to(world["auditor"])) == 1


def test_registering_many_people_on_file_elsewhere_in_a_day_tells_the_auditors(world: World, settings: Any) -> None:
    settings.LIANFANG_ALERT_PENDING = 1
    other = Membership.objects.create(user=world["nobody"], role=Role.SUBDISTRICT_STAFF, region=world.zhongxin).user
    for n in range(2):
        _person(world, n)
    for n in range(2):
        data = clean_person(name=f"张{n}", document_number=resident_id(dt.date(1980, 1, 1) + dt.timedelta(days=n)))
        person_register(actor=other, data=data, region=world.zhongxin)
    assert AuditEvent.objects.filter(verb="person.pending", actor_id=other.pk).count() == 2
    [alert] = _alerts_to(world["auditor"])
    assert "nobody" in alert.title


def test_a_wave_of_lockouts_from_one_address_tells_the_system_administrators(world: World, settings: Any) -> None:
    settings.LIANFANG_ALERT_LOCKOUTS = 1
    attacker = Client()
    for username in ("commander", "market"):
        for _ in range(5):
            attacker.post("/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    assert AuditEvent.objects.filter(verb="auth.lockout", ip="10.9.9.9").count() >= 2
    [alert] = _alerts_to(world["admin"])
    assert "10.9.9.9" in alert.title
    assert _alerts_to(world["auditor"]) == []


def test_an_alert_that_cannot_be_raised_does_not_undo_the_reveal_it_watches(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import lianfang.core.notices.alerts as alerts

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("the notification table is gone")

    monkeypatch.setattr(alerts, "notify", broken)
    settings.LIANFANG_ALERT_REVEALS = 0
    revealer = _revealer(world)
    person = _person(world)
    assert person_reveal(actor=revealer, person=person, field="document", reason="核实身份")
    assert AuditEvent.objects.filter(verb="person.reveal", outcome="ok").count() == 1
    assert not AuditEvent.objects.filter(verb="alert.raised").exists()  # rolled back with the failed check
    assert "alert check failed for person.reveal" in caplog.text
