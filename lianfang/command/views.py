"""The district command view (every registered figure for a period and region, what needs
attention, drill-downs) and the bulletin's pages (上街信息: drafts, edits, 签发, documents)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.edits import VersionConflict
from lianfang.core.figures.forms import PeriodRegionForm
from lianfang.core.figures.selectors import figure_drill_down
from lianfang.core.flows.selectors import status_changes
from lianfang.core.page_actions import Done, form_action, page_action
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import default_region, regions_in_scope
from lianfang.core.replica import replica_reads

from . import services
from .dashboard import attention_items, practices, targets_chart
from .documents import FontsMissing, bulletin_document, bulletin_html
from .exports import export
from .flows import BULLETIN_FLOW, numbers_typed_by_hand
from .forms import DraftForm, EditForm, ReturnForm, SignForm
from .models import Bulletin
from .permissions import is_bulletin_editor
from .selectors import bulletin_figure_rows, bulletin_get, bulletin_list, figure_changes
from .states import BulletinState
from .text import linked

ROWS_PER_PAGE = 100


def _form(request: HttpRequest) -> PeriodRegionForm:
    form = PeriodRegionForm(request.GET, default_region=default_region(request.user))
    form.is_valid()
    return form


def _period_context(form: PeriodRegionForm) -> dict[str, Any]:
    """The period the page covers (None when the query string is refused) and the presets, each
    marked when it is that period."""
    period = None if form.errors else form.period
    return {"period": period, "presets": [(p, p.period == period) for p in form.presets()]}


@login_required
@replica_reads
def figures(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"practices": [], "attention": [], "targets": None}
    if not form.errors:
        scope, region, today = scope_for(request.user), form.cleaned_data["region"], timezone.localdate()
        context["attention"] = attention_items(scope, region, today)
        context["practices"] = practices(scope, form.period, region, today)
        context["targets"] = targets_chart(context["practices"], form.period, region)
    return render(
        request,
        "command/figures.html",
        {"form": form, "regions": regions_in_scope(request.user), **_period_context(form), **context},
    )


@login_required
@replica_reads
def figure_rows(request: HttpRequest, key: str) -> HttpResponse:
    form = _form(request)
    if form.errors:
        return render(
            request,
            "command/figures.html",
            {"form": form, "practices": [], "regions": regions_in_scope(request.user), **_period_context(form)},
            status=400,
        )
    drill = figure_drill_down(
        scope=scope_for(request.user), key=key, period=form.period, region=form.cleaned_data["region"]
    )
    if drill is None:
        raise Http404
    page = Paginator(drill.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    denominator_page = None
    if drill.denominator_rows is not None:
        denominator_page = Paginator(drill.denominator_rows, ROWS_PER_PAGE).get_page(request.GET.get("dpage"))
    return render(
        request,
        "command/figure_rows.html",
        {
            "form": form,
            **_period_context(form),
            "drill": drill,
            "page": page,
            "rows": drill.labelled_table(page.object_list),
            "denominator_page": denominator_page,
            "denominator_rows": drill.labelled_table(denominator_page.object_list) if denominator_page else None,
        },
    )


# The bulletin (上街信息) -----------------------------------------------------------------------


def _editor_only(request: HttpRequest) -> None:
    if not is_bulletin_editor(request.user):
        raise PermissionDenied(_("Only the bulletin office and the commander work on the bulletin."))


def _issue(request: HttpRequest, pk: int) -> Bulletin:
    found = bulletin_get(request.user, pk)
    if found is None:
        raise Http404
    return found


@login_required
def bulletins(request: HttpRequest) -> HttpResponse:
    _editor_only(request)
    form = DraftForm(request.POST or None)

    def run(data: dict[str, Any]) -> Done:
        issue = services.bulletin_draft(
            actor=request.user, start=data["start"], end=data["end"], issued_on=data.get("issued_on")
        )
        return _("Issue %(issue)s is drafted from the records.") % {"issue": issue}, reverse(
            "command:bulletin", args=[issue.pk]
        )

    done = form_action(request, form, run)
    if done is not None:
        return done
    page = Paginator(bulletin_list(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "command/bulletins.html", {"form": form, "page": page})


def _link(issue: Bulletin) -> Any:
    def link(token: int) -> str:
        return reverse("command:bulletin-figure", args=[issue.pk, token])

    return link


@login_required
def bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)
    changes = figure_changes(issue)
    link = _link(issue)
    sections = [(s, linked(s.text, link, set(changes))) for s in issue.sections.all()]
    offered = {t.name for t in BULLETIN_FLOW.offered(issue, request.user)}
    return render(
        request,
        "command/bulletin.html",
        {
            "issue": issue,
            "masthead": settings.BULLETIN_MASTHEAD,
            "sections": sections,
            "changes": sorted(changes.values(), key=lambda c: c.figure.token),
            "hand_numbers": numbers_typed_by_hand(issue) if not issue.is_published else issue.hand_numbers,
            "offered": offered,
            "editable": issue.state == BulletinState.DRAFT,
            "signer_needed": issue.state == BulletinState.SUBMITTED and "sign" not in offered,
            "return_form": ReturnForm(initial={"version": issue.version}),
            "sign_form": SignForm(initial={"version": issue.version}),
            "history": status_changes(issue),
        },
    )


@login_required
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)
    if issue.state != BulletinState.DRAFT:
        messages.error(request, _("Only a draft may be changed; return the issue to the draft first."))
        return redirect("command:bulletin", pk=pk)
    initial = {
        "version": issue.version,
        "title": issue.title,
        "issued_on": issue.issued_on,
        "editor_note": issue.editor_note,
    }
    form = EditForm(request.POST or None, bulletin=issue, initial=initial)

    def run(data: dict[str, Any]) -> Done:
        services.bulletin_edit(
            actor=request.user,
            bulletin=issue,
            version=data["version"],
            title=data["title"],
            editor_note=data["editor_note"],
            issued_on=data["issued_on"],
            sections=form.section_edits(),
        )
        return _("The issue is saved."), reverse("command:bulletin", args=[pk])

    done = form_action(request, form, run)
    if done is not None:
        return done
    return render(request, "command/bulletin_edit.html", {"issue": issue, "form": form})


def _version(request: HttpRequest) -> int:
    """The version of the issue the page showed: a move is taken on what the user saw, or not at all."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise VersionConflict(_("The page is out of date; reload the issue and try again.")) from None


@require_POST
@login_required
def bulletin_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)

    def run() -> str:
        services.bulletin_submit(actor=request.user, bulletin=issue, version=_version(request))
        return _("The issue awaits a second person's signature (签发).")

    return page_action(request, back=reverse("command:bulletin", args=[pk]), run=run)


@require_POST
@login_required
def bulletin_return(request: HttpRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)

    def run() -> str:
        services.bulletin_return(
            actor=request.user, bulletin=issue, note=request.POST.get("note", ""), version=_version(request)
        )
        return _("The issue is back in the draft.")

    return page_action(request, back=reverse("command:bulletin", args=[pk]), run=run, labels={"note": _("Reason")})


@require_POST
@login_required
def bulletin_sign(request: HttpRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)

    def run() -> str:
        services.bulletin_sign(
            actor=request.user,
            bulletin=issue,
            confirm_hand_numbers=request.POST.get("confirm_hand_numbers") == "on",
            version=_version(request),
        )
        return _("Issue %(issue)s is signed and published.") % {"issue": issue}

    return page_action(request, back=reverse("command:bulletin", args=[pk]), run=run)


@require_POST
@login_required
def bulletin_discard(request: HttpRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)
    name = str(issue)
    try:
        services.bulletin_discard(actor=request.user, bulletin=issue, version=_version(request))
    except (ValidationError, PermissionDenied, VersionConflict) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
        return redirect("command:bulletin", pk=pk)
    messages.success(request, _("The draft %(issue)s is discarded.") % {"issue": name})
    return redirect("command:bulletins")


@login_required
def bulletin_figure(request: HttpRequest, pk: int, token: int) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)
    found = bulletin_figure_rows(request.user, issue, token)
    if found is None:
        raise Http404
    page = Paginator(found.drill.rows, ROWS_PER_PAGE).get_page(request.GET.get("page")) if found.listed else None
    if found.listed and found.sensitive:
        services.bulletin_rows_viewed(actor=request.user, bulletin=issue, figure=found.figure)
    return render(
        request,
        "command/bulletin_figure.html",
        {
            "issue": issue,
            "found": found,
            "page": page,
            "rows": found.drill.labelled_table(page.object_list) if page is not None else [],
            "count": found.drill.rows.count(),
        },
    )


EXPORTS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("application/pdf", "pdf"),
    "html": ("text/html; charset=utf-8", "html"),
}


@login_required
def bulletin_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)
    if fmt not in EXPORTS:
        raise Http404
    try:
        content: bytes | str = export(issue, fmt)
    except FontsMissing as missing:
        messages.error(request, str(missing))
        return redirect("command:bulletin", pk=pk)
    services.bulletin_exported(actor=request.user, bulletin=issue, fmt=fmt)
    content_type, suffix = EXPORTS[fmt]
    response = HttpResponse(content, content_type=content_type)
    name = f"{bulletin_document(issue).filename}.{suffix}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def bulletin_print(request: HttpRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    issue = _issue(request, pk)
    # The page's own style carries the request's CSP nonce (the lazy nonce is made on first use).
    return HttpResponse(bulletin_html(issue, nonce=str(request.csp_nonce)))  # type: ignore[attr-defined]
