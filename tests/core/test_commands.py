"""The `lianfang` console command's own sub-commands."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.regions.models import Membership, Role
from tests.world import World

pytestmark = pytest.mark.django_db


def test_createuser_makes_a_user_with_a_membership_and_audits_it(world: World) -> None:
    call_command(
        "createuser", "xiaowang", "--full-name", "小王", "--role", "field_worker", "--region", world.jiyuan_a.code,
        "--valid-from", "2022-01-03", "--valid-until", "2022-01-31", "--sent-down", "--password", "lantern-river-2022",
    )  # fmt: skip
    user = User.objects.get(username="xiaowang")
    assert user.check_password("lantern-river-2022") and user.full_name == "小王"
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.FIELD_WORKER and membership.sent_down and membership.region == world.jiyuan_a
    assert AuditEvent.objects.filter(verb="user.create", actor_name="system:createuser").exists()


def test_createuser_names_the_field_that_is_wrong_and_creates_nothing(world: World) -> None:
    with pytest.raises(CommandError, match="region"):
        call_command(
            "createuser", "a", "--full-name", "甲", "--role", "commander", "--region", "999999999999", "--password", "x"
        )
    with pytest.raises(CommandError, match="department"):
        call_command(
            "createuser", "b", "--full-name", "乙", "--role", "department_staff", "--region", world.district.code,
            "--password", "lantern-river-2022",
        )  # fmt: skip
    with pytest.raises(CommandError, match=r"^password: "):
        call_command(
            "createuser",
            "c",
            "--full-name",
            "丙",
            "--role",
            "commander",
            "--region",
            world.district.code,
            "--password",
            "short",
        )
    assert not User.objects.filter(username__in=["a", "b", "c"]).exists()
