"""Identity numbers, mobile numbers and credit codes are validated at every entry point.

Reasons are asserted in Chinese: the users' language, and the default of every entry point.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lianfang.core.people.identity import (
    PROVINCES,
    DocumentType,
    Sex,
    check_char,
    normalise_phone,
    validate_document,
)
from lianfang.core.units.credit_code import ALPHABET, check_character, validate_credit_code
from tests.ids import credit_code, resident_id

TODAY = dt.date(2026, 11, 28)


def _rejected(number: str) -> bool:
    try:
        validate_document(DocumentType.RESIDENT_ID, number, today=TODAY)
    except ValidationError:
        return True
    return False


def test_it_accepts_a_valid_resident_id_and_derives_birth_date_and_sex() -> None:
    doc = validate_document(DocumentType.RESIDENT_ID, resident_id(dt.date(1985, 6, 15), serial=123), today=TODAY)
    assert doc.birth_date == dt.date(1985, 6, 15) and doc.sex == Sex.MALE  # 17th digit 3 is odd
    assert validate_document(DocumentType.RESIDENT_ID, resident_id(serial=124), today=TODAY).sex == Sex.FEMALE


def test_it_normalises_full_width_digits_spaces_and_a_lower_case_x() -> None:
    number = next(resident_id(serial=s) for s in range(1000) if resident_id(serial=s).endswith("X"))
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x"
    assert (
        validate_document(DocumentType.RESIDENT_ID, f" {full_width[:6]} {full_width[6:]} ", today=TODAY).number
        == number
    )


def test_it_rejects_a_bad_check_digit_and_says_which_it_should_be() -> None:
    good = resident_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError, match=f"应为 {good[17]}"):
        validate_document(DocumentType.RESIDENT_ID, bad, today=TODAY)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("410106850615123", "旧的 15 位号码"),
        (resident_id(dt.date(1985, 6, 15))[:-1], "共 17 位"),
        ("41010619850230123" + check_char("41010619850230123"), "不存在"),
        ("41010618991231123" + check_char("41010618991231123"), "1900 年至今天"),
        ("41010620991231123" + check_char("41010620991231123"), "1900 年至今天"),
        ("99010619850615123" + check_char("99010619850615123"), "行政区划代码"),
        ("", "未填写"),
    ],
)
def test_it_rejects_a_malformed_resident_id_with_the_reason(number: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        validate_document(DocumentType.RESIDENT_ID, number, today=TODAY)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(sorted(PROVINCES))) + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    return resident_id(born, region=region, serial=draw(st.integers(0, 999)))


@given(resident_ids(), st.data())
def test_every_single_character_substitution_of_a_valid_id_is_rejected(number: str, data: st.DataObject) -> None:
    assert not _rejected(number)
    position = data.draw(st.integers(0, 17))
    replacement = data.draw(st.sampled_from([c for c in "0123456789X" if c != number[position]]))
    assert _rejected(number[:position] + replacement + number[position + 1 :])


@given(resident_ids(), st.integers(0, 16))
def test_every_adjacent_transposition_of_a_valid_id_is_rejected(number: str, position: int) -> None:
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped != number:
        assert _rejected(swapped)


def test_other_documents_follow_their_own_rules() -> None:
    hk = resident_id(dt.date(1990, 1, 2), region="810000")
    assert validate_document(DocumentType.HMT_RESIDENCE, hk, today=TODAY).birth_date == dt.date(1990, 1, 2)
    with pytest.raises(ValidationError):
        validate_document(DocumentType.HMT_RESIDENCE, resident_id(), today=TODAY)
    assert validate_document(DocumentType.FOREIGN_PERMANENT, "USA410000850615", today=TODAY).number == "USA410000850615"
    new_card = resident_id(dt.date(1980, 3, 4), region="941101")
    assert validate_document(DocumentType.FOREIGN_PERMANENT, new_card, today=TODAY).birth_date == dt.date(1980, 3, 4)
    assert validate_document(DocumentType.PASSPORT, "e12345678", today=TODAY).number == "E12345678"
    with pytest.raises(ValidationError):
        validate_document(DocumentType.PASSPORT, "ABCDEFG", today=TODAY)


@pytest.mark.parametrize(
    "raw", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "8613812345678", "１３８１２３４５６７８"]
)
def test_it_normalises_a_mobile_number(raw: str) -> None:
    assert normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "010-12345678", "abc"])
def test_it_rejects_what_is_not_a_mainland_mobile_number(raw: str) -> None:
    with pytest.raises(ValidationError, match="手机号码"):
        normalise_phone(raw)


def test_it_accepts_a_valid_credit_code_in_any_case_and_width() -> None:
    code = credit_code()
    assert validate_credit_code(code.lower()) == code
    assert validate_credit_code(" ".join(code)) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91410106MA44", "共 12 位"),
        ("91410106MA44XXXXOI", "不使用这些字符"),
        ("9141A106MA44XXXX01", "行政区划代码"),
    ],
)
def test_it_rejects_a_malformed_credit_code_with_the_reason(code: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        validate_credit_code(code)


credit_bodies = st.tuples(
    st.text(alphabet=ALPHABET, min_size=2, max_size=2),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
).map(lambda parts: "".join(parts))


def _credit_rejected(code: str) -> bool:
    try:
        validate_credit_code(code)
    except ValidationError:
        return True
    return False


@given(credit_bodies, st.data())
def test_every_single_character_substitution_of_a_valid_credit_code_is_rejected(body: str, data: st.DataObject) -> None:
    code = body + check_character(body)
    assert not _credit_rejected(code)
    position = data.draw(st.integers(0, 17))
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != code[position]]))
    assert _credit_rejected(code[:position] + replacement + code[position + 1 :])


@given(credit_bodies, st.integers(0, 16))
def test_every_adjacent_transposition_of_a_valid_credit_code_is_rejected(body: str, position: int) -> None:
    code = body + check_character(body)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped != code:
        assert _credit_rejected(swapped)
