"""Serializer fields shared by the API's endpoints."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import region_by_code


class RegionCodeField(serializers.SlugRelatedField[Region]):
    """A region given by its 12-digit division code; anything else is refused before any query."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data: Any) -> Region:
        region = None
        if isinstance(data, str) and re.fullmatch(r"[0-9]{12}", data):
            region = region_by_code(data)  # the tree changes a few times a year: cached per process
        if region is None:
            raise serializers.ValidationError(_("No region has the code %(code)s.") % {"code": str(data)[:20]})
        return region


class ClientIdField(serializers.UUIDField):
    """The id a phone generates for a submission, so that a resend is recognised: a UUID written
    as text. DRF's UUIDField would also take a whole number (5 becomes …0005), which two phones
    could easily both send."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        kwargs.setdefault("help_text", "Generated on the phone; a resend with the same id returns the first answer.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> uuid.UUID:
        if not isinstance(data, str | uuid.UUID):
            self.fail("invalid", value=str(data)[:40])
        return super().to_internal_value(data)
