"""What a screen or an API answer shows of a protected value."""

from __future__ import annotations

import datetime as dt


def mask_document(number: str) -> str:
    """410***********1234: the region's first three digits and the last four, nothing between."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    """Whole years on a day: shown beside a masked number instead of the birth date."""
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
