"""The organisation registry's pages: list and search, an organisation's page, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.core.audit.selectors import record_history
from lianfang.core.page_actions import Done, form_action
from lianfang.core.people.holdings import unit_holdings
from lianfang.core.people.models import NAME_ORDER, Person
from lianfang.core.people.selectors import person_search
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import regions_in_scope, sole_region

from .forms import UnitForm
from .models import Unit, UnitKind
from .selectors import unit_list, unit_search
from .services import clean_unit, unit_register, unit_update


def _visible(request: HttpRequest, pk: int) -> Unit:
    unit = unit_list(request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


@login_required
def unit_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:64]
    kind = request.GET.get("kind", "")
    units = unit_search(request.user, query, kind=kind if kind in UnitKind.values else None)
    region = request.GET.get("region", "")
    chosen = Region.objects.filter(code=region).first() if region.isdigit() else None
    if chosen is not None:
        units = units.filter(region__code__startswith=chosen.prefix)
    page = Paginator(units.order_by(*NAME_ORDER), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": query,
        "kind": kind,
        "kinds": UnitKind.choices,
        "region": region,
        "regions": regions_in_scope(request.user),
        "can_write": scope_for(request.user).can_write,
    }
    return render(request, "registry/unit_list.html", context)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _visible(request, pk)
    context = {
        "unit": unit,
        "history": record_history(unit)[:50],
        "holdings": unit_holdings(unit, request.user),
        "can_write": scope_for(request.user).can_write,
    }
    return render(request, "registry/unit_detail.html", context)


def _contact(request: HttpRequest, document: str) -> Person | None:
    if not document.strip():
        return None
    person = person_search(request.user, document).first()
    if person is None:
        raise ValidationError({"contact_document": [_("Nobody with this document number is in your registry.")]})
    return person


@login_required
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not scope_for(request.user).can_write:
        raise PermissionDenied(_("Your role may not change the registry."))
    unit = _visible(request, pk) if pk is not None else None
    initial: dict[str, Any] = {}
    if unit is not None:
        initial = {
            "name": unit.name,
            "credit_code": unit.credit_code or "",
            "kinds": unit.kinds,
            "address": unit.address,
            "region": unit.region,
            "version": unit.version,
        }
    regions = regions_in_scope(request.user)
    if unit is None:
        initial["region"] = sole_region(request.user)
    form = UnitForm(request.POST or None, initial=initial, regions=regions)

    def save(values: dict[str, Any]) -> Done:
        data = clean_unit(
            name=values["name"],
            credit_code=values["credit_code"],
            kinds=values["kinds"],
            address=values["address"],
            region=values["region"],
            contact=_contact(request, values["contact_document"]),
        )
        if unit is None:
            saved, _outcome = unit_register(actor=request.user, data=data)
        else:
            saved = unit_update(actor=request.user, unit=unit, data=data, version=values["version"] or 0)
        return _("Saved."), reverse("units:detail", args=[saved.pk])

    done = form_action(request, form, save)
    return done or render(request, "registry/unit_form.html", {"form": form, "unit": unit})
