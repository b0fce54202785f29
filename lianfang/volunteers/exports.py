"""The volunteer ledger (志愿服务台账): who served where and when, as an Excel workbook."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record
from lianfang.core.ledgers.writing import LedgerWriter

from .models import Shift


def _local(moment: Any) -> Any:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def shift_ledger_export(*, actor: Actor, shifts: QuerySet[Shift], filters: str = "") -> bytes:
    """Write the given shifts (already scoped by the caller's selector) and audit the export.
    Phones are written masked, as every page shows them."""
    headers = [
        _("Volunteer"),
        _("Mobile"),
        _("Enterprise or community"),
        _("Kind of task"),
        _("Task"),
        _("Place"),
        _("Region"),
        _("Starts at"),
        _("Ends at"),
        _("How"),
        _("Checked in at"),
        _("Checked out at"),
        _("Hours"),
        _("Hours corrected"),
    ]
    writer = LedgerWriter(
        _("Volunteer service"), headers, text_columns=[_("Mobile")], widths={_("Task"): 30, _("Place"): 30}
    )
    count = 0
    for shift in shifts.iterator(chunk_size=1000):
        volunteer, task = shift.volunteer, shift.task
        writer.append(
            [
                volunteer.person.name,
                volunteer.person.phone_masked,
                volunteer.organisation_name,
                task.get_kind_display(),
                task.title,
                task.place,
                task.region.name,
                _local(task.starts_at),
                _local(task.ends_at),
                shift.get_source_display(),
                _local(shift.checked_in_at),
                _local(shift.checked_out_at),
                shift.hours,
                _("yes") if shift.hours_corrected else "",
            ]
        )
        count += 1
    audit_record(actor=actor, verb="volunteer.export", detail=f"{count} rows {filters}"[:500])
    return writer.save()
