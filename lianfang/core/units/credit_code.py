"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(raw: object) -> str:
    """Normalise (NFKC, no spaces, upper case) and validate; returns the 18-character code."""
    code = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(raw if raw is not None else ""))).upper()
    if len(code) != 18:
        raise ValidationError(_("it has %(n)d characters; a credit code has 18") % {"n": len(code)}, code="length")
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise ValidationError(
            _("it contains %(chars)s, which a credit code never uses (no I, O, S, V or Z)") % {"chars": "".join(bad)},
            code="alphabet",
        )
    if not re.fullmatch(r"[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}", code):
        raise ValidationError(_("its characters 3 to 8 must be the digits of a division code"), code="format")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("its check character is %(found)s but should be %(expected)s")
            % {"found": code[17], "expected": expected},
            code="check",
        )
    return code
