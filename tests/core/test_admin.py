"""The Django admin, in Chinese, for system administrators who passed TOTP; saves are audited."""

from __future__ import annotations

import pytest
from django.test import Client

from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.regions.models import Membership, Role
from tests.world import World, sign_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["regions/region", "regions/department", "regions/membership", "accounts/user"])
def test_the_admin_lists_and_adds_each_registry_in_chinese(world: World, client: Client, path: str) -> None:
    sign_in_with_second_factor(client, world["admin"])
    listing = client.get(f"/admin/{path}/")
    assert listing.status_code == 200 and 'lang="zh-hans"' in listing.content.decode()
    assert client.get(f"/admin/{path}/add/").status_code == 200


def test_the_admin_is_closed_to_an_administrator_without_the_second_factor(world: World, client: Client) -> None:
    client.force_login(world["admin"])
    response = client.get("/admin/regions/region/")
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]


def test_the_admin_is_closed_to_other_roles_even_after_totp(world: World, client: Client) -> None:
    sign_in_with_second_factor(client, world["commander"])
    response = client.get("/admin/regions/region/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_membership_added_in_the_admin_is_saved_through_the_audited_service(world: World, client: Client) -> None:
    sign_in_with_second_factor(client, world["admin"])
    response = client.post(
        "/admin/regions/membership/add/",
        {
            "user": world["nobody"].pk,
            "role": Role.SUBDISTRICT_STAFF,
            "region": world.zhongxin.pk,
            "department": "",
            "valid_from": "",
            "valid_until": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=world["nobody"])
    event = AuditEvent.objects.get(verb="membership.create")
    assert event.actor_id == world["admin"].pk and event.target_id == str(membership.pk)


def test_an_administrator_resets_a_password_in_the_admin_and_it_is_audited(world: World, client: Client) -> None:
    sign_in_with_second_factor(client, world["admin"])
    response = client.post(
        f"/admin/accounts/user/{world['jiyuan'].pk}/password/",
        {"password1": "a-fresh-password-2022", "password2": "a-fresh-password-2022"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="jiyuan").check_password("a-fresh-password-2022")
    assert AuditEvent.objects.filter(verb="user.set_password", target_id=str(world["jiyuan"].pk)).exists()


def test_nobody_deletes_a_region_in_the_admin(world: World, client: Client) -> None:
    sign_in_with_second_factor(client, world["admin"])
    assert client.get(f"/admin/regions/region/{world.jiyuan_b.pk}/delete/").status_code in (302, 403)
