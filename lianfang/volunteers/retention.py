"""A volunteer is held by the registry while active, and until their record was last changed after
they stopped (core/people/retention.py): a volunteer who leaves is anonymised a year later, and the
hours they served stay counted."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from lianfang.core.people.retention import register_hold

from .models import Volunteer


def _stopped_before(cutoff: dt.date) -> Q:
    return Q(is_active=False, updated_at__date__lt=cutoff)


register_hold(Volunteer, "person", _stopped_before, source="volunteers")
