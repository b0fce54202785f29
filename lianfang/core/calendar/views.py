"""The calendar's pages: days off, 调休 working days and school terms for the district's
administrators; epidemic periods for the commander."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.accounts.permissions import is_registry_admin
from lianfang.core.page_actions import Done, form_action, page_action
from lianfang.core.regions.models import Role
from lianfang.core.regions.scoping import scope_for

from .forms import CalendarDayForm, EpidemicDeclareForm, SchoolTermForm
from .models import CalendarDay, EpidemicPeriod, SchoolTerm
from .services import (
    calendar_day_delete,
    calendar_day_save,
    epidemic_declare,
    epidemic_end,
    school_term_delete,
    school_term_save,
)


def _administrator(request: HttpRequest) -> None:
    if not is_registry_admin(request.user):
        raise PermissionDenied(_("Only the district's administrators edit the calendar."))


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    return min(max(year, 2000), 2099)


@login_required
def calendar_index(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    year = _year(request)
    back = f"{reverse('calendar:index')}?year={year}"
    day_form = CalendarDayForm(request.POST if "day" in request.POST else None, prefix="day")
    term_form = SchoolTermForm(request.POST if "term" in request.POST else None, prefix="term")

    def save_day(values: dict[str, object]) -> Done:
        calendar_day_save(actor=request.user, day=values["day"], kind=values["kind"], name=values["name"])
        return _("Saved."), back

    def save_term(values: dict[str, object]) -> Done:
        school_term_save(
            actor=request.user, name=values["name"], starts_on=values["starts_on"], ends_on=values["ends_on"]
        )
        return _("Saved."), back

    done = form_action(request, day_form, save_day) if "day" in request.POST else None
    if "term" in request.POST:
        done = form_action(request, term_form, save_term)
    if done:
        return done
    context = {
        "year": year,
        "years": [year - 1, year + 1],
        "days": CalendarDay.objects.filter(day__year=year),
        "terms": SchoolTerm.objects.filter(starts_on__lte=dt.date(year, 12, 31), ends_on__gte=dt.date(year, 1, 1)),
        "day_form": day_form,
        "term_form": term_form,
    }
    return render(request, "calendar/index.html", context)


@login_required
@require_POST
def calendar_day_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _administrator(request)
    record = get_object_or_404(CalendarDay, pk=pk)
    back = f"{reverse('calendar:index')}?year={record.day.year}"

    def run() -> str:
        calendar_day_delete(actor=request.user, record=record)
        return _("Removed.")

    return page_action(request, back=back, run=run)


@login_required
@require_POST
def school_term_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _administrator(request)
    term = get_object_or_404(SchoolTerm, pk=pk)

    def run() -> str:
        school_term_delete(actor=request.user, term=term)
        return _("Removed.")

    return page_action(request, back=f"{reverse('calendar:index')}?year={term.starts_on.year}", run=run)


def _commander(request: HttpRequest) -> None:
    if Role.COMMANDER not in scope_for(request.user).roles:
        raise PermissionDenied(_("Only the commander declares an epidemic period."))


@login_required
def epidemic_index(request: HttpRequest) -> HttpResponse:
    _commander(request)
    form = EpidemicDeclareForm(request.POST or None)

    def declare(values: dict[str, object]) -> Done:
        epidemic_declare(
            actor=request.user,
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            level=values["level"],
            note=values["note"],
        )
        return _("Declared."), reverse("calendar:epidemic")

    done = form_action(request, form, declare)
    if done:
        return done
    today = timezone.localdate()
    periods = list(EpidemicPeriod.objects.select_related("declared_by")[:50])
    current = next((p for p in periods if p.starts_on <= today and (p.ends_on is None or today <= p.ends_on)), None)
    context = {"form": form, "periods": periods, "current": current, "today": today}
    return render(request, "calendar/epidemic.html", context)


@login_required
@require_POST
def epidemic_period_end(request: HttpRequest, pk: int) -> HttpResponse:
    _commander(request)
    period = get_object_or_404(EpidemicPeriod, pk=pk)
    version = request.POST.get("version", "")

    def run() -> str:
        epidemic_end(
            actor=request.user,
            period=period,
            ends_on=request.POST.get("ends_on", ""),
            version=int(version) if version.isdigit() else 0,
        )
        return _("Saved.")

    return page_action(request, back=reverse("calendar:epidemic"), run=run, labels={"ends_on": _("last day")})
