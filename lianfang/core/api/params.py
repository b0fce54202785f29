"""What clients send the API and the pages, parsed or refused with a message naming the field.

The list filters in query strings (an id, a boolean, a region, a day, one of known values) and
the ids in request bodies that several endpoints resolve the same way. Every message goes
through gettext, so a zh-hans client reads it in Chinese. An absent or empty parameter is None.
The API answers a refusal with a 400; a page (`page_filters`) says it and drops that filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from rest_framework import exceptions

from lianfang.core.accounts.models import User
from lianfang.core.regions.models import code_prefix
from lianfang.core.units.models import Unit
from lianfang.core.units.selectors import unit_list

# Dates outside these years are typing mistakes (and some would overflow the database's range).
FIRST_YEAR, LAST_YEAR = 2000, 2099
# Eighteen digits always fit a 64-bit id column.
ID_DIGITS = 18
# An unknown value is echoed back, cut to this length.
ECHO_LENGTH = 30


def refusal(field: str, message: str) -> exceptions.ValidationError:
    """The 400 for one field: {"fields": {field: [message]}} in the API's error shape."""
    return exceptions.ValidationError({field: [message]})


def is_region_code(value: Any) -> bool:
    """A 12-digit statistical division code, as text."""
    return isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit()


# Query-string filters ---------------------------------------------------------------------------


def number(params: Mapping[str, Any], name: str) -> int | None:
    """A record's id."""
    value = params.get(name) or None
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > ID_DIGITS:
        raise refusal(name, _("Give a numeric id."))
    return int(value)


def flag(params: Mapping[str, Any], name: str) -> bool | None:
    """true or false (1 or 0)."""
    value = params.get(name)
    if value in (None, ""):
        return None
    if value not in ("true", "false", "1", "0"):
        raise refusal(name, _("Give true or false."))
    return value in ("true", "1")


def region_prefix(params: Mapping[str, Any], name: str = "region") -> str | None:
    """A region's 12-digit code, given back as the prefix its records' codes begin with."""
    code = params.get(name) or None
    if code is None:
        return None
    if not is_region_code(code):
        raise refusal(name, _("Give a 12-digit region code."))
    return code_prefix(code)


def day(params: Mapping[str, Any], name: str) -> dt.date | None:
    """A date, YYYY-MM-DD, between FIRST_YEAR and LAST_YEAR."""
    value = params.get(name) or None
    if value is None:
        return None
    try:
        found = dt.date.fromisoformat(value)
    except ValueError as error:
        raise refusal(name, _("The date format is YYYY-MM-DD.")) from error
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        message = _("The date must be between the years %(first)s and %(last)s.")
        raise refusal(name, message % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return found


def choice(
    params: Mapping[str, Any], name: str, values: Collection[str], *, unknown: Promise | str | None = None
) -> str | None:
    """One of `values`. `unknown`, a lazily translated message with %(value)s, says what was not
    known ("Unknown state: %(value)s"); without it the message speaks of a value."""
    value = params.get(name) or None
    if value is not None and value not in values:
        message = str(unknown) if unknown is not None else _("Unknown value: %(value)s")
        raise refusal(name, message % {"value": value[:ECHO_LENGTH]})
    return value


F = TypeVar("F")


def page_filters(
    request: HttpRequest,
    parse: Callable[[Mapping[str, Any]], F],
    *,
    defaults: Mapping[str, str] | None = None,
    labels: Mapping[str, Promise | str] | None = None,
) -> F:
    """A list page's filters, read by the same `parse` as its API list: a filter that cannot be
    read is said (with its field's label) and left out, and the page shows the rest."""
    params: QueryDict = request.GET.copy()
    for name, value in (defaults or {}).items():
        params.setdefault(name, value)
    while True:
        try:
            return parse(params)
        except exceptions.ValidationError as refused:
            detail = refused.detail if isinstance(refused.detail, dict) else {}
            if not detail or not any(field in params for field in detail):
                raise
            for field, texts in detail.items():
                label = (labels or {}).get(str(field), "")
                for text in texts if isinstance(texts, list) else [texts]:
                    messages.error(request, f"{label}：{text}" if label else str(text))
                params.pop(str(field), None)


# Ids in a request body --------------------------------------------------------------------------


def unit_in_scope(user: Any, pk: int | None, field: str) -> Unit | None:
    """The organisation with this id among those the user may see; any other id is refused."""
    if pk is None:
        return None
    unit = unit_list(user).filter(pk=pk).select_related("region").first()
    if unit is None:
        raise refusal(field, _("Organisation not found, or outside your jurisdiction."))
    return unit


def active_account(pk: int | None, field: str) -> User | None:
    """The active account with this id; a disabled or unknown one is refused."""
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise refusal(field, _("This account does not exist or is disabled."))
    return user


def version_read(values: Mapping[str, Any]) -> int:
    """The version the client read, which every update must carry."""
    if "version" not in values:
        raise refusal("version", _("Required: give the version you read."))
    version: int = values["version"]
    return version
