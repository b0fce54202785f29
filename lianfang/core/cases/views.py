"""Case pages: the list (filters, bulk actions, export), "my work", the report form for phones,
and a case's page with its actions, timeline and evidence. Each action posts to its own URL and
comes back to the case's page with what happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as BadQuery

from lianfang.core.api.params import ID_DIGITS, page_filters
from lianfang.core.figures.registry import registry as figure_registry
from lianfang.core.files.serving import file_response
from lianfang.core.navigation import STAFF_ROLES
from lianfang.core.page_actions import SAID_AS_IS, Done, form_action, form_refusal, page_action
from lianfang.core.people.models import NAME_ORDER
from lianfang.core.regions.models import Department, Role
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import regions_in_scope, sole_region, staff_serving
from lianfang.core.units.selectors import unit_list

from . import services
from .exports import case_export
from .filters import case_filters
from .forms import AssignForm, AttachForm, BulkForm, CommentForm, EditForm, ReportForm, TransitionForm
from .kinds import closing_for, default_kind_for, get_kind, kind_choices
from .models import Case
from .permissions import sides
from .selectors import CaseFilters, case_list, case_search, case_timeline, my_work, reported_by_me
from .states import Side, State

FIELD_LABELS = {
    "note": gettext_lazy("reason or note"),
    "outcome": gettext_lazy("outcome of the case"),
    "evidence": gettext_lazy("evidence"),
    "title": gettext_lazy("title"),
    "deadline": gettext_lazy("deadline"),
    "region": gettext_lazy("region"),
    "kind": gettext_lazy("kind"),
    "priority": gettext_lazy("priority"),
    "description": gettext_lazy("description"),
    "owner_department": gettext_lazy("department or office"),
    "assignee": gettext_lazy("person"),
    "file": gettext_lazy("photo or file"),
    "state": gettext_lazy("state"),
    "unit": gettext_lazy("organisation"),
    "person": gettext_lazy("person"),
    "overdue": gettext_lazy("overdue"),
    "closed": gettext_lazy("closed"),
}


def _visible(request: HttpRequest, pk: int) -> Case:
    case = case_list(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _filters(request: HttpRequest) -> CaseFilters:
    return page_filters(request, case_filters, labels=FIELD_LABELS)


# Each row may offer 受理: the sides of a case need its owning office's region, read with the row.
ROW_RELATED = ("owner_department__region",)


def _with_row_actions(request: HttpRequest, cases: Any) -> Any:
    """Mark each case of a page with whether this user may accept it from the list (no query more)."""
    for case in cases:
        case.may_accept = case.state == State.REPORTED and any(
            t.name == "accept" for t in get_kind(case.kind).flow.offered(case, request.user)
        )
    return cases


def _list_cases(request: HttpRequest, query: QueryDict) -> Any:
    """The list a row was accepted from, with its filters (as its page read them; unreadable: none)."""
    try:
        filters = case_filters(query)
    except BadQuery:
        filters = CaseFilters()
    return case_search(request.user, filters).select_related(*ROW_RELATED).order_by("-created_at", "-id")


@login_required
def case_index(request: HttpRequest) -> HttpResponse:
    cases = case_search(request.user, _filters(request)).select_related(*ROW_RELATED).order_by("-created_at", "-id")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    _with_row_actions(request, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "to_accept": cases.filter(state=State.REPORTED).count(),
        "where": "index",
        "get": request.GET,
        "query": query.urlencode(),
        "states": State.choices,
        "kinds": kind_choices(),
        "regions": regions_in_scope(request.user),
        "departments": Department.objects.order_by("kind", "code"),
        "can_write": scope_for(request.user).can_write,
        "today": timezone.localdate(),
    }
    return render(request, "cases/list.html", context)


@login_required
def case_mine(request: HttpRequest) -> HttpResponse:
    cases = my_work(request.user).select_related(*ROW_RELATED)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    _with_row_actions(request, page.object_list)
    context = {
        "page": page,
        "to_accept": cases.filter(state=State.REPORTED).count(),
        "where": "mine",
        "today": timezone.localdate(),
        "may_report": bool(scope_for(request.user).roles & STAFF_ROLES),
    }
    return render(request, "cases/mine.html", context)


@login_required
@require_POST
def case_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """受理 from a list's row. From htmx, the answer is the row itself (it keeps its place) and the
    list's count of cases to accept, swapped out of band; without it, back to the list."""
    where = "index" if request.POST.get("where") == "index" else "mine"
    query = QueryDict(request.POST.get("back", "")) if where == "index" else QueryDict()
    back = reverse(f"cases:{where}") + (f"?{query.urlencode()}" if query else "")
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= ID_DIGITS else None
    case = _visible(request, pk)

    def run() -> str:
        services.case_transition(actor=request.user, case=case, name="accept", version=version)
        return _("Accepted: #%(id)s") % {"id": pk}

    if request.headers.get("HX-Request") != "true":
        return page_action(request, back=back, run=run, labels=FIELD_LABELS)
    refused = ""
    try:
        run()
    except ValidationError as error:
        refused = "；".join(error.messages)
    except (PermissionDenied, *SAID_AS_IS) as error:
        refused = str(error) or _("You may not do this.")
    cases = _list_cases(request, query) if where == "index" else my_work(request.user).select_related(*ROW_RELATED)
    row = cases.filter(pk=pk).first() or case_list(request.user).select_related(*ROW_RELATED).get(pk=pk)
    _with_row_actions(request, [row])
    context = {
        "c": row,
        "where": where,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "can_write": scope_for(request.user).can_write,
        "row_error": refused,
        "to_accept": cases.filter(state=State.REPORTED).count(),
        "oob": True,
    }
    return render(request, "cases/_accept_answer.html", context)


@login_required
def case_reported(request: HttpRequest) -> HttpResponse:
    """我上报的: what I reported and where each stands (state, owner, deadline)."""
    page = Paginator(reported_by_me(request.user), 50).get_page(request.GET.get("page"))
    may_report = bool(scope_for(request.user).roles & STAFF_ROLES)  # as the menu offers "Report a case"
    return render(
        request, "cases/reported.html", {"page": page, "today": timezone.localdate(), "may_report": may_report}
    )


@login_required
def case_export_view(request: HttpRequest) -> HttpResponse:
    cases = case_search(request.user, _filters(request)).order_by("-created_at", "-id")
    body = case_export(actor=request.user, cases=cases)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename=cases-{stamp}.xlsx"
    return response


@login_required
@require_POST
def case_bulk_view(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("ids") if i.isascii() and i.isdigit() and len(i) <= ID_DIGITS]
    form = BulkForm(request.POST, ids=ids)
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose the cases and an action."))
        return redirect("cases:index")
    result = services.case_bulk(
        actor=request.user,
        cases=case_list(request.user).filter(pk__in=ids),
        action=form.cleaned_data["action"],
        owner_department=form.cleaned_data["owner_department"],
    )
    if result.done:
        messages.success(request, _("%(count)s cases done.") % {"count": result.done})
    for pk, reason in result.refused.items():
        messages.warning(request, f"#{pk}：{reason}")
    back = QueryDict(request.POST.get("back", "")).urlencode()  # the list's filters, and only those
    return redirect(reverse("cases:index") + (f"?{back}" if back else ""))


@login_required
def case_report_view(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.can_write:
        raise PermissionDenied(_("Your role may not report cases."))
    units = unit_list(request.user).select_related("region").order_by(*NAME_ORDER)
    initial: dict[str, Any] = {}
    kind_key = default_kind_for(scope.roles)
    if kind_key is not None:
        initial["kind"] = kind_key
    initial["region"] = sole_region(request.user)
    form = ReportForm(request.POST or None, units=units, regions=regions_in_scope(request.user), initial=initial)

    def report(values: dict[str, Any]) -> Done:
        data = services.clean_case(
            kind=values["kind"],
            title=values["title"],
            description=values["description"],
            unit=values["unit"],
            region=values["region"],
            deadline=values["deadline"],
            priority=values["priority"],
        )
        case, created = services.case_report(actor=request.user, data=data, client_id=values["client_id"])
        said = _("Reported.") if created else _("This report was already received.")
        return said, reverse("cases:detail", args=[case.pk])

    return form_action(request, form, report) or render(request, "cases/report.html", {"form": form})


def _assignable(case: Case) -> Any:
    """People a case can be handed to: staff and workers serving in its subdistrict, and bureau staff."""
    subdistrict = staff_serving(roles=[Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER], within=[case.region.code[:9]])
    return subdistrict | staff_serving(roles=[Role.DEPARTMENT_STAFF])


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible(request, pk)
    allowed = sides(request.user, case)
    kind = get_kind(case.kind)
    actions = kind.flow.offered(case, request.user)
    closing = closing_for(case.kind)
    may_dispatch = bool(allowed & {Side.DISPATCHER, Side.OWNER})
    # What the practice recorded of the outcome (workers placed, amounts) and the figures the case
    # counts toward: the practice fills it in through its Closing; the core knows no practice.
    outcome = closing.outcome(case) if closing is not None and closing.outcome is not None else None
    counts_toward = [f for f in (figure_registry.get(k) for k in (outcome.figures if outcome else ())) if f]
    context = {
        "case": case,
        "kind": kind,
        "outcome": outcome,
        "counts_toward": counts_toward,
        "actions": actions,
        "close_url": closing.url(case) if closing is not None else "",
        "events": case_timeline(case),
        "attachments": case.attachments.select_related("file", "event"),
        "may_write": scope_for(request.user).can_write,
        "may_dispatch": may_dispatch,
        "assign_form": AssignForm(initial={"version": case.version}, people=_assignable(case))
        if may_dispatch
        else None,
        "edit_form": EditForm(
            initial={
                "version": case.version,
                "title": case.title,
                "description": case.description,
                "deadline": case.deadline,
                "priority": case.priority,
            }
        )
        if may_dispatch
        else None,
        "comment_form": CommentForm(),
        "attach_form": AttachForm(),
    }
    return render(request, "cases/detail.html", context)


def _act(request: HttpRequest, pk: int, run: Callable[[Case], object]) -> HttpResponse:
    case = _visible(request, pk)
    return page_action(request, back=reverse("cases:detail", args=[pk]), run=lambda: run(case), labels=FIELD_LABELS)


@login_required
@require_POST
def case_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = TransitionForm(request.POST)

    def run(case: Case) -> None:
        if not form.is_valid():
            raise form_refusal(form)
        values = form.cleaned_data
        services.case_transition(
            actor=request.user,
            case=case,
            name=values["name"],
            version=values["version"],
            note=values["note"],
            outcome=values["outcome"] or None,
        )

    return _act(request, pk, run)


@login_required
@require_POST
def case_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    def run(case: Case) -> None:
        form = AssignForm(request.POST, people=_assignable(case))
        if not form.is_valid():
            raise form_refusal(form)
        values = form.cleaned_data
        services.case_assign(
            actor=request.user,
            case=case,
            version=values["version"],
            owner_department=values["owner_department"],
            assignee=values["assignee"],
            note=values["note"],
        )

    return _act(request, pk, run)


@login_required
@require_POST
def case_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    def run(case: Case) -> None:
        form = EditForm(request.POST)
        if not form.is_valid():
            raise form_refusal(form)
        values = form.cleaned_data
        services.case_edit(
            actor=request.user,
            case=case,
            version=values["version"],
            title=values["title"],
            description=values["description"],
            deadline=values["deadline"],
            priority=values["priority"],
        )

    return _act(request, pk, run)


@login_required
@require_POST
def case_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda case: services.case_comment(actor=request.user, case=case, note=request.POST.get("note", "")),
    )


@login_required
@require_POST
def case_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    def run(case: Case) -> None:
        form = AttachForm(request.POST, request.FILES)
        if not form.is_valid():
            raise form_refusal(form)
        services.case_attach(
            actor=request.user, case=case, upload=form.cleaned_data["file"], note=form.cleaned_data["note"]
        )

    return _act(request, pk, run)


@login_required
def case_file(request: HttpRequest, pk: int, file_id: str) -> FileResponse:
    case = _visible(request, pk)
    found = case.attachments.select_related("file").filter(file__public_id=file_id).first()
    if found is None:
        raise Http404
    return file_response(found.file)
