"""The people registry's pages: list and search, a person's page, create and edit, reveal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.core.audit.selectors import record_history
from lianfang.core.audit.services import audit_record
from lianfang.core.page_actions import Done, form_action, page_action
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import default_region, regions_in_scope, sole_region

from .forms import PersonForm, RevealForm
from .holdings import person_holdings
from .models import NAME_ORDER, Person
from .pending import person_confirm, person_return
from .selectors import pending_confirmer, pending_for_confirmation, pending_rows, person_list, person_search
from .services import (
    clean_person,
    person_register,
    person_reveal,
    person_update,
    person_withdraw,
    withdrawable_links,
)

REGISTRATION_OUTCOMES = {
    "created": gettext_lazy("Registered."),
    "updated": gettext_lazy("This person was already registered; the record was updated."),
    "linked": gettext_lazy("This person was already in your records; your registration is now linked to the record."),
    "unchanged": gettext_lazy("This person was already registered with the same details."),
}


def _visible(request: HttpRequest, pk: int) -> Person:
    person = person_list(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


@login_required
def person_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:64]
    people = person_search(request.user, query)
    region = request.GET.get("region", "")
    chosen = Region.objects.filter(code=region).first() if region.isdigit() else None
    if chosen is not None:
        people = people.filter(home_region__code__startswith=chosen.prefix)
    page = Paginator(people.order_by(*NAME_ORDER), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": query,
        "region": region,
        "regions": regions_in_scope(request.user),
        "can_write": scope_for(request.user).can_write,
    }
    return render(request, "registry/person_list.html", context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible(request, pk)
    scope = scope_for(request.user)
    if person.is_minor:
        audit_record(actor=request.user, verb="person.view_sensitive", target=person, detail="minor")
    revealed: dict[str, str] = {}
    reveal_form = RevealForm(request.POST or None)
    if request.method == "POST" and reveal_form.is_valid():
        try:
            field = reveal_form.cleaned_data["field"]
            revealed[field] = person_reveal(
                actor=request.user, person=person, field=field, reason=reveal_form.cleaned_data["reason"]
            )
        except ValidationError as error:
            reveal_form.add_error("reason", error.message_dict.get("reason", error.messages))
    context = {
        "person": person,
        "history": record_history(person)[:50],
        "holdings": person_holdings(person, request.user),
        "may_reveal": scope.may_reveal,
        "reveal_form": reveal_form,
        "revealed": revealed,
        "can_write": scope.can_write and not person.is_retired,
        "may_withdraw": bool(withdrawable_links(request.user, person)),
    }
    return render(request, "registry/person_detail.html", context)


@login_required
@require_POST
def person_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the viewer's registrations of a person; back to the person while still visible."""
    person = _visible(request, pk)

    def run() -> str:
        count = person_withdraw(actor=request.user, person=person, reason=request.POST.get("reason", ""))
        return _("%(n)d registration withdrawn.") % {"n": count}

    response = page_action(request, back=reverse("people:detail", args=[pk]), run=run, labels={"reason": _("reason")})
    if not person_list(request.user).filter(pk=pk).exists():
        response = redirect(reverse("people:index"))
    return response


@login_required
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not scope_for(request.user).can_write:
        raise PermissionDenied(_("Your role may not change the registry."))
    person = _visible(request, pk) if pk is not None else None
    initial: dict[str, Any] = {}
    if person is not None:
        initial = {
            "name": person.name,
            "document_type": person.document_type,
            "address": person.address,
            "home_region": person.home_region,
            "version": person.version,
        }
    regions = regions_in_scope(request.user)
    if person is None:
        initial["home_region"] = sole_region(request.user)
    form = PersonForm(request.POST or None, initial=initial, regions=regions)

    def save(values: dict[str, Any]) -> Done:
        data = clean_person(
            name=values["name"],
            document_type=values["document_type"],
            document_number=values["document_number"],
            phone=values["phone"],
            address=values["address"],
            home_region=values["home_region"],
        )
        if person is None:
            region = data.home_region or default_region(request.user)
            saved, outcome = person_register(actor=request.user, data=data, region=region, source="registry")
            said: Promise | str = REGISTRATION_OUTCOMES[outcome]
        else:
            saved = person_update(actor=request.user, person=person, data=data, version=values["version"] or 0)
            said = _("Saved.")
        if person_list(request.user).filter(pk=saved.pk).exists():
            return said, reverse("people:detail", args=[saved.pk])
        return said, reverse("people:index")  # registered, but outside the registrant's view

    done = form_action(request, form, save)
    return done or render(request, "registry/person_form.html", {"form": form, "person": person})


@login_required
def pending_index(request: HttpRequest) -> HttpResponse:
    """Registrations waiting for the home jurisdiction: what was typed beside the record on file."""
    if not scope_for(request.user).can_write or not pending_confirmer(request.user):
        raise PermissionDenied(_("Only the staff of a jurisdiction confirm registrations."))
    pending = pending_for_confirmation(request.user)
    page = Paginator(pending.order_by("created_at", "pk"), 20).get_page(request.GET.get("page"))
    rows = pending_rows(list(page.object_list))
    return render(request, "registry/pending_list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def pending_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _pending(request, pk)

    def run() -> str:
        person_confirm(actor=request.user, pending=pending)
        return _("Confirmed: joined to the record on file.")

    return page_action(request, back=reverse("people:pending"), run=run)


@login_required
@require_POST
def pending_return(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _pending(request, pk)

    def run() -> str:
        person_return(actor=request.user, pending=pending, reason=request.POST.get("reason", ""))
        return _("Returned to the registrant.")

    return page_action(request, back=reverse("people:pending"), run=run, labels={"reason": _("reason")})


def _pending(request: HttpRequest, pk: int) -> Person:
    pending = pending_for_confirmation(request.user).filter(pk=pk).first()
    if pending is None:
        raise Http404
    return pending
