"""Volunteer pages, phone first: volunteers, tasks, a task's shifts with check-in and check-out,
and the ledger of who served where and when. Each action posts to its own URL and comes back to
the page it was taken on, saying what happened."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.core.accounts.models import User
from lianfang.core.api.params import page_filters
from lianfang.core.flows.selectors import status_changes
from lianfang.core.page_actions import Done, form_action, page_action
from lianfang.core.people.models import NAME_ORDER
from lianfang.core.regions.models import RegionLevel
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import regions_in_scope, staff_serving
from lianfang.core.units.models import UnitKind
from lianfang.core.units.selectors import unit_list

from . import services
from .exports import shift_ledger_export
from .filters import shift_filters, task_filters, volunteer_filters
from .forms import (
    CheckForm,
    DispatchForm,
    HoursForm,
    SignUpForm,
    TaskForm,
    TransitionForm,
    VolunteerEditForm,
    VolunteerForm,
)
from .models import Availability, Shift, TaskKind, Volunteer, VolunteerTask
from .permissions import ORGANISING_ROLES, contact_units, may_organise, organises_anywhere
from .selectors import (
    ShiftFilters,
    TaskFilters,
    shift_list,
    shift_search,
    task_list,
    task_places_taken,
    task_search,
    task_shifts,
    volunteer_list,
    volunteer_search,
    with_places_taken,
)
from .states import TASK_FLOW, TaskState

FIELD_LABELS = {
    "volunteers": gettext_lazy("volunteers"),
    "volunteer": gettext_lazy("volunteer"),
    "task": gettext_lazy("task"),
    "shift": gettext_lazy("shift"),
    "at": gettext_lazy("time"),
    "hours": gettext_lazy("hours"),
    "reason": gettext_lazy("reason"),
    "client_id": gettext_lazy("submission"),
    "region": gettext_lazy("region"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "kind": gettext_lazy("kind"),
    "state": gettext_lazy("state"),
    "active": gettext_lazy("active"),
    "availability": gettext_lazy("availability"),
}


def _organisation_options(user: Any) -> list[tuple[str, str]]:
    """The organisation filter: both kinds, then each enterprise and each community in view."""
    options = [("enterprise", _("Enterprise volunteers")), ("community", _("Community volunteers"))]
    options += [(f"unit:{u.pk}", u.name) for u in unit_list(user, kind=UnitKind.ENTERPRISE).order_by(*NAME_ORDER)]
    communities = regions_in_scope(user).filter(level__in=[RegionLevel.COMMUNITY, RegionLevel.VILLAGE])
    options += [(f"region:{r.code}", r.name) for r in communities]
    return options


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Volunteers ---------------------------------------------------------------------------------


@login_required
def volunteer_index(request: HttpRequest) -> HttpResponse:
    get = request.GET
    active = get.get("active", "1")  # active volunteers unless the page is asked for others
    filters = page_filters(request, volunteer_filters, defaults={"active": "1"}, labels=FIELD_LABELS)
    volunteers = volunteer_search(request.user, filters).order_by("person__name_pinyin", "person__name", "id")
    page = Paginator(volunteers, 50).get_page(get.get("page"))
    context = {
        "page": page,
        "get": get,
        "active": active,
        "query": _query(request),
        "organisations": _organisation_options(request.user),
        "regions": regions_in_scope(request.user),
        "availabilities": Availability.choices,
        "may_register": organises_anywhere(request.user) or bool(contact_units(request.user)),
    }
    return render(request, "volunteers/list.html", context)


def _visible_volunteer(request: HttpRequest, pk: int) -> Volunteer:
    volunteer = volunteer_list(request.user).filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _visible_volunteer(request, pk)
    shifts = shift_list(request.user).filter(volunteer=volunteer).order_by("-task__starts_at", "-id")
    may_edit = may_organise(request.user, region_code=volunteer.region.code) or (
        volunteer.unit_id is not None and volunteer.unit_id in contact_units(request.user)
    )
    form = VolunteerEditForm(
        initial={
            "skills": volunteer.skills,
            "availability": volunteer.availability,
            "is_active": "1" if volunteer.is_active else "0",
            "version": volunteer.version,
        }
    )
    context = {"volunteer": volunteer, "shifts": shifts[:100], "form": form if may_edit else None}
    return render(request, "volunteers/detail.html", context)


@login_required
@require_POST
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _visible_volunteer(request, pk)
    form = VolunteerEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form and try again."))
        return redirect("volunteers:detail", pk=pk)
    values = form.cleaned_data
    return page_action(
        request,
        back=reverse("volunteers:detail", args=[pk]),
        run=lambda: services.volunteer_update(
            actor=request.user,
            volunteer=volunteer,
            skills=values["skills"],
            availability=values["availability"],
            is_active=values["is_active"],
            version=values["version"],
        ),
        labels=FIELD_LABELS,
    )


@login_required
def volunteer_new(request: HttpRequest) -> HttpResponse:
    if not (organises_anywhere(request.user) or contact_units(request.user)):
        raise PermissionDenied(_("Your role may not register volunteers."))
    units = unit_list(request.user, kind=UnitKind.ENTERPRISE).order_by(*NAME_ORDER)
    communities = regions_in_scope(request.user).filter(level__in=[RegionLevel.COMMUNITY, RegionLevel.VILLAGE])
    form = VolunteerForm(request.POST or None, units=units, communities=communities)

    def register(values: dict[str, Any]) -> Done:
        data = services.clean_volunteer(
            name=values["name"],
            document_type=values["document_type"],
            document_number=values["document_number"],
            phone=values["phone"],
            address=values["address"],
            unit=values["unit"],
            community=values["community"],
            skills=values["skills"],
            availability=values["availability"],
        )
        volunteer = services.volunteer_register(actor=request.user, data=data)
        return _("Registered."), reverse("volunteers:detail", args=[volunteer.pk])

    return form_action(request, form, register) or render(request, "volunteers/volunteer_form.html", {"form": form})


# Tasks --------------------------------------------------------------------------------------


def _task_filters(request: HttpRequest) -> TaskFilters:
    return page_filters(request, task_filters, labels=FIELD_LABELS)


@login_required
def task_index(request: HttpRequest) -> HttpResponse:
    tasks = with_places_taken(task_search(request.user, _task_filters(request))).order_by("-starts_at", "-id")
    page = Paginator(tasks, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "get": request.GET,
        "query": _query(request),
        "kinds": TaskKind.choices,
        "states": TaskState.choices,
        "regions": regions_in_scope(request.user),
        "may_create": organises_anywhere(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "volunteers/tasks.html", context)


def _organisers(user: Any) -> QuerySet[User]:
    """Staff and field workers serving inside the user's regions (clean_task checks the task's region)."""
    return staff_serving(roles=ORGANISING_ROLES, within=scope_for(user).region_prefixes() or [""])


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    if not organises_anywhere(request.user):
        raise PermissionDenied(_("Your role may not create volunteer tasks."))
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    form = TaskForm(
        request.POST or None,
        regions=regions_in_scope(request.user),
        organisers=_organisers(request.user),
        units=unit_list(request.user, kind=UnitKind.ENTERPRISE).order_by(*NAME_ORDER),
        initial={
            "kind": TaskKind.TESTING_SITE,
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    def create(values: dict[str, Any]) -> Done:
        data = services.clean_task(
            kind=values["kind"],
            title=values["title"],
            place=values["place"],
            region=values["region"],
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            people_needed=values["people_needed"],
            organiser=values["organiser"],
            invited_units=list(values["invited_units"]),
            note=values["note"],
        )
        task = services.task_create(actor=request.user, data=data)
        return _("Task created."), reverse("volunteers:task", args=[task.pk])

    return form_action(request, form, create) or render(request, "volunteers/task_form.html", {"form": form})


def _visible_task(request: HttpRequest, pk: int) -> VolunteerTask:
    task = task_list(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def _on_task(task: VolunteerTask) -> QuerySet[Any]:
    return Shift.objects.filter(task=task, withdrawn_at__isnull=True).values("volunteer_id")


def _dispatchable(user: Any, task: VolunteerTask, *, everywhere: bool) -> QuerySet[Volunteer]:
    """Active volunteers in view who are not on the task; by default those of its subdistrict."""
    volunteers = volunteer_list(user).filter(is_active=True).exclude(pk__in=_on_task(task))
    if not everywhere:
        volunteers = volunteers.filter(region__code__startswith=task.region.code[:9])
    return volunteers.order_by("unit__name_pinyin", "unit__name", "person__name_pinyin", "person__name", "id")


def _row(shift: Shift, *, organiser: bool, mine: set[int]) -> dict[str, Any]:
    """One shift's row on its task's page, with the forms the user may post from it."""
    return {
        "shift": shift,
        # New ids each time the row is drawn: a double tap resends the same one.
        "check_in_id": uuid.uuid4(),
        "check_out_id": uuid.uuid4(),
        "may_check": organiser or shift.volunteer.unit_id in mine,
        "hours_form": HoursForm(initial={"version": shift.version, "hours": shift.hours}) if organiser else None,
    }


def _summary(task: VolunteerTask, shifts: list[Shift]) -> dict[str, Any]:
    """The counts at the top of a task's page: places taken, volunteers on site, hours served."""
    serving = [s for s in shifts if s.withdrawn_at is None]
    return {
        "taken": task_places_taken(task),
        "on_site": sum(1 for s in serving if s.status == "checked_in"),
        "hours_total": sum((s.hours for s in serving if s.hours is not None), Decimal(0)),
    }


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    shifts = list(task_shifts(request.user, task))
    organiser = may_organise(request.user, region_code=task.region.code)
    mine = set(contact_units(request.user))
    rows = [_row(shift, organiser=organiser, mine=mine) for shift in shifts]
    active = task.state in (TaskState.OPEN, TaskState.FULL)
    everywhere = request.GET.get("all") == "1"
    dispatchable = _dispatchable(request.user, task, everywhere=everywhere) if organiser and active else None
    signable = (
        volunteer_list(request.user)
        .filter(is_active=True, unit_id__in=mine)
        .exclude(pk__in=_on_task(task))
        .order_by("person__name_pinyin", "person__name", "id")
        if mine and active and not organiser
        else None
    )
    context = {
        "task": task,
        "pretitle": f"{task.get_kind_display()} · {task.region.name}",
        "rows": rows,
        **_summary(task, shifts),
        "organiser": organiser,
        "actions": TASK_FLOW.offered(task, request.user),
        "history": status_changes(task),
        "dispatchable": dispatchable,
        "everywhere": everywhere,
        "sign_up_form": SignUpForm(volunteers=signable) if signable is not None else None,
        "invited": task.invited_units.order_by(*NAME_ORDER),
    }
    return render(request, "volunteers/task_detail.html", context)


def _act(request: HttpRequest, task_id: int, run: Callable[[], str | None]) -> HttpResponse:
    """Run one action from a task's page and come back to it with what happened."""
    return page_action(request, back=reverse("volunteers:task", args=[task_id]), run=run, labels=FIELD_LABELS)


def _row_action(request: HttpRequest, shift: Shift, run: Callable[[], str | None]) -> HttpResponse:
    """Run one action from a shift's row. Posted by htmx (HX-Request), the answer is the row as it
    is now with what happened inside it, and the page's counts swapped out of band, so that the
    page stays where it was; otherwise the task's page again, scrolled to the row."""
    back = reverse("volunteers:task", args=[shift.task_id]) + f"#shift-{shift.pk}"
    answer = page_action(request, back=back, run=run, labels=FIELD_LABELS)
    if not request.headers.get("HX-Request"):
        return answer
    said = list(messages.get_messages(request))  # read here, so that the next page does not repeat them
    task = _visible_task(request, shift.task_id)
    shifts = list(task_shifts(request.user, task))
    fresh = next(s for s in shifts if s.pk == shift.pk)
    organiser = may_organise(request.user, region_code=task.region.code)
    context = {
        "task": task,
        "row": _row(fresh, organiser=organiser, mine=set(contact_units(request.user))),
        "row_messages": said,
        "oob": True,
        **_summary(task, shifts),
    }
    return render(request, "volunteers/_shift_row_answer.html", context)


@login_required
@require_POST
def task_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)

    def run() -> str:
        form = DispatchForm(request.POST, volunteers=volunteer_list(request.user))
        if not form.is_valid():
            raise ValidationError({"volunteers": [_("Choose the volunteers to dispatch.")]})
        shifts = services.shift_dispatch(
            actor=request.user, task=task, volunteers=list(form.cleaned_data["volunteers"])
        )
        return _("%(count)s volunteers dispatched.") % {"count": len(shifts)}

    return _act(request, task.pk, run)


@login_required
@require_POST
def task_sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)

    def run() -> str:
        form = SignUpForm(request.POST, volunteers=volunteer_list(request.user))
        if not form.is_valid():
            raise ValidationError({"volunteer": [_("Choose the volunteer to sign up.")]})
        _shift, created = services.shift_sign_up(
            actor=request.user,
            task=task,
            volunteer=form.cleaned_data["volunteer"],
            client_id=form.cleaned_data["client_id"],
        )
        return _("Signed up.") if created else _("This sign-up was already received.")

    return _act(request, task.pk, run)


@login_required
@require_POST
def task_transition(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)

    def run() -> None:
        form = TransitionForm(request.POST)
        if not form.is_valid():
            raise ValidationError({"task": [_("Check the form and try again.")]})
        values = form.cleaned_data
        services.task_transition(
            actor=request.user, task=task, name=values["name"], version=values["version"], reason=values["reason"]
        )

    return _act(request, task.pk, run)


def _visible_shift(request: HttpRequest, pk: int) -> Shift:
    shift = shift_list(request.user).filter(pk=pk).first()
    if shift is None:
        raise Http404
    return shift


def _check(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    shift = _visible_shift(request, pk)

    def run() -> str:
        form = CheckForm(request.POST)
        if not form.is_valid():
            raise ValidationError({"client_id": [_("The form was damaged; reload the page and try again.")]})
        client_id = form.cleaned_data["client_id"]
        if kind == "check_in":
            _fresh, created = services.shift_check_in(actor=request.user, shift=shift, client_id=client_id)
            name = shift.volunteer.person.name
            if not created:
                return _("%(name)s's check-in was already received.") % {"name": name}
            return _("%(name)s checked in.") % {"name": name}
        fresh, created = services.shift_check_out(actor=request.user, shift=shift, client_id=client_id)
        name = shift.volunteer.person.name
        if not created:
            return _("%(name)s's check-out was already received.") % {"name": name}
        return _("%(name)s checked out: %(hours)s hours.") % {"name": name, "hours": fresh.hours}

    return _row_action(request, shift, run)


@login_required
@require_POST
def shift_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    return _check(request, pk, "check_in")


@login_required
@require_POST
def shift_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    return _check(request, pk, "check_out")


@login_required
@require_POST
def shift_hours(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _visible_shift(request, pk)

    def run() -> str:
        form = HoursForm(request.POST)
        if not form.is_valid():
            raise ValidationError({"hours": [_("Give the hours (0 to 24) and the reason.")]})
        values = form.cleaned_data
        services.shift_correct_hours(
            actor=request.user,
            shift=shift,
            hours=values["hours"],
            reason=values["reason"],
            version=values["version"],
        )
        return _("Hours corrected.")

    return _row_action(request, shift, run)


@login_required
@require_POST
def shift_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _visible_shift(request, pk)

    def run() -> str:
        services.shift_withdraw(actor=request.user, shift=shift, reason=request.POST.get("reason", "")[:500])
        return _("Withdrawn from the task.")

    return _act(request, shift.task_id, run)


# The ledger ---------------------------------------------------------------------------------


def _shift_filters(request: HttpRequest) -> ShiftFilters:
    return page_filters(request, shift_filters, labels=FIELD_LABELS)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    shifts = shift_search(request.user, _shift_filters(request)).order_by("-task__starts_at", "volunteer__person__name")
    page = Paginator(shifts, 50).get_page(request.GET.get("page"))
    totals = shifts.aggregate(hours=Sum("hours"), people=Count("volunteer", distinct=True))
    context = {
        "page": page,
        "get": request.GET,
        "query": _query(request),
        "kinds": TaskKind.choices,
        "regions": regions_in_scope(request.user),
        "organisations": _organisation_options(request.user),
        "total_hours": (totals["hours"] or Decimal(0)).quantize(Decimal("0.1")),
        "people": totals["people"],
    }
    return render(request, "volunteers/ledger.html", context)


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    shifts = shift_search(request.user, _shift_filters(request)).order_by("-task__starts_at", "volunteer__person__name")
    body = shift_ledger_export(actor=request.user, shifts=shifts, filters=_query(request))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename=volunteer-ledger-{stamp}.xlsx"
    return response
