"""The API's JSON parser: DRF's, with a bound on nesting.

A body nested thousands deep makes Python's decoder give up with a RecursionError, which DRF's
parser does not catch (a server error), and anything that later walks the data would hit the same.
No form of ours nests deeper than a few levels, so bodies deeper than LIANFANG_JSON_MAX_DEPTH are
refused here, as a 400 in the API's error shape, for every endpoint that reads JSON.
"""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def nesting_depth(data: Any, limit: int) -> int:
    """How deep containers nest in the data (a scalar is 0, a flat object 1), counted without
    recursion; counting stops once it passes the limit."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        pending.extend((child, depth) for child in children if isinstance(child, (dict, list)))
    return deepest


def too_deep_message(limit: int) -> str:
    return _("The request body nests deeper than %(limit)d levels.") % {"limit": limit}


class BoundedJSONParser(JSONParser):
    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        limit: int = settings.LIANFANG_JSON_MAX_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep_message(limit)) from None
        if nesting_depth(data, limit) > limit:
            raise ParseError(too_deep_message(limit))
        return data
