"""Request bodies of the API's hot writes: DRF serializers whose fields are built once.

DRF deep-copies a serializer's declared fields for every instance, rebuilding each field from its
arguments; for a report of nine fields that cost more than validating it (bench/case_create.py).
A FlatSerializer builds its fields once, with its class, and gives each instance shallow copies to
bind: the same field objects' rules, run by DRF as usual, so that the body is validated in one
place. Only flat fields may be declared (no nested serializer, list or dict, whose child would be
shared between instances): that is checked when the class is made. tests/api/test_write_validation.py
compares each FlatSerializer with a plain Serializer of the same fields over generated bodies.
"""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import serializers
from rest_framework.fields import Field

# Fields that hold another field (or serializer) and bind it to themselves.
_COMPOSITE = (serializers.BaseSerializer, serializers.ListField, serializers.DictField, serializers.ManyRelatedField)


class FlatSerializer(serializers.Serializer):
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        nested = [name for name, field in cls._declared_fields.items() if isinstance(field, _COMPOSITE)]
        if nested:
            raise TypeError(f"{cls.__name__}: a FlatSerializer declares no nested fields ({', '.join(nested)})")

    def get_fields(self) -> dict[str, Field]:
        # The class's own field objects are never bound; each instance binds copies of them.
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}
