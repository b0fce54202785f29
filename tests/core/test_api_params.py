"""What clients send the API (core/api/params.py): parsed, or refused with a Chinese message on the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_lazy
from rest_framework import exceptions

from lianfang.core.api.params import (
    active_account,
    choice,
    day,
    flag,
    number,
    region_prefix,
    unit_in_scope,
    version_read,
)
from lianfang.core.units.models import UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from tests.ids import credit_code
from tests.world import World


def _refused(parse: Any, *args: Any) -> dict[str, list[str]]:
    """The fields and messages of the 400 that `parse(*args)` raises, for a zh-hans client."""
    with translation.override("zh-hans"), pytest.raises(exceptions.ValidationError) as refused:
        parse(*args)
    detail = refused.value.detail
    assert isinstance(detail, dict)
    return {field: [str(m) for m in messages] for field, messages in detail.items()}


def test_it_reads_an_id_and_takes_an_absent_or_empty_one_as_none() -> None:
    assert number(QueryDict("unit=42"), "unit") == 42
    assert number(QueryDict(""), "unit") is None
    assert number(QueryDict("unit="), "unit") is None


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "²", "٣", "1234567890123456789"])
def test_it_rejects_a_non_numeric_id_naming_the_field(value: str) -> None:
    # "²" and "٣" pass str.isdigit() but int() refuses the first: only ASCII digits are an id.
    # Nineteen digits could pass a 64-bit column's range.
    assert _refused(number, QueryDict(f"unit={value}"), "unit") == {"unit": ["请填写数字编号。"]}


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("false", False), ("0", False)])
def test_it_reads_a_boolean(value: str, expected: bool) -> None:
    assert flag(QueryDict(f"closed={value}"), "closed") is expected


def test_it_takes_an_absent_or_empty_boolean_as_none() -> None:
    assert flag(QueryDict(""), "closed") is None
    assert flag(QueryDict("closed="), "closed") is None


@pytest.mark.parametrize("value", ["yes", "True", "2"])
def test_it_rejects_a_boolean_other_than_true_or_false_naming_the_field(value: str) -> None:
    assert _refused(flag, QueryDict(f"overdue={value}"), "overdue") == {"overdue": ["请填写 true 或 false。"]}


def test_it_reads_a_region_code_as_the_prefix_of_the_codes_inside_it() -> None:
    assert region_prefix(QueryDict("region=410106001000")) == "410106001"
    assert region_prefix(QueryDict("region=410106000000")) == "410106"
    assert region_prefix(QueryDict("region=")) is None
    # All zeros: a prefix no real code begins with (never the empty prefix, which is everything).
    assert region_prefix(QueryDict("region=000000000000")) == "000000"


def test_a_community_or_town_code_with_a_zero_before_its_end_takes_in_no_neighbours() -> None:
    # Stripping trailing zeros would make 410106001010 the prefix 41010600101 (communities 011-019
    # too) and town 410106100000 the prefix 4101061 (towns 100-199 too).
    assert region_prefix(QueryDict("region=410106001010")) == "410106001010"
    assert region_prefix(QueryDict("region=410106100000")) == "410106100"
    assert not "410106001011".startswith(region_prefix(QueryDict("region=410106001010")) or "")
    assert not "410106101000".startswith(region_prefix(QueryDict("region=410106100000")) or "")


@pytest.mark.parametrize("value", ["410106", "4101060010001", "41010600100x", "４１０１０６００１０００"])
def test_it_rejects_a_region_code_that_is_not_12_ascii_digits_naming_the_field(value: str) -> None:
    assert _refused(region_prefix, QueryDict(f"region={value}")) == {"region": ["请填写 12 位区划代码。"]}


def test_it_reads_a_date() -> None:
    assert day(QueryDict("from=2024-03-01"), "from") == dt.date(2024, 3, 1)
    assert day(QueryDict("from="), "from") is None


@pytest.mark.parametrize("value", ["2024/03/01", "2024-13-01", "yesterday"])
def test_it_rejects_a_malformed_date_naming_the_field(value: str) -> None:
    assert _refused(day, QueryDict(f"to={value}"), "to") == {"to": ["日期格式为 YYYY-MM-DD。"]}


@pytest.mark.parametrize("value", ["1999-12-31", "2100-01-01", "0001-01-01"])
def test_it_rejects_a_date_outside_the_allowed_years_naming_the_field(value: str) -> None:
    assert _refused(day, QueryDict(f"from={value}"), "from") == {"from": ["日期须在 2000 年至 2099 年之间。"]}


def test_it_reads_a_known_value() -> None:
    assert choice(QueryDict("kind=school"), "kind", UnitKind.values) == "school"
    assert choice(QueryDict("kind="), "kind", UnitKind.values) is None


def test_it_rejects_an_unknown_value_echoing_at_most_thirty_characters_of_it() -> None:
    long = "x" * 40
    assert _refused(choice, QueryDict(f"kind={long}"), "kind", ["a"]) == {"kind": [f"未知的取值：{'x' * 30}"]}


def test_it_names_what_was_unknown_when_the_caller_says() -> None:
    unknown = gettext_lazy("Unknown state: %(value)s")
    with translation.override("zh-hans"), pytest.raises(exceptions.ValidationError) as refused:
        choice(QueryDict("state=nope"), "state", ["reported"], unknown=unknown)
    assert refused.value.detail == {"state": ["未知的状态：nope"]}


def test_it_speaks_english_to_an_english_client() -> None:
    with translation.override("en"), pytest.raises(exceptions.ValidationError) as refused:
        number(QueryDict("unit=abc"), "unit")
    assert refused.value.detail == {"unit": ["Give a numeric id."]}


def test_it_requires_the_version_that_an_update_read() -> None:
    assert version_read({"version": 3}) == 3
    assert _refused(version_read, {}) == {"version": ["必填：请提供您读取时的版本号。"]}


@pytest.mark.django_db
def test_it_finds_an_organisation_in_scope_and_refuses_one_outside_it_on_the_given_field(world: World) -> None:
    data = clean_unit(name="丹尼斯超市", credit_code=credit_code(), region=world.jiyuan_a, kinds=[UnitKind.SUPERMARKET])
    unit, _ = unit_register(actor=world["commander"], data=data)
    assert unit_in_scope(world["jiyuan"], unit.pk, "owner_unit") == unit
    assert unit_in_scope(world["jiyuan"], None, "owner_unit") is None
    outsider = world["nobody"]
    refused = _refused(unit_in_scope, outsider, unit.pk, "owner_unit")
    assert refused == {"owner_unit": ["单位不存在，或不在您的管辖范围内。"]}


@pytest.mark.django_db
def test_it_refuses_a_disabled_or_unknown_account_on_the_given_field(world: World) -> None:
    jiyuan = world["jiyuan"]
    assert active_account(jiyuan.pk, "assignee") == jiyuan
    jiyuan.is_active = False
    jiyuan.save(update_fields=["is_active"])
    assert _refused(active_account, jiyuan.pk, "assignee") == {"assignee": ["该账号不存在或已停用。"]}
    assert _refused(active_account, 10**12, "organiser") == {"organiser": ["该账号不存在或已停用。"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/api/v1/cases/?unit=abc", "unit", "请填写数字编号。"),
        ("/api/v1/cases/?closed=yes", "closed", "请填写 true 或 false。"),
        ("/api/v1/cases/?state=nope", "state", "未知的状态：nope"),
        ("/api/v1/units/?kind=nope", "kind", "未知的单位类别：nope"),
        ("/api/v1/volunteers/?region=4101", "region", "请填写 12 位区划代码。"),
        ("/api/v1/volunteers/?availability=nope", "availability", "未知的取值：nope"),
        ("/api/v1/volunteer-tasks/?from=2024-13-01", "from", "日期格式为 YYYY-MM-DD。"),
        ("/api/v1/volunteer-shifts/?task=abc", "task", "请填写数字编号。"),
    ],
)
def test_it_answers_a_bad_list_filter_with_a_400_on_that_field(
    world: World, client: Client, path: str, field: str, message: str
) -> None:
    client.force_login(world["commander"])
    answer = client.get(path)
    assert answer.status_code == 400, answer.content
    assert answer.json()["fields"] == {field: [message]}


def test_a_service_conflict_anywhere_in_the_api_is_a_409_naming_its_field() -> None:
    from lianfang.core.api.errors import exception_handler
    from lianfang.core.edits import VersionConflict
    from lianfang.core.idempotency import SubmissionConflict

    stale = exception_handler(VersionConflict("有人已修改"), {})
    assert stale is not None and stale.status_code == 409
    assert stale.data == {"message": "有人已修改", "fields": {"version": ["有人已修改"]}}
    resent = exception_handler(SubmissionConflict(), {})
    assert resent is not None and resent.status_code == 409 and list(resent.data["fields"]) == ["client_id"]
