"""The audit log: every service write, refusals that survive rollback, and a tamper-evident chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from lianfang.core.audit.append_only import sqlite_triggers_create, sqlite_triggers_drop
from lianfang.core.audit.context import audit_context
from lianfang.core.audit.labels import action_label
from lianfang.core.audit.models import AuditEvent, AuditSeal
from lianfang.core.audit.services import audit_record, audit_record_refusal, audit_seal_pending, audit_verify
from lianfang.core.regions.models import Region
from lianfang.core.regions.services import region_save
from tests.world import World, sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list[Any] | None = None) -> None:
    """Tamper as someone with direct database access would, past the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
        else:
            sqlite_triggers_drop(cursor)
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")
        else:
            sqlite_triggers_create(cursor)


def _events(world: World, n: int = 5) -> list[AuditEvent]:
    """Write n audit rows and return them as stored."""
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for i in range(n):
        audit_record(actor=world["commander"], verb="test.event", detail=f"event {i}")
    return list(AuditEvent.objects.filter(id__gt=before, verb="test.event").order_by("id"))


def test_an_audit_row_written_without_an_instance_holds_what_the_model_would_store(world: World) -> None:
    from lianfang.core.audit.rows import insert_event

    with pytest.raises(TypeError, match="actor"):
        insert_event.row({"verb": "test.row", "actor": world["commander"]})  # the attribute is actor_id
    with transaction.atomic():
        insert_event.row({"verb": "test.row", "at": timezone.now(), "actor_id": world["commander"].pk,
                           "after": {"名称": "上街区", "n": 1}, "ip": "10.0.0.1"})  # fmt: skip
    stored = AuditEvent.objects.get(verb="test.row")
    assert stored.actor == world["commander"] and stored.after == {"名称": "上街区", "n": 1}
    assert stored.ip == "10.0.0.1" and stored.outcome == "ok" and stored.detail == "" and stored.before is None


def test_an_audit_row_goes_through_an_instance_when_something_listens_to_its_saves(world: World) -> None:
    from django.db.models.signals import post_save

    from lianfang.core.audit.rows import insert_event

    heard: list[AuditEvent] = []

    def listener(sender: Any, instance: AuditEvent, created: bool, **kwargs: Any) -> None:
        heard.append(instance)

    post_save.connect(listener, sender=AuditEvent, dispatch_uid="test-audit-listener")
    try:
        insert_event.row({"verb": "test.heard", "at": timezone.now()})
    finally:
        post_save.disconnect(dispatch_uid="test-audit-listener", sender=AuditEvent)
    assert [e.verb for e in heard] == ["test.heard"] and heard[0].pk == AuditEvent.objects.get(verb="test.heard").pk


def test_a_service_write_records_actor_address_membership_and_before_and_after(world: World) -> None:
    with audit_context(ip="10.1.2.3"):
        world.jiyuan_b.name = "登封路新社区"
        region_save(actor=world["admin"], region=world.jiyuan_b)
    event = AuditEvent.objects.get(verb="region.update")
    assert event.actor_id == world["admin"].pk and event.ip == "10.1.2.3"
    assert event.membership_id == world["admin"].memberships.get().pk
    assert event.before and event.after
    assert event.before["name"] == "登封路社区" and event.after["name"] == "登封路新社区"
    assert event.region_code == world.jiyuan_b.code and event.outcome == "ok"


def test_the_audit_row_is_written_in_the_same_transaction_as_the_change(world: World) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        world.jiyuan_b.name = "回滚"
        region_save(actor=world["admin"], region=world.jiyuan_b)
        raise RuntimeError("the request fails after the write")
    assert Region.objects.get(pk=world.jiyuan_b.pk).name == "登封路社区"
    assert not AuditEvent.objects.filter(verb="region.update").exists()


def test_a_refusal_survives_the_rollback_of_the_request_that_caused_it(world: World) -> None:
    with audit_context(ip="10.9.9.9"):
        with pytest.raises(PermissionError), transaction.atomic():
            Region.objects.filter(pk=world.jiyuan_b.pk).update(name="不该保存")
            audit_record_refusal(actor=world["worker"], verb="region.save", detail="not allowed")
            raise PermissionError
        assert not AuditEvent.objects.filter(verb="region.save").exists()  # waits for the transaction to end
    assert Region.objects.get(pk=world.jiyuan_b.pk).name == "登封路社区"
    event = AuditEvent.objects.get(verb="region.save")
    assert event.outcome == "denied" and event.actor_id == world["worker"].pk and event.ip == "10.9.9.9"


def test_an_access_denial_on_a_page_is_recorded(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    assert client.get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(verb="page.denied", actor=world["jiyuan"], outcome="denied").exists()


def test_an_api_denial_is_recorded(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    assert client.get("/api/v1/figures/", {"region": world.zhongxin.code}).status_code == 403
    assert AuditEvent.objects.filter(verb="api.figures.list", actor=world["jiyuan"], outcome="denied").exists()


def test_an_intact_chain_verifies(world: World) -> None:
    _events(world)
    assert audit_seal_pending() == AuditEvent.objects.count()
    report = audit_verify()
    assert report.ok and report.checked == AuditEvent.objects.count() and report.unsealed == 0


def test_sealing_twice_seals_each_row_once(world: World) -> None:
    _events(world, 3)
    first = audit_seal_pending()
    _events(world, 2)
    assert audit_seal_pending() == 2
    assert AuditSeal.objects.count() == first + 2 and audit_verify().ok


def test_verify_detects_an_edited_row(world: World) -> None:
    events = _events(world)
    audit_seal_pending()
    _raw("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ["nothing happened", events[2].pk])
    report = audit_verify()
    assert not report.ok and any(f"event {events[2].pk}" in p for p in report.problems)


def test_verify_detects_a_deleted_row(world: World) -> None:
    events = _events(world)
    audit_seal_pending()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert any("deleted" in p for p in audit_verify().problems)


def test_verify_detects_a_deleted_row_together_with_its_seal(world: World) -> None:
    events = _events(world)
    audit_seal_pending()
    seq = AuditSeal.objects.get(event_id=events[1].pk).seq
    _raw("DELETE FROM audit_auditseal WHERE seq = %s", [seq])
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert any("missing" in p for p in audit_verify().problems)


def test_verify_detects_deletion_of_the_newest_rows(world: World) -> None:
    events = _events(world)
    audit_seal_pending()
    newest = AuditSeal.objects.order_by("-seq")[:2]
    seqs, ids = [s.seq for s in newest], [s.event_id for s in newest]
    assert set(ids) <= {e.pk for e in events}
    _raw(f"DELETE FROM audit_auditseal WHERE seq IN ({seqs[0]}, {seqs[1]})")
    _raw(f"DELETE FROM audit_auditevent WHERE id IN ({ids[0]}, {ids[1]})")
    report = audit_verify()
    assert any("newest rows deleted" in p for p in report.problems)


def test_verify_detects_a_row_inserted_into_the_past(world: World) -> None:
    _events(world)
    audit_seal_pending()
    _raw(
        "INSERT INTO audit_auditevent"
        " (at, actor_name, verb, target_type, target_id, target_repr, region_code, outcome, detail)"
        " VALUES (%s, 'x', 'user.create', '', '', '', '', 'ok', 'forged')",
        ["2022-01-05 10:00:00+00:00"],
    )
    assert audit_seal_pending() == 0  # the sequencer does not bless it
    assert any("inserted" in p for p in audit_verify().problems)


def test_verify_detects_a_forged_seal(world: World) -> None:
    events = _events(world)
    audit_seal_pending()
    seq = AuditSeal.objects.get(event_id=events[3].pk).seq
    _raw("UPDATE audit_auditevent SET verb = 'forged' WHERE id = %s", [events[3].pk])
    _raw("UPDATE audit_auditseal SET digest = %s WHERE seq = %s", ["f" * 64, seq])
    assert not audit_verify().ok


def test_the_verify_command_fails_on_tampering_and_passes_otherwise(world: World) -> None:
    events = _events(world)
    call_command("audit", "seal")
    call_command("audit", "verify")
    _raw("UPDATE audit_auditevent SET actor_name = 'someone else' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_the_application_cannot_update_or_delete_audit_rows_or_seals_sealed_or_not(world: World) -> None:
    sealed = _events(world, 1)[0]
    audit_seal_pending()
    unsealed = _events(world, 1)[0]
    for event in (sealed, unsealed):
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(detail="changed")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.get(pk=event.pk).detail.startswith("event ")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(event_id=sealed.pk).update(digest="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.all().delete()


def test_a_records_admin_page_shows_who_changed_what_and_when(world: World, client: Client) -> None:
    world.jiyuan_b.name = "登封路新社区"
    region_save(actor=world["admin"], region=world.jiyuan_b)
    sign_in_with_second_factor(client, world["admin"])
    page = client.get(f"/admin/regions/region/{world.jiyuan_b.pk}/history/")
    assert page.status_code == 200
    text = page.content.decode()
    assert str(action_label("region.update")) in text and "登封路新社区" in text and "admin" in text
    assert "region.update" not in text


def test_auditors_read_the_audit_log_and_others_do_not(world: World, client: Client) -> None:
    _events(world, 2)
    client.force_login(world["commander"])
    assert client.get("/api/v1/audit/").json()["count"] >= 2
    client.force_login(world["market"])
    assert client.get("/api/v1/audit/").status_code == 403


def test_verify_detects_a_forged_row_sealed_after_the_seal_time_was_moved_back(world: World) -> None:
    _events(world)
    audit_seal_pending()
    _raw(
        "INSERT INTO audit_auditevent"
        " (at, actor_name, verb, target_type, target_id, target_repr, region_code, outcome, detail)"
        " VALUES (%s, 'x', 'person.reveal', '', '', '', '', 'ok', 'forged')",
        ["2022-01-05 10:00:00+00:00"],
    )
    _raw("UPDATE audit_auditseal SET sealed_at = %s", ["2021-01-01 00:00:00+00:00"])
    audit_seal_pending()  # the sequencer is fooled into sealing the forged row...
    assert not audit_verify().ok  # ...but the moved seal times break the chain


def test_verify_detects_a_removed_checkpoint_file(world: World, settings: Any) -> None:
    _events(world)
    audit_seal_pending()
    settings.AUDIT_CHECKPOINT_FILE.unlink()
    assert any("checkpoint" in p for p in audit_verify().problems)


def test_verify_fails_while_rows_wait_past_the_sealing_lag_and_says_how_many(world: World, settings: Any) -> None:
    _events(world, 3)
    assert audit_verify().ok  # just written: within the lag
    settings.AUDIT_SEAL_MAX_LAG = 0
    report = audit_verify()
    assert not report.ok
    assert any(problem.startswith("3 events have waited more than 0 s") for problem in report.problems)
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    audit_seal_pending()
    assert audit_verify().ok


def test_the_sealing_lag_counts_the_waiting_rows_and_the_oldest_ones_age(world: World, settings: Any) -> None:
    from lianfang.core.audit.selectors import sealing_lag

    audit_seal_pending()
    assert sealing_lag().waiting == 0 and not sealing_lag().late
    _events(world, 2)
    lag = sealing_lag()
    assert lag.waiting == 2 and lag.overdue == 0 and lag.oldest_seconds < 60
    settings.AUDIT_SEAL_MAX_LAG = 0
    assert sealing_lag().late and sealing_lag().overdue == 2


def test_the_auditor_and_the_administrator_see_how_far_sealing_is_behind(world: World, settings: Any) -> None:
    _events(world, 2)
    auditor, admin = Client(), Client()
    sign_in_with_second_factor(auditor, world["auditor"])
    sign_in_with_second_factor(admin, world["admin"])
    calm = auditor.get("/audit/").content.decode()
    assert 'data-testid="sealing-lag"' in calm and "alert-info" in calm
    settings.AUDIT_SEAL_MAX_LAG = 0
    late = auditor.get("/audit/").content.decode()
    assert "alert-danger" in late and "run_huey" in late
    index = admin.get("/admin/")
    assert index.status_code == 200
    assert 'data-testid="sealing-lag"' in index.content.decode() and 'class="error"' in index.content.decode()
    audit_seal_pending()
    settings.AUDIT_SEAL_MAX_LAG = 300
    assert "alert-info" in auditor.get("/audit/").content.decode()
