"""The relief ledger (救助台账) as an Excel workbook, with the columns civil affairs keeps:
序号, 姓名, 身份证号 (masked unless revealed), 家庭住址, 家庭人口, 救助类型, 救助事由, 救助金额（元）, 救助方式,
审批日期, 发放日期, 经办人. One row per application that has been paid, in the viewer's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record, audit_record_refusal
from lianfang.core.ledgers.writing import LedgerWriter
from lianfang.core.people.indexes import DOCUMENT_COLUMN
from lianfang.core.privacy.cipher import decrypt
from lianfang.core.regions.scoping import scope_for

from .selectors import relief_list
from .states import ReliefState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def relief_ledger_rows(actor: Actor, *, reveal: bool = False) -> list[list[Any]]:
    """The ledger's rows: the paid applications the actor may see, oldest approval first."""
    rows = (
        relief_list(actor)
        .filter(state__in=(ReliefState.PAYING, ReliefState.ARCHIVED), payments__isnull=False)
        .distinct()
        .select_related("household", "applicant", "investigated_by")
        .prefetch_related("payments__paid_by", "household__members")
        .order_by("approved_at", "id")
    )
    out: list[list[Any]] = []
    for n, application in enumerate(rows, start=1):
        payments = list(application.payments.all())
        methods = "、".join(dict.fromkeys(p.get_method_display() for p in payments))
        paid_on = max(p.paid_on for p in payments)
        handler = payments[-1].paid_by or application.investigated_by
        person = application.applicant
        number = decrypt(person.document_cipher, column=DOCUMENT_COLUMN) if reveal else person.document_masked
        out.append(
            [
                n,
                person.name,
                number,
                application.household.address,
                application.household_size or len(application.household.members.all()),
                application.get_relief_type_display(),
                application.get_cause_display(),
                sum((p.amount for p in payments), start=0),
                methods,
                timezone.localtime(application.approved_at).date() if application.approved_at else None,
                paid_on,
                (handler.full_name or handler.username) if handler is not None else "",
            ]
        )
    return out


# The columns as 民政 keeps them (the workbook's headers are the ledger's own words, as the
# people ledger's are).
HEADERS = (
    "序号", "姓名", "身份证号", "家庭住址", "家庭人口", "救助类型", "救助事由", "救助金额（元）", "救助方式",
    "审批日期", "发放日期", "经办人",
)  # fmt: skip


def relief_ledger_export(*, actor: Actor, reveal: bool = False, reason: str = "") -> bytes:
    """The workbook; full identity numbers only for a user who may reveal, with a reason (audited)."""
    if reveal and not scope_for(actor).may_reveal:
        audit_record_refusal(actor=actor, verb="relief.ledger_export", detail="full numbers")
        raise PermissionDenied(_("You may not export full ID numbers and phones."))
    writer = LedgerWriter(_("Relief ledger"), list(HEADERS), text_columns=["身份证号"], widths={"家庭住址": 30})
    rows = relief_ledger_rows(actor, reveal=reveal)
    for row in rows:
        writer.append(row)
    detail = f"{len(rows)} rows" + (f"; full numbers: {' '.join(reason.split())}" if reveal else "")
    audit_record(actor=actor, verb="relief.ledger_export", detail=detail[:500])
    return writer.save()


def relief_ledger(actor: Actor, *, reveal: bool = False, reason: str = "") -> HttpResponse:
    answer = HttpResponse(relief_ledger_export(actor=actor, reveal=reveal, reason=reason), content_type=XLSX)
    name = "relief-ledger-full.xlsx" if reveal else "relief-ledger.xlsx"
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer
