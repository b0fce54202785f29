"""The scoping matrix of the registries: endpoint × role × {own, child, sibling, parent} ×
{list, detail, update, export}. A record outside the scope answers 404, never data, and is in
no export; an export masks numbers unless the user may reveal them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.units.models import UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from tests.ids import credit_code, resident_id
from tests.world import World

pytestmark = pytest.mark.django_db

PLACES = ["own", "child", "sibling", "parent"]
# Which places each role sees (list and detail), and may update.
SEES = {
    "commander": {"own", "child", "sibling", "parent"},
    "jiyuan": {"own", "child"},
    "auditor": {"own", "child", "sibling", "parent"},
    "market": set(),
    "worker": set(),
    "admin": set(),
    "expired": set(),
    "nobody": set(),
}
WRITES = {"commander", "jiyuan"}


def _places(world: World) -> dict[str, Any]:
    return {"own": world.jiyuan, "child": world.jiyuan_a, "sibling": world.zhongxin, "parent": world.district}


@pytest.fixture
def people(world: World) -> dict[str, int]:
    made = {}
    for n, (place, region) in enumerate(_places(world).items()):
        data = clean_person(name=f"人{n}", document_number=resident_id(dt.date(1970 + n, 1, 1)), home_region=region)
        person, _ = person_register(actor=SystemActor("test"), data=data, region=world.district)
        made[place] = person.pk
    return made


@pytest.fixture
def units(world: World) -> dict[str, int]:
    made = {}
    for n, (place, region) in enumerate(_places(world).items()):
        data = clean_unit(
            name=f"单位{n}", credit_code=credit_code(f"9141010600000000{n}"), region=region, kinds=[UnitKind.ENTERPRISE]
        )
        unit, _ = unit_register(actor=SystemActor("test"), data=data)
        made[place] = unit.pk
    return made


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world[role])
    if role in ("auditor", "admin"):
        from tests.world import sign_in_with_second_factor

        sign_in_with_second_factor(client, world[role])
    return client


@pytest.mark.parametrize("role", sorted(SEES))
@pytest.mark.parametrize("endpoint", ["people", "units"])
def test_each_role_lists_reads_and_updates_exactly_its_own_records(
    world: World, people: dict[str, int], units: dict[str, int], role: str, endpoint: str
) -> None:
    ids = people if endpoint == "people" else units
    client = _client(world, role)
    listing = client.get(f"/api/v1/{endpoint}/", {"limit": 500})
    listed = {r["id"] for r in listing.json()["results"]} if listing.status_code == 200 else set()
    for place in PLACES:
        visible = place in SEES[role]
        assert (ids[place] in listed) is visible, (role, place, "list")
        detail = client.get(f"/api/v1/{endpoint}/{ids[place]}/")
        assert detail.status_code == (200 if visible else 404), (role, place, "detail")
        page = client.get(f"/registry/{endpoint}/{ids[place]}/")
        assert page.status_code == (200 if visible else 404), (role, place, "page")
        update = client.put(f"/api/v1/{endpoint}/{ids[place]}/", {}, content_type="application/json")
        if not visible:
            assert update.status_code in (403, 404), (role, place, "update")
            assert update.status_code == 404 or role not in WRITES
        elif role in WRITES:
            assert update.status_code == 400, (role, place, "update")  # reached validation: allowed
        else:
            assert update.status_code == 403, (role, place, "update")


# The export column: a ledger export (台账) holds exactly the records the role sees, masked unless
# the user may reveal and asks for the full export with a reason.

NAME_OF = {"people": "人{}", "units": "单位{}"}


def _ids(world: World) -> dict[str, str]:
    return {place: resident_id(dt.date(1970 + n, 1, 1)) for n, place in enumerate(_places(world))}


@pytest.fixture
def units_with_contacts(world: World, people: dict[str, int]) -> dict[str, int]:
    """A unit in each place, its contact the person living in the same place."""
    from lianfang.core.people.models import Person

    made = {}
    for n, (place, region) in enumerate(_places(world).items()):
        data = clean_unit(
            name=f"单位{n}",
            credit_code=credit_code(f"9141010600000000{n}"),
            region=region,
            kinds=[UnitKind.ENTERPRISE],
            contact=Person.objects.get(pk=people[place]),
        )
        unit, _ = unit_register(actor=SystemActor("test"), data=data)
        made[place] = unit.pk
    return made


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    import io

    import openpyxl

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))[1:]


def _exported(response: Any, kind: str) -> tuple[set[str], str]:
    """The places whose records an export holds, and every cell as text (to look for numbers)."""
    if response.status_code == 403:
        return set(), ""
    assert response.status_code == 200
    rows = _sheet(response)
    places = {place: NAME_OF[kind].format(n) for n, place in enumerate(PLACES)}
    names = [row[0] for row in rows]
    assert len(names) == len(set(names))  # a record once, however many ways it is in scope
    assert set(names) <= set(places.values())
    return {place for place, name in places.items() if name in names}, repr(rows)


@pytest.mark.parametrize("role", sorted(SEES))
@pytest.mark.parametrize("kind", ["people", "units"])
def test_each_role_exports_exactly_its_own_records_with_numbers_masked(
    world: World, people: dict[str, int], units_with_contacts: dict[str, int], role: str, kind: str
) -> None:
    client = _client(world, role)
    exported, cells = _exported(client.get(f"/registry/ledgers/export/{kind}.xlsx"), kind)
    assert exported == SEES[role], (role, kind, "export")
    ids = _ids(world)
    assert not any(number in cells for number in ids.values()), (role, kind, "a full number in a masked export")
    for place in exported:
        assert "410***********" + ids[place][-4:] in cells, (role, kind, place, "masked number")
    full = client.post(f"/registry/ledgers/export/{kind}/full.xlsx", {"reason": "核对台账"})
    assert full.status_code == 403, (role, kind, "nobody may reveal by default")


@pytest.mark.parametrize("role", sorted(SEES))
@pytest.mark.parametrize("kind", ["people", "units"])
def test_with_the_reveal_privilege_each_role_exports_full_numbers_of_its_own_records_only(
    world: World, people: dict[str, int], units_with_contacts: dict[str, int], role: str, kind: str
) -> None:
    from lianfang.core.audit.models import AuditEvent
    from lianfang.core.regions.models import Membership

    for membership in Membership.objects.filter(user=world[role]):
        membership.may_reveal = True
        membership.save()  # the signal expires the cached scope
    client = _client(world, role)
    if role not in ("expired", "nobody"):
        # Whoever may reveal full numbers passes a second factor first.
        from tests.world import sign_in_with_second_factor

        sign_in_with_second_factor(client, world[role])
    response = client.post(f"/registry/ledgers/export/{kind}/full.xlsx", {"reason": "核对台账"})
    if role in ("expired", "nobody"):  # no active membership: no privilege
        assert response.status_code == 403
        return
    exported, cells = _exported(response, kind)
    assert exported == SEES[role], (role, kind, "full export")
    ids = _ids(world)
    for place, number in ids.items():
        assert (number in cells) is (place in exported), (role, kind, place, "full number")
    assert AuditEvent.objects.filter(
        verb="ledger.export_unmasked", actor_name=role, detail__startswith=f"{kind}: {len(exported)} rows"
    ).exists()
