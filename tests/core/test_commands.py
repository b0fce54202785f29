"""The `lianfang` console command's own sub-commands."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from tests.ids import credit_code
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


def _created(out: io.StringIO) -> str:
    """The one-time password createuser printed (after the colon of its line, in either language)."""
    found = re.search(r"xiaoli.*?[:：]\s*(\S{4}-\S{4}-\S{4})$", out.getvalue(), re.MULTILINE)
    assert found, out.getvalue()
    return found.group(1)


def test_createuser_names_a_unit_contacts_unit_by_its_credit_code(world: World) -> None:
    data = clean_unit(name="上街机械厂", credit_code=credit_code(), region=world.jiyuan_a, kinds=[UnitKind.ENTERPRISE])
    unit, _ = unit_register(actor=world["commander"], data=data)
    code = f" {credit_code().lower()} "  # spaces and lower case are forgiven
    call_command(
        "createuser", "qiye", "--full-name", "刘经理", "--role", "unit_contact", "--unit", code,
        "--password", "lantern-river-2022", stdout=io.StringIO(),
    )  # fmt: skip
    membership = Membership.objects.get(user__username="qiye")
    # The region defaults to the unit's own.
    assert membership.role == Role.UNIT_CONTACT and membership.unit == unit and membership.region == world.jiyuan_a


def test_createuser_refuses_a_unit_that_is_malformed_unknown_or_for_another_role(world: World) -> None:
    base = ["--full-name", "甲", "--password", "lantern-river-2022"]
    with pytest.raises(CommandError, match=r"^unit: "):
        call_command("createuser", "a", *base, "--role", "unit_contact", "--unit", "91410106MA44XXXX01")
    with pytest.raises(CommandError, match=r"^unit: .*" + credit_code()):
        call_command("createuser", "b", *base, "--role", "unit_contact", "--unit", credit_code())
    with pytest.raises(CommandError, match=r"^unit: "):
        call_command(
            "createuser", "c", *base, "--role", "field_worker", "--region", world.jiyuan_a.code, "--unit", credit_code()
        )
    with pytest.raises(CommandError, match=r"^region: "):
        call_command("createuser", "d", *base, "--role", "field_worker")
    assert not User.objects.filter(username__in=["a", "b", "c", "d"]).exists()


def test_createuser_without_a_terminal_or_password_prints_a_one_time_password_stored_hashed(world: World) -> None:
    out = io.StringIO()
    call_command(
        "createuser", "xiaoli", "--full-name", "小李", "--role", "subdistrict_staff", "--region", world.jiyuan.code,
        stdout=out, stdin=io.StringIO(),
    )  # fmt: skip
    password = _created(out)
    user = User.objects.get(username="xiaoli")
    assert len(password) >= 12 and password not in user.password and user.check_password(password)
    assert user.must_change_password
    event = AuditEvent.objects.get(verb="user.create", target_id=str(user.pk))
    assert event.after and event.after["must_change_password"] is True and password not in str(event.after)
