"""Ids in API paths: a record id is a positive 64-bit integer; anything else is simply not found
(a huge number would otherwise overflow the database driver)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

MAX_ID = 2**63 - 1


def record_id(value: Any) -> int:
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise Http404
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise Http404
    return number
