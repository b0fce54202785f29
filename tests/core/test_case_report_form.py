"""The report form on a phone: it starts from the reporter's role and region, marks what is
required, and refuses an empty report naming each missing field."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lianfang.core.cases.models import Case
from lianfang.core.regions.models import Membership, Role
from tests.world import World

pytestmark = pytest.mark.django_db


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)" selected>', select.group(0))


def test_a_field_worker_starts_with_a_residents_need_in_his_only_community(world: World, client: Client) -> None:
    client.force_login(world["worker"])
    html = client.get("/cases/new/").content.decode()
    assert _selected(html, "kind") == ["need"]
    assert _selected(html, "region") == [str(world.jiyuan_a.pk)]


def test_subdistrict_staff_start_in_their_one_subdistrict_with_the_first_kind(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    form = client.get("/cases/new/").context["form"]
    assert "kind" not in form.initial
    assert form.initial["region"] == world.jiyuan


@pytest.mark.parametrize("username", ["commander", "two_regions"])
def test_no_region_is_chosen_for_someone_serving_several_or_all(world: World, client: Client, username: str) -> None:
    if username == "two_regions":
        Membership.objects.create(user=world["worker"], role=Role.FIELD_WORKER, region=world.zhongxin_a)
        username = "worker"
    client.force_login(world[username])
    html = client.get("/cases/new/").content.decode()
    assert _selected(html, "region") == []


def test_the_required_fields_are_marked(world: World, client: Client) -> None:
    client.force_login(world["worker"])
    html = client.get("/cases/new/").content.decode()
    required = set(re.findall(r'<label class="form-label required" for="id_(\w+)"', html))
    assert required == {"kind", "title", "description", "region", "priority"}


def test_an_empty_report_is_refused_naming_each_missing_field(world: World, client: Client) -> None:
    client.force_login(world["worker"])
    page = client.post("/cases/new/", {"kind": "need", "title": " ", "description": "", "region": "", "priority": 2})
    assert page.status_code == 200 and Case.objects.count() == 0
    html = page.content.decode()
    assert 'data-testid="form-errors"' in html
    named = set(re.findall(r'<li data-field="(\w+)">', html))
    assert named == {"title", "description", "region"}
    assert set(re.findall(r'data-field-error="(\w+)"', html)) == {"title", "description", "region"}
