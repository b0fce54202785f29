"""Serializer fields shared by the API's endpoints."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from lianfang.core.regions.models import Region


class RegionCodeField(serializers.SlugRelatedField[Region]):
    """A region given by its 12-digit division code; anything else is refused before any query."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data: Any) -> Region:
        if not isinstance(data, str) or not re.fullmatch(r"\d{12}", data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:20])
        return super().to_internal_value(data)
