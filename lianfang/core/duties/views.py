"""The duties' pages: completeness and the missing list of a day (remind from a phone), and an
exemption of one subject."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.core.calendar.forms import DateInput
from lianfang.core.page_actions import Done, form_action, page_action
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import regions_in_scope

from .models import DutySubject, ExemptionReason
from .rules import Duty, all_duties, get_duty
from .selectors import completeness, missing
from .services import duty_exempt, duty_remind


def _staff(request: HttpRequest) -> None:
    if not scope_for(request.user).can_write:
        raise PermissionDenied(_("Your role keeps no duties."))


def _chosen(request: HttpRequest) -> tuple[Duty, dt.date, Region | None]:
    duties = all_duties()
    if not duties:
        raise Http404
    duty = get_duty(request.GET.get("duty", "")) or duties[0]
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    if not 2000 <= day.year <= 2099:  # the years the system keeps
        day = timezone.localdate()
    code = request.GET.get("region", "")
    region = Region.objects.filter(code=code).first() if code.isdigit() else None
    if region is not None and not scope_for(request.user).covers_region(region):
        region = None
    return duty, day, region


@login_required
def missing_index(request: HttpRequest) -> HttpResponse:
    """The day's completeness by region, and what is missing, grouped by region and responsible party."""
    _staff(request)
    duty, day, region = _chosen(request)
    result = completeness(request.user, duty, day, day, region=region)
    page = Paginator(missing(request.user, duty, day, region=region), 100).get_page(request.GET.get("page"))
    sessions = {s.key: s.label for s in duty.sessions}
    rows = [{"item": m, "session": sessions.get(m.session, "")} for m in page.object_list]
    groups = [
        {"region": key[0], "responsible": key[1], "rows": list(members)}
        for key, members in groupby(rows, key=lambda r: (r["item"].region_name, r["item"].responsible))
    ]
    context = {
        "duty": duty,
        "duties": all_duties(),
        "day": day,
        "region": region,
        "regions": regions_in_scope(request.user),
        "result": result,
        "page": page,
        "groups": groups,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
    }
    return render(request, "duties/missing.html", context)


@login_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    _staff(request)
    back = request.POST.get("back", "")
    if not back.startswith(reverse("duties:missing")):
        back = reverse("duties:missing")

    def run() -> str:
        told = duty_remind(
            actor=request.user,
            subject=request.POST.get("subject"),
            day=request.POST.get("day", ""),
            session=request.POST.get("session", ""),
        )
        return _("Reminded: %(n)d people told.") % {"n": told} if told else _("Already reminded within the hour.")

    return page_action(request, back=back, run=run)


class ExemptionForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("first day"), widget=DateInput)
    ends_on = forms.DateField(label=gettext_lazy("last day"), widget=DateInput)
    reason = forms.ChoiceField(label=gettext_lazy("reason"), choices=ExemptionReason.choices)
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)


@login_required
def exempt(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    subject = scope_for(request.user).filter(DutySubject.objects.filter(pk=pk)).select_related("region").first()
    duty = get_duty(subject.duty) if subject is not None else None
    if subject is None or duty is None or duty.through_practice:  # exempted on its practice's pages
        raise Http404
    today = timezone.localdate()
    form = ExemptionForm(request.POST or None, initial={"starts_on": today, "ends_on": today})

    def save(values: dict[str, Any]) -> Done:
        duty_exempt(actor=request.user, subject=subject.pk, **values)
        return _("Exempted."), f"{reverse('duties:missing')}?duty={duty.key}&day={values['starts_on']}"

    done = form_action(request, form, save)
    return done or render(request, "duties/exempt.html", {"form": form, "subject": subject, "duty": duty})
