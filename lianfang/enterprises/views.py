"""Pages of 工业路街道's three interactions: the task force's overview, problems (report on a phone,
close with the outcome's figures), resources offered and dispatched, instructors and their visits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.cases.models import Case
from lianfang.core.edits import VersionConflict, add_refusal, add_service_errors
from lianfang.core.page_actions import Done, form_action, page_action
from lianfang.core.people.selectors import person_search
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.selectors import unit_list

from . import services
from .forms import (
    AssignForm,
    CloseForm,
    CoverForm,
    DispatchForm,
    MemberForm,
    OfferForm,
    ProblemForm,
    TaskForceForm,
    VisitForm,
)
from .models import ProblemCategory, TaskForce
from .selectors import (
    assignment_list,
    coverage_of,
    dispatch_list,
    enterprises_covered,
    enterprises_to_cover,
    offer_list,
    problem_counts,
    problem_list,
    regions_without_task_force,
    staff_to_add,
    task_force_list,
    task_force_members,
    visit_list,
)


def _enterprises(request: HttpRequest) -> Any:
    return (
        unit_list(request.user)
        .filter(profiles__kind=UnitKind.ENTERPRISE)
        .select_related("region")
        .distinct()
        .order_by("name", "id")
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    forces = list(task_force_list(request.user).prefetch_related("members__user"))
    problems = problem_list(request.user)
    context = {
        "forces": [(force, enterprises_covered(request.user, force).count()) for force in forces],
        "counts": problem_counts(problems),
        "recent": problems.order_by("-case__created_at")[:10],
        "can_write": scope_for(request.user).can_write,
    }
    return render(request, "enterprises/index.html", context)


@login_required
def problems(request: HttpRequest) -> HttpResponse:
    rows = problem_list(request.user).order_by("-case__created_at", "-case_id")
    category = request.GET.get("category", "")
    if category in ProblemCategory.values:
        rows = rows.filter(category=category)
    state = request.GET.get("state", "")
    if state == "open":
        rows = rows.filter(case__is_closed=False)
    elif state == "solved":
        rows = rows.filter(case__is_closed=True)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "categories": ProblemCategory.choices,
        "category": category,
        "state": state,
        "can_write": scope_for(request.user).can_write,
    }
    return render(request, "enterprises/problems.html", context)


@login_required
def problem_new(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_write:
        raise PermissionDenied(_("Your role may not report problems."))
    units = _enterprises(request)
    form = ProblemForm(request.POST or None, units=units)
    if units.count() == 1 and not form.is_bound:
        form.initial["unit"] = units.first()

    def report(values: dict[str, Any]) -> Done:
        problem, created = services.problem_report(
            actor=request.user,
            unit=values["unit"],
            category=values["category"],
            title=values["title"],
            description=values["description"],
            confirmed=values["confirmed"],
            client_id=values["client_id"],
        )
        said = _("Reported.") if created else _("This report was already received.")
        return said, reverse("cases:detail", args=[problem.pk])

    return form_action(request, form, report) or render(request, "enterprises/problem_form.html", {"form": form})


@login_required
def problem_close(request: HttpRequest, pk: int) -> HttpResponse:
    problem = problem_list(request.user).filter(pk=pk).first()
    if problem is None:
        raise Http404
    case: Case = problem.case
    form = CloseForm(request.POST or None, initial={"version": case.version, "outcome": case.outcome})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            services.problem_finish(
                actor=request.user,
                problem=problem,
                version=values["version"],
                outcome=values["outcome"],
                workers_placed=values["workers_placed"],
                subsidy_amount=values["subsidy_amount"],
                loan_amount=values["loan_amount"],
                materials_supplied=values["materials_supplied"],
            )
        except (ValidationError, VersionConflict, PermissionDenied) as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Marked done. It now waits for verification."))
            return redirect("cases:detail", pk=case.pk)
    required = services.REQUIRED_OUTCOME.get(ProblemCategory(problem.category))
    context = {
        "form": form,
        "problem": problem,
        "required": required,
        "pretitle": f"#{problem.pk} {case.title} · {problem.get_category_display()}",
    }
    return render(request, "enterprises/problem_close.html", context)


@login_required
def resources(request: HttpRequest) -> HttpResponse:
    can_write = scope_for(request.user).can_write
    form = OfferForm(request.POST or None, units=_enterprises(request))
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            values = form.cleaned_data
            try:
                services.offer_create(
                    actor=request.user, unit=values["unit"], title=values["title"], description=values["description"]
                )
            except (ValidationError, PermissionDenied) as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, _("Saved."))
                return redirect("enterprises:resources")
    context = {
        "offers": offer_list(request.user).order_by("-created_at")[:100],
        "dispatches": dispatch_list(request.user).order_by("-case__created_at")[:50],
        "form": form,
        "dispatch_form": DispatchForm(),
        "can_write": can_write,
    }
    return render(request, "enterprises/resources.html", context)


@login_required
@require_POST
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_list(request.user).filter(pk=pk).first()
    if offer is None:
        raise Http404
    form = DispatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the request and send it again."))
        return redirect("enterprises:resources")
    values = form.cleaned_data
    sent: list[Any] = []

    def run() -> str:
        case, _created = services.dispatch_request(
            actor=request.user,
            offer=offer,
            title=values["title"],
            description=values["description"],
            deadline=values["deadline"],
            client_id=values["client_id"],
        )
        sent.append(case)
        return _("Requested. The enterprise sees it in its work list.")

    answer = page_action(request, back=reverse("enterprises:resources"), run=run)
    return redirect("cases:detail", pk=sent[0].pk) if sent else answer


@login_required
def task_forces(request: HttpRequest) -> HttpResponse:
    """The task forces in the user's jurisdiction, and setting one up where a subdistrict has none."""
    regions = [r for r in regions_without_task_force(request.user) if services.may_manage_task_force(request.user, r)]
    form = TaskForceForm(
        request.POST or None,
        regions=Region.objects.filter(pk__in=[r.pk for r in regions]),
        initial={"region": regions[0]} if len(regions) == 1 else None,  # the usual case: their one subdistrict
    )
    if request.method == "POST":
        if not regions:
            raise PermissionDenied(_("Only the subdistrict's staff may keep its task force."))
        if form.is_valid():
            try:
                force = services.task_force_create(
                    actor=request.user, region=form.cleaned_data["region"], name=form.cleaned_data["name"]
                )
            except (ValidationError, PermissionDenied) as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, _("The task force is set up. Add its members and the enterprises it covers."))
                return redirect("enterprises:task_force", pk=force.pk)
    forces = task_force_list(request.user).annotate(member_count=Count("members", distinct=True))
    forces = forces.annotate(enterprise_count=Count("coverage", distinct=True))
    return render(request, "enterprises/task_forces.html", {"forces": forces, "form": form if regions else None})


@login_required
def task_force(request: HttpRequest, pk: int) -> HttpResponse:
    """One task force: its members and the enterprises it covers; its subdistrict's staff keep both."""
    force = _visible_force(request, pk)
    may_manage = services.may_manage_task_force(request.user, force.region)
    member_form = MemberForm(users=staff_to_add(request.user, force))
    cover_form = CoverForm(units=enterprises_to_cover(request.user, force))
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Only the subdistrict's staff may keep its task force."))
        action = request.POST.get("action")
        try:
            if action == "member":
                member_form = MemberForm(request.POST, users=staff_to_add(request.user, force))
                if member_form.is_valid():
                    values = member_form.cleaned_data
                    services.task_force_member_add(
                        actor=request.user, task_force=force, user=values["user"], duty=values["duty"]
                    )
                    return _saved(request, force)
            elif action == "enterprise":
                cover_form = CoverForm(request.POST, units=enterprises_to_cover(request.user, force))
                if cover_form.is_valid():
                    unit = cover_form.cleaned_data["unit"]
                    services.task_force_cover(actor=request.user, task_force=force, unit=unit)
                    return _saved(request, force)
            elif action == "all":
                for unit in enterprises_to_cover(request.user, force):
                    services.task_force_cover(actor=request.user, task_force=force, unit=unit)
                return _saved(request, force)
        except ValidationError as error:
            add_service_errors(member_form if action == "member" else cover_form, error)
    context = {
        "force": force,
        "pretitle": " · ".join(n for n in (force.region.name, force.department.name if force.department else "") if n),
        "members": task_force_members(force),
        "covered": enterprises_covered(request.user, force),
        "may_manage": may_manage,
        "member_form": member_form,
        "cover_form": cover_form,
    }
    return render(request, "enterprises/task_force.html", context)


@login_required
@require_POST
def task_force_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    force = _visible_force(request, pk)
    member = task_force_members(force).filter(pk=member_pk).first()
    if member is None:
        raise Http404
    back = reverse("enterprises:task_force", args=[force.pk])
    return page_action(
        request, back=back, run=lambda: services.task_force_member_remove(actor=request.user, member=member)
    )


@login_required
@require_POST
def task_force_enterprise_remove(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    force = _visible_force(request, pk)
    link = coverage_of(force, unit_pk)
    if link is None:
        raise Http404
    back = reverse("enterprises:task_force", args=[force.pk])
    return page_action(request, back=back, run=lambda: services.task_force_uncover(actor=request.user, link=link))


def _visible_force(request: HttpRequest, pk: int) -> TaskForce:
    force = task_force_list(request.user).filter(pk=pk).first()
    if force is None:
        raise Http404
    return force


def _saved(request: HttpRequest, force: TaskForce) -> HttpResponse:
    messages.success(request, _("Saved."))
    return redirect("enterprises:task_force", pk=force.pk)


def _force_for(request: HttpRequest) -> TaskForce | None:
    return task_force_list(request.user).first()


@login_required
def instructors(request: HttpRequest) -> HttpResponse:
    force = _force_for(request)
    covered = enterprises_covered(request.user, force) if force is not None else Unit.objects.none()
    assign_form = AssignForm(request.POST or None, units=covered)
    if request.method == "POST":
        if force is None:
            raise PermissionDenied
        if assign_form.is_valid():
            values = assign_form.cleaned_data
            instructor = person_search(request.user, values["instructor_document"]).first()
            try:
                if instructor is None:
                    raise ValidationError(
                        {"instructor_document": [_("Nobody with this document number is in your registry.")]}
                    )
                services.instructor_assign(
                    actor=request.user,
                    task_force=force,
                    instructor=instructor,
                    unit=values["unit"],
                    starts_on=values["starts_on"],
                )
            except (ValidationError, PermissionDenied) as refused:
                add_refusal(assign_form, refused)
            else:
                messages.success(request, _("Saved."))
                return redirect("enterprises:instructors")
    assignments = assignment_list(request.user).filter(ends_on__isnull=True)
    shown, visits = assignments, visit_list(request.user)
    # From a person's or an enterprise's registry page: that instructor's, or that enterprise's.
    of_instructor, of_unit = request.GET.get("instructor", ""), request.GET.get("unit", "")
    if of_instructor.isdigit():
        shown = assignment_list(request.user).filter(instructor_id=int(of_instructor))
        visits = visits.filter(assignment__instructor_id=int(of_instructor))
    elif of_unit.isdigit():
        shown = assignment_list(request.user).filter(unit_id=int(of_unit))
        visits = visits.filter(assignment__unit_id=int(of_unit))
    context = {
        "assignments": shown,
        "filtered": shown is not assignments,
        "assign_form": assign_form if force is not None else None,
        "force": force,
        "may_set_up": bool(regions_without_task_force(request.user)) and scope_for(request.user).can_write,
        "visit_form": VisitForm(assignments=assignments),
        "visits": visits[:30],
    }
    return render(request, "enterprises/instructors.html", context)


@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    assignments = assignment_list(request.user).filter(ends_on__isnull=True)
    form = VisitForm(request.POST or None, assignments=assignments)

    def log(values: dict[str, Any]) -> Done:
        _visit, created = services.visit_log(
            actor=request.user,
            assignment=values["assignment"],
            visited_on=values["visited_on"],
            notes=values["notes"],
            client_id=values["client_id"],
        )
        said = _("Visit logged.") if created else _("This visit was already logged.")
        return said, reverse("enterprises:instructors")

    done = form_action(request, form, log)
    if done is not None:
        return done
    return render(request, "enterprises/visit_form.html", {"form": form})
