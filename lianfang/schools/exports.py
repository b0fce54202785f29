"""The lesson ledger (听评课台账): each observed lesson, as an Excel workbook."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record
from lianfang.core.ledgers.writing import LedgerWriter

from .models import LessonObservation


def lesson_ledger_export(*, actor: Actor, lessons: QuerySet[LessonObservation], period: str = "") -> bytes:
    """Write the given observations (scoped by the caller's selector) and audit the export."""
    headers = [
        _("School"),
        _("Teacher"),
        _("Subject"),
        _("Observed on"),
        _("Total score"),
        _("Grade of the lesson"),
        _("Suggestions"),
        _("Teaching researcher"),
        _("Improvement case"),
    ]
    writer = LedgerWriter(_("Lesson ledger"), headers, widths={_("Suggestions"): 40, _("School"): 20})
    count = 0
    for row in lessons.iterator(chunk_size=1000):
        writer.append(
            [
                row.school.unit.name,
                row.teacher.full_name or row.teacher.username,
                row.subject,
                row.observed_on,
                row.score,
                row.grade,
                row.suggestions,
                row.observer.full_name or row.observer.username,
                row.case.get_state_display() if row.case_id and row.case else "",
            ]
        )
        count += 1
    audit_record(actor=actor, verb="lesson.export", detail=f"{count} rows {period}"[:500])
    return writer.save()
