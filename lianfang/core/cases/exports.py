"""The case list as an Excel ledger (台账), with the same scoping and filters as the page."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record
from lianfang.core.ledgers.writing import LedgerWriter

from .models import Case


def case_export(*, actor: Actor, cases: QuerySet[Case]) -> bytes:
    """Write the given cases (already scoped by the caller's selector) and audit the export."""
    headers = [
        _("Number"),
        _("Kind"),
        _("Title"),
        _("Organisation"),
        _("Region"),
        _("State"),
        _("Owner"),
        _("Assigned to"),
        _("Deadline"),
        _("Overdue"),
        _("Reported at"),
        _("Closed at"),
        _("Outcome"),
    ]
    writer = LedgerWriter(_("Cases"), headers, widths={_("Title"): 40, _("Outcome"): 40})
    count = 0
    for case in cases.iterator(chunk_size=1000):
        owner = (
            case.owner_department.name if case.owner_department else (case.owner_unit.name if case.owner_unit else "")
        )
        writer.append(
            [
                case.pk,
                case.kind_label,
                case.title,
                case.unit.name if case.unit else "",
                case.region.name,
                case.state_label,
                owner,
                (case.assignee.full_name or case.assignee.get_username()) if case.assignee else "",
                case.deadline,
                _("yes") if case.is_overdue else "",
                timezone.localtime(case.created_at).replace(tzinfo=None),
                timezone.localtime(case.closed_at).replace(tzinfo=None) if case.closed_at else None,
                case.outcome,
            ]
        )
        count += 1
    audit_record(actor=actor, verb="case.export", detail=f"{count} rows")
    return writer.save()
