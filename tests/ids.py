"""Valid identity numbers and credit codes for tests, built with the real check characters."""

from __future__ import annotations

import datetime as dt
import random

from lianfang.core.people.identity import check_char
from lianfang.core.units.credit_code import ALPHABET, check_character


def resident_id(
    born: dt.date = dt.date(1985, 6, 15), *, region: str = "410106", serial: int = 123, rng: random.Random | None = None
) -> str:
    if rng is not None:
        serial = rng.randint(0, 999)
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + check_char(first17)


def credit_code(body: str = "91410106MA44XXXX0") -> str:
    assert len(body) == 17 and all(c in ALPHABET for c in body), body
    return body + check_character(body)
