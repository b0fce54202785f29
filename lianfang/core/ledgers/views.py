"""The upload page for ledgers (preview, then import), the error report, templates and exports."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .previews import preview_discard, preview_keep, preview_take
from .registry import RegisteredLedger, offered_ledgers
from .reports import ImportReport, RowError
from .services import ledger_export, ledger_import, ledger_template
from .workbooks import LedgerFileError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_PENDING = "ledger_pending"
SESSION_ERRORS = "ledger_errors"


def _kinds(request: HttpRequest) -> list[tuple[str, Any]]:
    """The ledgers offered to this user (registry.py): the registries' and the practices'."""
    return [(entry.kind, entry.label) for entry in offered_ledgers(request.user)]


def _page_export(request: HttpRequest, kind: str) -> RegisteredLedger:
    """A ledger the pages export for this user, or a 403."""
    for entry in offered_ledgers(request.user):
        if entry.kind == kind and entry.exportable and entry.page_export:
            return entry
    raise PermissionDenied


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    kinds = _kinds(request)
    context: dict[str, Any] = {"kinds": kinds, "kind": request.POST.get("kind", "people")}
    if request.method != "POST":
        return render(request, "registry/import.html", context)
    pending = request.session.get(SESSION_PENDING, {})
    token = request.POST.get("confirm", "")
    if token:
        if token not in pending:
            context["file_error"] = _("This preview has expired; choose the file again.")
            return render(request, "registry/import.html", context, status=400)
        kind, filename = pending.pop(token)
        request.session[SESSION_PENDING] = pending
        kept = preview_take(token)
        if kept is None:
            context["file_error"] = _("This preview has expired; choose the file again.")
            return render(request, "registry/import.html", context, status=400)
        return _run(request, context, kind=kind, source=kept, filename=filename, dry_run=False)
    kind = request.POST.get("kind", "")
    upload = request.FILES.get("file")
    if kind not in dict(kinds) or upload is None:
        context["file_error"] = _("Choose a ledger and an Excel file.")
        return render(request, "registry/import.html", context, status=400)
    if upload.size and upload.size > settings.IMPORT_MAX_BYTES:
        context["file_error"] = _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20}
        return render(request, "registry/import.html", context, status=400)
    preview = request.POST.get("preview") == "1"
    if not preview:
        return _run(request, context, kind=kind, source=upload, filename=upload.name or "", dry_run=False)
    response = _run(request, context, kind=kind, source=upload, filename=upload.name or "", dry_run=True)
    if context.get("report") is not None and context["report"].ok:
        # One preview waits per user: a newer one replaces those not confirmed.
        for earlier in pending:
            preview_discard(earlier)
        upload.seek(0)
        token = preview_keep(upload)
        request.session[SESSION_PENDING] = {token: (kind, upload.name or "")}
        context["token"] = token
        return render(request, "registry/import.html", context)
    return response


def _run(
    request: HttpRequest, context: dict[str, Any], *, kind: str, source: Any, filename: str, dry_run: bool
) -> HttpResponse:
    context["kind"], context["filename"] = kind, filename
    try:
        report = ledger_import(actor=request.user, kind=kind, file=source, filename=filename, dry_run=dry_run)
    except LedgerFileError as error:
        context["file_error"] = str(error)
        return render(request, "registry/import.html", context, status=400)
    context["report"] = report
    request.session[SESSION_ERRORS] = {"kind": kind, "errors": [dataclasses.asdict(e) for e in report.errors]}
    return render(request, "registry/import.html", context, status=200 if report.ok else 400)


@login_required
def error_report(request: HttpRequest) -> HttpResponse:
    """The last import's errors as an Excel file (values already masked)."""
    saved = request.session.get(SESSION_ERRORS) or {"kind": "people", "errors": []}
    report = ImportReport(kind=saved["kind"], errors=[RowError(**e) for e in saved["errors"]])
    return _xlsx(report.errors_xlsx(), f"errors-{saved['kind']}.xlsx")


@login_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in dict(_kinds(request)):
        raise PermissionDenied
    return _xlsx(ledger_template(kind), f"template-{kind}.xlsx")


@login_required
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """Masked export by GET; a full export is a POST with a reason, for those who may reveal."""
    _page_export(request, kind)
    return _xlsx(ledger_export(actor=request.user, kind=kind), f"{kind}.xlsx")


@login_required
@require_POST
def export_unmasked(request: HttpRequest, kind: str) -> HttpResponse:
    _page_export(request, kind)
    reason = request.POST.get("reason", "").strip()
    if len(reason) < 4:
        raise PermissionDenied(_("Give the reason for an export with full numbers (at least 4 characters)."))
    return _xlsx(ledger_export(actor=request.user, kind=kind, reveal=True, reason=reason), f"{kind}-full.xlsx")
