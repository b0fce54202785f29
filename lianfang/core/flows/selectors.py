"""Reads of status changes: a record's history of states, for the pages that show it."""

from __future__ import annotations

from django.db import models

from .engine import get_flow
from .models import StatusChange


def status_changes(record: models.Model) -> list[StatusChange]:
    """The transitions `record` has taken, oldest first, each with the labels of its transition
    and states (`transition_label`, `from_label`, `to_label`). The caller has already checked that
    the user may see the record: these rows say nothing the record's own page does not."""
    rows = list(
        StatusChange.objects.filter(record_type=record._meta.label_lower, record_id=record.pk).order_by("at", "id")
    )
    for row in rows:
        try:
            flow = get_flow(row.flow)
        except LookupError:  # a flow since retired: its stored names are all there is
            row.transition_label, row.from_label, row.to_label = row.transition, row.from_state, row.to_state
            continue
        row.transition_label = flow.label(row.transition)
        row.from_label, row.to_label = flow.state_label(row.from_state), flow.state_label(row.to_state)
    return rows
