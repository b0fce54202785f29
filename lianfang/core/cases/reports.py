"""Reading a report as the API receives it (the JSON of POST /api/v1/cases/), field by field,
with the checks of CaseReportSerializer, which documents it in the schema. The rules of a case
(kind, title, deadline, priority …) are the services' (clean_case); this only reads types."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions

from lianfang.core.api.lookups import MAX_ID
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import region_by_code

from .models import PRIORITIES, Priority


def _text(data: dict[str, Any], name: str, limit: int, errors: dict[str, list[str]], required: bool) -> str:
    value = data.get(name)
    if value is None:
        if required:
            errors[name] = [_("This field is required.")]
        return ""
    if not isinstance(value, str):
        errors[name] = [_("Not a valid string.")]
        return ""
    if "\x00" in value:
        errors[name] = [_("Null characters are not allowed.")]
    elif len(value) > limit:
        errors[name] = [_("Ensure this field has no more than %(limit)s characters.") % {"limit": limit}]
    return value


def _id(data: dict[str, Any], name: str, errors: dict[str, list[str]]) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[name] = [_("A valid integer is required.")]
        return None
    try:
        number = int(value)
    except ValueError:
        errors[name] = [_("A valid integer is required.")]
        return None
    if not 1 <= number <= MAX_ID:
        errors[name] = [_("Not found, or outside your jurisdiction.")]
        return None
    return number


def _region(data: dict[str, Any], errors: dict[str, list[str]]) -> Region | None:
    code = data.get("region")
    if code is None:
        return None
    region = region_by_code(code) if isinstance(code, str) and code.isascii() and code.isdigit() else None
    if region is None or len(code) != 12:
        errors["region"] = [_("No region has the code %(code)s.") % {"code": str(code)[:20]}]
        return None
    return region


def _date(data: dict[str, Any], errors: dict[str, list[str]]) -> dt.date | None:
    value = data.get("deadline")
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    errors["deadline"] = [_("Write the date as YYYY-MM-DD.")]
    return None


def parse_report(data: Any) -> dict[str, Any]:
    """The typed values of a report, or a ValidationError naming each field that cannot be read."""
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send the report as a JSON object.")]})
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "kind": _text(data, "kind", 32, errors, required=True),
        "title": _text(data, "title", 100, errors, required=True),
        "description": _text(data, "description", 5000, errors, required=False),
        "unit": _id(data, "unit", errors),
        "person": _id(data, "person", errors),
        "region": _region(data, errors),
        "deadline": _date(data, errors),
        "priority": data.get("priority", Priority.NORMAL),
        "client_id": None,
    }
    if isinstance(values["priority"], bool) or values["priority"] not in PRIORITIES:
        errors["priority"] = [_("Unknown priority.")]
    client_id = data.get("client_id")
    if client_id is not None:
        with contextlib.suppress(ValueError):
            values["client_id"] = uuid.UUID(client_id) if isinstance(client_id, str) else None
        if values["client_id"] is None:
            errors["client_id"] = [_("Must be a valid UUID.")]
    if errors:
        raise exceptions.ValidationError(errors)
    return values
