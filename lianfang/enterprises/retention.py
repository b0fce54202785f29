"""An instructor is held by the registry while assigned to an enterprise, and until the assignment
ended (core/people/retention.py)."""

from __future__ import annotations

from django.db.models import Q

from lianfang.core.people.retention import register_hold

from .models import InstructorAssignment

register_hold(InstructorAssignment, "instructor", lambda cutoff: Q(ends_on__lt=cutoff), source="enterprises")
