"""The audit log answers "what did this person do": by person, action, record and period, in
labels rather than codes, on the page, in the API and in each record's history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import User
from lianfang.core.audit.labels import action_label, record_type_label, system_actor_label
from lianfang.core.audit.models import AuditEvent
from lianfang.core.audit.rows import write_row
from lianfang.core.audit.selectors import AuditFilters, audit_event_search
from lianfang.core.audit.services import audit_record, audit_record_refusal
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from tests.ids import credit_code, resident_id
from tests.world import World, make_user, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _text(response: Any) -> str:
    """What a reader sees: the page without its tags (and so without attributes and links)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _named(world: World) -> World:
    for username, full_name in {
        "commander": "赵指挥",
        "jiyuan": "周济源",
        "worker": "王网格",
        "market": "孙市场",
    }.items():
        world[username].full_name = full_name
        world[username].save(update_fields=["full_name"])
    return world


def _at(when: dt.datetime, **fields: Any) -> None:
    """A row written at a given time (the log is append-only: it cannot be moved afterwards)."""
    write_row({"at": when, "outcome": "ok", **fields})


def _commander(client: Client, world: World) -> Client:
    client.force_login(world["commander"])
    return client


# The index ---------------------------------------------------------------------------------------


def test_the_actor_index_is_back_on_actor_and_time() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
    assert constraints["audit_actor_at_idx"]["columns"] == ["actor_id", "at"]
    assert constraints["audit_actor_at_idx"]["index"]


def test_a_persons_actions_in_a_period_are_read_through_the_actor_index(world: World) -> None:
    for n in range(40):
        audit_record(actor=world["commander" if n % 4 else "jiyuan"], verb="auth.login")
    today = timezone.localdate()
    filters = AuditFilters(actor=world["jiyuan"], start=today - dt.timedelta(days=7), end=today)
    events = audit_event_search(world["auditor"], filters)[:50]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A test's table is tiny: without this the planner reads it whole, whatever the index.
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = events.explain()
    assert "audit_actor_at_idx" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan  # SQLite: the index gives the order too
    assert len(events) == 10


# The page ----------------------------------------------------------------------------------------


def test_the_log_shows_actions_record_types_and_people_by_name_rather_than_codes(world: World, client: Client) -> None:
    _named(world)
    audit_record(actor=world["commander"], verb="auth.login", target=world["commander"])
    audit_record(actor=world["commander"], verb="auth.second_factor", target=world["commander"], detail="TOTPDevice")
    audit_record_refusal(actor=world["worker"], verb="page.denied", detail="/audit/")
    audit_record(actor=SystemActor("demo"), verb="region.create", target=world.jiyuan)
    text = _text(_commander(client, world).get("/audit/"))
    for code in ("auth.login", "auth.second_factor", "page.denied", "TOTPDevice", "system:demo", "regions.region"):
        assert code not in text, code
    for label in (
        action_label("auth.login"),
        action_label("page.denied"),
        action_label("region.create"),
        record_type_label("accounts.user"),
        record_type_label("regions.region"),
        system_actor_label("system:demo"),
        "赵指挥",
        "王网格",
    ):
        assert str(label) in text, label


def test_it_filters_the_log_by_person(world: World, client: Client) -> None:
    _named(world)
    audit_record(actor=world["jiyuan"], verb="unit.update", detail="by jiyuan")
    audit_record(actor=world["worker"], verb="unit.update", detail="by worker")
    page = _commander(client, world).get("/audit/", {"actor": world["jiyuan"].pk})
    events = list(page.context["page"])
    assert events and {e.actor_id for e in events} == {world["jiyuan"].pk}
    assert "周济源" in _text(page) and "by worker" not in _text(page)


def test_it_finds_people_by_part_of_their_name_and_offers_each_match(world: World, client: Client) -> None:
    _named(world)
    world["worker"].full_name = "王小济"
    world["worker"].save(update_fields=["full_name"])
    for name in ("jiyuan", "worker", "commander"):
        audit_record(actor=world[name], verb="unit.update", detail=f"by {name}")
    page = _commander(client, world).get("/audit/", {"person": "济"})
    assert {e.actor_id for e in page.context["page"]} == {world["jiyuan"].pk, world["worker"].pk}
    assert {u.pk for u in page.context["matches"]} == {world["jiyuan"].pk, world["worker"].pk}
    assert f"actor={world['worker'].pk}" in page.content.decode()


def test_it_finds_the_system_actor_by_its_label(world: World, client: Client) -> None:
    audit_record(actor=SystemActor("demo"), verb="region.create", target=world.jiyuan)
    audit_record(actor=world["commander"], verb="region.create", target=world.zhongxin)
    wanted = str(system_actor_label("system:demo"))
    page = _commander(client, world).get("/audit/", {"person": wanted})
    assert [e.actor_name for e in page.context["page"]] == ["system:demo"]


def test_it_filters_the_log_by_action(world: World, client: Client) -> None:
    audit_record(actor=world["jiyuan"], verb="unit.update")
    audit_record(actor=world["jiyuan"], verb="unit.create")
    page = _commander(client, world).get("/audit/", {"verb": "unit.create"})
    assert [e.verb for e in page.context["page"]] == ["unit.create"]
    assert f'<option value="unit.create" selected>{action_label("unit.create")}</option>' in page.content.decode()


def test_it_filters_the_log_by_record(world: World, client: Client) -> None:
    audit_record(actor=world["admin"], verb="region.update", target=world.jiyuan)
    audit_record(actor=world["admin"], verb="region.update", target=world.zhongxin)
    audit_record(actor=world["admin"], verb="department.update", target=world.market)
    page = _commander(client, world).get(
        "/audit/", {"target_type": "regions.region", "target_id": str(world.jiyuan.pk)}
    )
    assert [e.target_id for e in page.context["page"]] == [str(world.jiyuan.pk)]
    page = _commander(client, world).get("/audit/", {"target_type": "regions.region"})
    assert {e.target_id for e in page.context["page"]} == {str(world.jiyuan.pk), str(world.zhongxin.pk)}


def test_it_filters_the_log_by_period_in_shanghai_days(world: World, client: Client) -> None:
    actor = {"actor_id": world["jiyuan"].pk, "actor_name": "jiyuan", "verb": "unit.update"}
    _at(dt.datetime(2022, 1, 4, 23, 59, tzinfo=SHANGHAI), detail="the day before", **actor)
    _at(dt.datetime(2022, 1, 5, 0, 0, tzinfo=SHANGHAI), detail="first minute", **actor)  # 2022-01-04 16:00 UTC
    _at(dt.datetime(2022, 1, 5, 23, 59, tzinfo=SHANGHAI), detail="last minute", **actor)
    _at(dt.datetime(2022, 1, 6, 0, 0, tzinfo=SHANGHAI), detail="the day after", **actor)
    page = _commander(client, world).get(
        "/audit/", {"from": "2022-01-05", "to": "2022-01-05", "actor": str(actor["actor_id"])}
    )
    assert [e.detail for e in page.context["page"]] == ["last minute", "first minute"]  # newest first


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2022-13-01"}, "from"),
        ({"from": "2022-01-05", "to": "2022-01-04"}, "to"),
        ({"verb": "nothing.done"}, "verb"),
        ({"outcome": "maybe"}, "outcome"),
        ({"target_type": "sessions.session"}, "target_type"),
        ({"target_id": "7"}, "target_id"),
        ({"actor": "abc"}, "actor"),
        ({"actor": "999999"}, "actor"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_field(
    world: World, client: Client, params: dict[str, str], field: str
) -> None:
    _commander(client, world)
    answer = client.get("/api/v1/audit/", params)
    assert answer.status_code == 400 and list(answer.json()["fields"]) == [field]
    page = client.get("/audit/", params)  # a page says it and shows the log without that filter
    assert page.status_code == 200 and answer.json()["fields"][field][0] in _text(page)


def test_the_page_keeps_the_filters_it_could_read(world: World, client: Client) -> None:
    audit_record(actor=world["jiyuan"], verb="unit.update")
    audit_record(actor=world["jiyuan"], verb="unit.create")
    page = _commander(client, world).get("/audit/", {"verb": "unit.create", "from": "2022-02-30"})
    assert [e.verb for e in page.context["page"]] == ["unit.create"] and page.context["filters"].start is None


def test_an_auditor_of_a_subdistrict_looks_up_only_the_accounts_serving_there(world: World, client: Client) -> None:
    auditor = make_user("jiyuan_auditor")
    Membership.objects.create(user=auditor, role=Role.AUDITOR, region=world.jiyuan)
    audit_record(actor=world["jiyuan"], verb="unit.update", region_code=world.jiyuan_a.code)
    audit_record(actor=world["commander"], verb="unit.update", region_code=world.zhongxin_a.code)
    sign_in_with_second_factor(client, auditor)
    assert client.get("/api/v1/audit/", {"actor": world["commander"].pk}).status_code == 400
    outside = client.get("/audit/", {"actor": world["commander"].pk})
    assert outside.context["filters"].actor is None and gettext("No such account within your jurisdiction.") in _text(
        outside
    )
    page = client.get("/audit/", {"actor": world["jiyuan"].pk})
    assert page.status_code == 200 and [e.actor_id for e in page.context["page"]] == [world["jiyuan"].pk]
    names = {u.username for u in client.get("/audit/", {"person": "i"}).context["matches"]}
    assert "jiyuan" in names and "jiyuan_auditor" in names
    assert "admin" not in names and "auditor" not in names  # they serve the whole district


# The API -----------------------------------------------------------------------------------------


def test_the_api_gives_labels_and_takes_the_same_filters(world: World, client: Client) -> None:
    _named(world)
    audit_record(actor=world["jiyuan"], verb="unit.update", target=world.jiyuan)
    audit_record(actor=SystemActor("demo"), verb="region.create", target=world.jiyuan)
    audit_record(actor=world["worker"], verb="unit.update")
    answer = _commander(client, world).get("/api/v1/audit/", {"actor": str(world["jiyuan"].pk), "verb": "unit.update"})
    assert answer.status_code == 200
    (row,) = answer.json()["results"]
    assert row["actor"] == world["jiyuan"].pk and row["actor_label"] == "周济源"
    assert row["verb_label"] == str(action_label("unit.update"))
    assert row["target_type_label"] == str(record_type_label("regions.region"))
    demo = client.get("/api/v1/audit/", {"person": str(system_actor_label("system:demo"))}).json()["results"]
    assert [r["actor_label"] for r in demo] == [str(system_actor_label("system:demo"))]


def test_the_schema_documents_the_audit_filters_and_labels(world: World, client: Client) -> None:
    schema = _commander(client, world).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/audit/"]["get"]
    assert {"actor", "person", "verb", "outcome", "target_type", "target_id", "from", "to"} <= {
        p["name"] for p in operation["parameters"]
    }
    fields = schema["components"]["schemas"]["AuditEvent"]["properties"]
    assert {"verb_label", "target_type_label", "actor_label", "actor"} <= set(fields)


# Query counts ------------------------------------------------------------------------------------


def _write_rows(world: World, n: int) -> None:
    names = ["commander", "jiyuan", "worker", "market", "auditor", "admin"]
    for i in range(n):
        audit_record(actor=world[names[i % len(names)]], verb="unit.update", target=world.jiyuan, detail=str(i))
    audit_record(actor=SystemActor("demo"), verb="region.create", target=world.zhongxin)


@pytest.mark.parametrize("path", ["/audit/", "/api/v1/audit/"])
def test_the_log_asks_the_database_the_same_number_of_times_for_many_rows_as_for_few(
    world: World, client: Client, path: str
) -> None:
    _commander(client, world).get(path)  # the session and the scope, once
    _write_rows(world, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _write_rows(world, 40)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many]


# Record history ----------------------------------------------------------------------------------


def test_a_persons_history_shows_actions_and_people_by_name(world: World, client: Client) -> None:
    _named(world)
    data = clean_person(
        name="张三", document_number=resident_id(dt.date(1985, 6, 15)), phone="13812345678",
        address="济源路1号", home_region=world.jiyuan_a,
    )  # fmt: skip
    person, _outcome = person_register(actor=world["jiyuan"], data=data, region=world.jiyuan)
    page = _commander(client, world).get(f"/registry/people/{person.pk}/")
    history = _text(page).split(gettext("History"), 1)[1]
    assert str(action_label("person.create")) in history and "周济源" in history
    assert "person.create" not in history


def test_an_organisations_history_shows_actions_and_people_by_name(world: World, client: Client) -> None:
    _named(world)
    data = clean_unit(
        name="丹尼斯超市", credit_code=credit_code(), region=world.jiyuan_a,
        kinds=[UnitKind.SUPERMARKET], address="济源路2号",
    )  # fmt: skip
    unit, _outcome = unit_register(actor=world["jiyuan"], data=data)
    _commander(client, world).get(f"/registry/units/{unit.pk}/")  # the session and the scope, once
    with CaptureQueriesContext(connection) as one:
        page = client.get(f"/registry/units/{unit.pk}/")
    history = _text(page).split(gettext("History"), 1)[1]
    assert str(action_label("unit.create")) in history and "周济源" in history and "unit.create" not in history
    for _ in range(5):
        audit_record(actor=world["worker"], verb="unit.update", target=unit)
    with CaptureQueriesContext(connection) as six:
        client.get(f"/registry/units/{unit.pk}/")
    assert len(six) == len(one)


def test_a_history_names_an_unknown_user_who_failed_to_sign_in(world: World, client: Client) -> None:
    audit_record_refusal(actor=None, verb="auth.login", actor_name="zhangsan", outcome="failed")
    text = _text(_commander(client, world).get("/audit/", {"person": "zhangsan"}))
    assert gettext("%(name)s (not signed in)") % {"name": "zhangsan"} in text


def test_a_user_who_may_not_read_the_log_is_refused_whatever_the_filters(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    assert client.get("/audit/", {"from": "bad"}).status_code == 403
    assert client.get("/api/v1/audit/", {"from": "bad"}).status_code == 403
    assert User.objects.filter(pk=world["jiyuan"].pk).exists()
