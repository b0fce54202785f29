"""The care practice's pages: the day's work (households to visit, orders to deliver, overdue visits),
the visit form on a phone (its draft kept in the browser), households with their members, tags and
visits, service orders with their steps, relief applications through their six states, the public
notice for the board, the relief ledger, campaigns and day-care attendance."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.accounts.models import User
from lianfang.core.audit.services import audit_record
from lianfang.core.files.serving import file_response
from lianfang.core.page_actions import Done, form_action, form_refusal, page_action
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.regions.models import Region, RegionLevel
from lianfang.core.regions.scoping import scope_for
from lianfang.volunteers.models import Squad

from . import orders, relief, rules, selectors, services
from .exports import relief_ledger
from .flows import ORDER_FLOW, RELIEF_FLOW
from .forms import (
    NEED_CHOICES,
    NEED_ROWS,
    ApproveForm,
    CampaignForm,
    ConfirmForm,
    DayCareForm,
    DeliverForm,
    DispatchForm,
    HouseholdForm,
    InvestigateForm,
    MemberForm,
    ObjectionForm,
    OrderForm,
    PayForm,
    RaiseForm,
    ReasonForm,
    ReliefApplyForm,
    RevealForm,
    RiskForm,
    SearchForm,
    TagForm,
    VisitForm,
)
from .models import CareRoleKind, Household, Need, Objection, Payment, ServiceOrder, Tag
from .permissions import (
    care_prefixes,
    care_work_prefixes,
    is_civil_affairs,
    is_counsellor,
    is_lead_for,
    knocks_on_doors,
    relief_sides,
    sees_sensitive_in,
    works_in,
)
from .states import NeedKind, OrderState, ReliefState, ServiceKind


def _care_regions(user: Any, levels: tuple[str, ...]) -> list[Region]:
    """The regions of these levels where the user does care work, in code order."""
    prefixes = care_work_prefixes(user)
    rows = Region.objects.filter(level__in=levels).order_by("code")
    if prefixes is None:
        return list(rows)
    return [r for r in rows if any(r.code.startswith(p) for p in prefixes)]


def _people_regions(user: Any) -> list[Region]:
    """The communities and villages where the user does care work (for new households, day care)."""
    return _care_regions(user, (RegionLevel.COMMUNITY, RegionLevel.VILLAGE))


def _pk(value: Any) -> int | None:
    """A record's id sent in a form or query string (ASCII digits, within a 64-bit key), or None."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdecimal() and 0 < len(text) <= 18 else None


def _household(request: HttpRequest, pk: int) -> Household:
    return get_object_or_404(selectors.household_list(request.user), pk=pk)


def _sensitive_anywhere(user: Any) -> bool:
    scope = scope_for(user)
    return scope.sees_sensitive or bool(care_prefixes(user)) or is_civil_affairs(user)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = list(selectors.household_search(request.user, query)) if query else []
    sensitive = _sensitive_anywhere(request.user)
    return render(
        request,
        "care/index.html",
        {
            "form": form,
            "query": query,
            "found": found,
            "mine": list(selectors.my_orders(request.user).select_related("household", "person")[:50]),
            "overdue": selectors.overdue_visits(request.user) if sensitive else None,
            "sensitive": sensitive,
            "relief_open": selectors.relief_list(request.user)
            .exclude(state__in=(ReliefState.ARCHIVED, ReliefState.REFUSED))
            .count()
            if sensitive
            else 0,
            "may_add": bool(_people_regions(request.user)),
            "visits": knocks_on_doors(request.user),
        },
    )


# Households ---------------------------------------------------------------------------------


@login_required
def households(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    rows = (
        selectors.household_search(request.user, query)
        if query
        else selectors.household_list(request.user).order_by("region__code", "address", "id")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page")) if not query else None
    return render(
        request,
        "care/households.html",
        {
            "form": form,
            "rows": page.object_list if page is not None else rows,
            "page": page,
            "query": query,
            "sensitive": _sensitive_anywhere(request.user),
            "visits": knocks_on_doors(request.user),
        },
    )


@login_required
def household_new(request: HttpRequest) -> HttpResponse:
    regions = _people_regions(request.user)
    if not regions:
        raise PermissionDenied(_("You do no care work in any community."))
    form = HouseholdForm(request.POST or None, regions=regions)

    def run(values: dict[str, Any]) -> Done:
        region = next(r for r in regions if r.code == values["region"])
        data = clean_person(
            name=values["name"], document_number=values["document_number"], phone=values["phone"], home_region=region
        )
        with transaction.atomic():  # the household, its head and the link, or nothing
            household = services.household_save(actor=request.user, region=region, address=values["address"])
            head, _how = person_register(actor=request.user, data=data, region=region, source="care")
            services.household_member_add(actor=request.user, household=household, person=head, relation="head")
        return _("Household registered."), reverse("care:visit", args=[household.pk])

    return form_action(request, form, run) or render(request, "care/household_new.html", {"form": form})


@login_required
def household(request: HttpRequest, pk: int) -> HttpResponse:
    found = _household(request, pk)
    members = selectors.members_of(found)
    tags = selectors.household_tags(request.user, found)
    visits = list(selectors.visit_list(request.user).filter(household=found)[:20])
    # Needs of the visits the viewer may see; a counselling need's words and a self-harm risk only
    # to the care lead, a counsellor and whoever recorded them.
    found_needs = list(
        Need.objects.filter(visit__in=selectors.visit_list(request.user).filter(household=found).values("pk"))
        .select_related("visit", "person", "order", "relief")
        .order_by("-visit__visited_at", "id")[:20]
    )
    lead = is_lead_for(request.user, found.region) or is_counsellor(request.user)
    needs = [
        (
            need,
            lead
            or need.visit.visitor_id == request.user.pk
            or (need.kind != NeedKind.COUNSELLING and not need.self_harm_risk),
        )
        for need in found_needs
    ]
    return render(
        request,
        "care/household.html",
        {
            "household": found,
            "members": members,
            "tags": tags,
            "visits": visits,
            "needs": needs,
            "member_form": MemberForm(),
            "tag_form": TagForm(members=members),
            "raise_form": RaiseForm(initial={"tier": found.raised_tier}),
            "order_form": OrderForm(members=members),
            "relief_form": ReliefApplyForm(members=members) if tags is not None else None,
            "works": works_in(request.user, found.region),
        },
    )


@require_POST
@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _household(request, pk)
    form = MemberForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise form_refusal(form)
        values = form.cleaned_data
        data = clean_person(
            name=values["name"],
            document_number=values["document_number"],
            phone=values["phone"],
            home_region=found.region,
        )
        with transaction.atomic():
            person, _how = person_register(actor=request.user, data=data, region=found.region, source="care")
            services.household_member_add(
                actor=request.user, household=found, person=person, relation=values["relation"]
            )
        return _("%(name)s is a member of the household.") % {"name": person.name}

    return page_action(request, back=reverse("care:household", args=[pk]), run=run)


@require_POST
@login_required
def tag_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _household(request, pk)
    members = selectors.members_of(found)
    form = TagForm(request.POST, members=members)

    def run() -> str:
        if not sees_sensitive_in(request.user, found.region):
            raise PermissionDenied(_("You may not change this household's tags."))
        if not form.is_valid():
            raise form_refusal(form)
        values = form.cleaned_data
        person = next((m.person for m in members if str(m.person_id) == values["person"]), None)
        services.tag_add(
            actor=request.user,
            household=found,
            kind=values["kind"],
            source=values["source"],
            person=person,
            valid_until=values["valid_until"],
            note=values["note"],
        )
        return _("Tag added.")

    return page_action(request, back=reverse("care:household", args=[pk]), run=run)


@require_POST
@login_required
def tag_end(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("household__region"), pk=pk)
    _household(request, tag.household_id)
    return page_action(
        request,
        back=reverse("care:household", args=[tag.household_id]),
        run=lambda: services.tag_end(actor=request.user, tag=tag, last_day=timezone.localdate()) and _("Tag ended."),
    )


@require_POST
@login_required
def household_raise(request: HttpRequest, pk: int) -> HttpResponse:
    found = _household(request, pk)
    form = RaiseForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise form_refusal(form)
        services.household_raise(
            actor=request.user, household=found, tier=form.cleaned_data["tier"], reason=form.cleaned_data["reason"]
        )
        return _("Tier saved.")

    return page_action(request, back=reverse("care:household", args=[pk]), run=run)


# Visits -------------------------------------------------------------------------------------


def _needs(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for n in range(NEED_ROWS):
        kind = request.POST.get(f"need-kind-{n}", "")
        if not kind:
            continue
        rows.append(
            {
                "kind": kind,
                "person": request.POST.get(f"need-person-{n}") or None,
                "detail": request.POST.get(f"need-detail-{n}", ""),
                "follow_up_by": request.POST.get(f"need-due-{n}") or None,
                "self_harm_risk": request.POST.get(f"need-risk-{n}") == "on",
            }
        )
    return rows


@login_required
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _household(request, pk)
    if not works_in(request.user, found.region):
        raise PermissionDenied(_("This household is outside your area: you may not record a visit to it."))
    members = selectors.members_of(found)
    form = VisitForm(request.POST or None, members=members)
    campaign_id = _pk(request.GET.get("campaign", ""))
    campaign = selectors.campaign_list(request.user).filter(pk=campaign_id).first() if campaign_id else None

    def run(values: dict[str, Any]) -> Done:
        tag_person = values["tag_person"] or None
        _made, created = services.visit_record(
            actor=request.user,
            household=found,
            mode=values["mode"],
            reached=values["reached"],
            seen=values["seen"],
            situation=values["situation"],
            change_reported=values["change_reported"],
            needs=_needs(request),
            tags=[{"kind": k, "person": tag_person} for k in values["new_tags"]],
            campaign=campaign,
            client_id=values["client_id"],
        )
        said = _("Visit recorded.") if created else _("This visit was already recorded.")
        # The household's page confirms the visit: the phone's draft of the form is deleted there.
        return said, reverse("care:household", args=[found.pk]) + "?visited=1"

    done = form_action(request, form, run)
    if done is not None:
        return done
    rows = [
        {
            "n": n,
            "kind": request.POST.get(f"need-kind-{n}", ""),
            "person": request.POST.get(f"need-person-{n}", ""),
            "detail": request.POST.get(f"need-detail-{n}", ""),
            "due": request.POST.get(f"need-due-{n}", ""),
        }
        for n in range(NEED_ROWS)
    ]
    return render(
        request,
        "care/visit.html",
        {
            "household": found,
            "members": members,
            "form": form,
            "need_rows": rows,
            "need_choices": NEED_CHOICES,
            "campaign": campaign,
            "draft_key": f"visit:{found.pk}",
        },
    )


@require_POST
@login_required
def need_follow(request: HttpRequest, pk: int, into: str) -> HttpResponse:
    """One tap: a visit's need becomes a service order (`into` "order") or a relief application."""
    visits = selectors.visit_list(request.user).values("pk")
    need = get_object_or_404(Need.objects.filter(visit__in=visits).select_related("visit__household__region"), pk=pk)
    _household(request, need.visit.household_id)

    def run() -> str:
        if into == "order":
            order = orders.need_to_order(actor=request.user, need=need)
            return _("Service order %(n)s opened.") % {"n": order.pk}
        made = relief.need_to_relief(actor=request.user, need=need)
        return _("Relief application %(n)s opened.") % {"n": made.pk}

    return page_action(request, back=reverse("care:household", args=[need.visit.household_id]), run=run)


# Service orders -----------------------------------------------------------------------------


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    rows = selectors.order_list(request.user).order_by("-created_at", "-id")
    if state in OrderState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "care/orders.html",
        {
            "page": page,
            "rows": page.object_list,
            "state": state,
            "states": OrderState.choices,
            "sensitive": _sensitive_anywhere(request.user),
        },
    )


@require_POST
@login_required
def order_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _household(request, pk)
    members = selectors.members_of(found)
    form = OrderForm(request.POST, members=members)

    def run() -> str:
        if not form.is_valid():
            raise form_refusal(form)
        values = form.cleaned_data
        person = next(m.person for m in members if str(m.person_id) == values["person"])
        made = orders.order_create(
            actor=request.user,
            household=found,
            person=person,
            kind=values["kind"],
            detail=values["detail"],
            due_on=values["due_on"],
        )
        return _("Service order %(n)s opened.") % {"n": made.pk}

    return page_action(request, back=reverse("care:household", args=[pk]), run=run)


def _order(request: HttpRequest, pk: int) -> ServiceOrder:
    return get_object_or_404(selectors.order_list(request.user), pk=pk)


def _dispatch_choices(found: ServiceOrder) -> tuple[list[Squad], list[Any]]:
    region = found.household.region
    if found.kind == ServiceKind.COUNSELLING:
        users = User.objects.filter(care_roles__kind=CareRoleKind.COUNSELLOR, is_active=True).distinct()
        return [], [
            u for u in users if any(region.code.startswith(p) for p in care_prefixes(u, (CareRoleKind.COUNSELLOR,)))
        ]
    squads = [s for s in Squad.objects.select_related("region") if region.code.startswith(s.region.prefix[:9])]
    people = [u for u in User.objects.filter(care_roles__region__code__startswith=region.code[:9]).distinct()]
    return squads, people


@login_required
def order(request: HttpRequest, pk: int) -> HttpResponse:
    found = _order(request, pk)
    if found.is_private and orders.may_read_order(request.user, found):
        audit_record(actor=request.user, verb="service_order.view", target=found)
    sides = ORDER_FLOW.sides_of(found, request.user)
    squads, people = _dispatch_choices(found) if "staff" in sides and found.state == OrderState.APPLIED else ([], [])
    return render(
        request,
        "care/order.html",
        {
            "order": found,
            "sides": set(sides),
            "private": found.is_private and not orders.may_read_order(request.user, found),
            "dispatch_form": DispatchForm(squads=squads, people=people),
            "deliver_form": DeliverForm(),
            "confirm_form": ConfirmForm(),
            "reason_form": ReasonForm(),
            "risk_form": RiskForm(),
            "counsellor": is_counsellor(request.user),
        },
    )


@require_POST
@login_required
def order_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = _order(request, pk)
    back = reverse("care:order", args=[pk])
    post, files = request.POST, request.FILES

    def run() -> str:
        if action == "dispatch":
            squad_id, person_id = _pk(post.get("squad", "")), _pk(post.get("person", ""))
            squad = Squad.objects.filter(pk=squad_id).first() if squad_id else None
            person = User.objects.filter(pk=person_id, is_active=True).first() if person_id else None
            orders.order_dispatch(actor=request.user, order=found, squad=squad, person=person)
            return _("Order dispatched.")
        if action == "deliver":
            form = DeliverForm(post, files)
            if not form.is_valid():
                raise form_refusal(form)
            orders.order_deliver(
                actor=request.user,
                order=found,
                photo=files.get("photo"),
                amount_advanced=form.cleaned_data["amount_advanced"],
                receipt=files.get("receipt"),
                note=form.cleaned_data["note"],
            )
            return _("Marked delivered.")
        if action == "confirm":
            orders.order_confirm(
                actor=request.user,
                order=found,
                confirmed_as=post.get("confirmed_as"),
                proof=files.get("proof"),
                resident_unable=post.get("resident_unable", ""),
            )
            return _("Delivery confirmed.")
        if action == "cancel":
            orders.order_cancel(actor=request.user, order=found, reason=post.get("reason", ""))
            return _("Order cancelled.")
        if action == "repaid":
            orders.order_repaid(actor=request.user, order=found)
            return _("Repayment recorded.")
        if action == "risk":
            orders.order_flag_risk(actor=request.user, order=found, referral=post.get("referral", ""))
            return _("Risk recorded; the care lead has been told.")
        raise Http404

    return page_action(request, back=back, run=run)


@login_required
def order_file(request: HttpRequest, pk: int, which: str) -> FileResponse:
    found = _order(request, pk)
    if found.is_private and not orders.may_read_order(request.user, found):
        raise Http404
    stored = {"photo": found.delivery_photo, "receipt": found.receipt, "proof": found.confirmation}.get(which)
    if stored is None:
        raise Http404
    return file_response(stored)


# Relief -------------------------------------------------------------------------------------


@login_required
def relief_list(request: HttpRequest) -> HttpResponse:
    if not _sensitive_anywhere(request.user):
        raise PermissionDenied(_("Relief records are open to care staff and civil affairs only."))
    state = request.GET.get("state", "")
    rows = selectors.relief_list(request.user).order_by("-applied_on", "-id")
    if state in ReliefState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "care/relief_list.html",
        {"page": page, "rows": page.object_list, "state": state, "states": ReliefState.choices},
    )


@require_POST
@login_required
def relief_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _household(request, pk)
    members = selectors.members_of(found)
    form = ReliefApplyForm(request.POST, members=members)
    made: list[Any] = []

    def run() -> str:
        if not form.is_valid():
            raise form_refusal(form)
        values = form.cleaned_data
        applicant = next(m.person for m in members if str(m.person_id) == values["applicant"])
        made.append(
            relief.relief_apply(
                actor=request.user,
                household=found,
                applicant=applicant,
                cause=values["cause"],
                story=values["story"],
                local_hukou=values["local_hukou"],
                relief_type=values["relief_type"],
                applied_on=values["applied_on"],
            )
        )
        return _("Relief application %(n)s opened.") % {"n": made[0].pk}

    answer = page_action(request, back=reverse("care:household", args=[pk]), run=run)
    if made:
        answer["Location"] = reverse("care:relief", args=[made[0].pk])
    return answer


def _application(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(selectors.relief_list(request.user), pk=pk)


@login_required
def relief_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _application(request, pk)
    audit_record(actor=request.user, verb="relief.view", target=found)
    sides = relief_sides(found, request.user)
    offered = [t for t in RELIEF_FLOW.available(found.state) if t.by in sides and t.name not in ("approve",)]
    return render(
        request,
        "care/relief.html",
        {
            "application": found,
            "sides": sides,
            "offered": offered,
            "payments": list(found.payments.all()),
            "objections": list(found.objections.all()),
            "approval_due": rules.approval_due(found),
            "steps": _steps(found.state),
            "cap": rules.cap(found.standard),
            "investigate_form": InvestigateForm(
                initial={
                    "publicity_days": settings.CARE_PUBLICITY_DAYS,
                    "household_size": found.household.members.count(),
                }
            ),
            "objection_form": ObjectionForm(),
            "approve_form": ApproveForm(),
            "pay_form": PayForm(initial={"amount": (found.amount or 0) - found.paid_total() if found.amount else None}),
            "reason_form": ReasonForm(),
            "reveal_form": RevealForm(),
            "may_reveal": scope_for(request.user).may_reveal,
        },
    )


MAIN_STEPS = (
    ReliefState.APPLIED,
    ReliefState.INVESTIGATING,
    ReliefState.PUBLICITY,
    ReliefState.APPROVING,
    ReliefState.PAYING,
    ReliefState.ARCHIVED,
)


def _steps(state: str) -> list[tuple[str, bool, bool]]:
    """The six steps, each (label, passed or current, current); a returned or refused application
    shows its state after them."""
    order = [str(s) for s in MAIN_STEPS]
    at = order.index(state) if state in order else -1
    steps = [(str(s.label), i <= at, i == at) for i, s in enumerate(MAIN_STEPS)]
    if at < 0:
        steps.append((str(ReliefState(state).label), True, True))
    return steps


@require_POST
@login_required
def relief_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = _application(request, pk)
    back = reverse("care:relief", args=[pk])
    post = request.POST

    def run() -> str:
        if action == "investigate":
            relief.relief_investigate(
                actor=request.user,
                application=found,
                household_size=post.get("household_size"),
                monthly_income=post.get("monthly_income"),
                assets=post.get("assets"),
                findings=post.get("findings"),
                amount=post.get("amount"),
                publicity_days=post.get("publicity_days"),
                publicity_starts=post.get("publicity_starts") or None,
            )
            return _("Investigation recorded; the public notice has started.")
        if action == "objection":
            relief.objection_record(
                actor=request.user, application=found, content=post.get("content"), received_on=post.get("received_on")
            )
            return _("Objection recorded.")
        if action == "approve":
            relief.relief_approve(actor=request.user, application=found, override=post.get("override", ""))
            return _("Approved.")
        if action in ("pay", "advance"):
            pay = relief.relief_pay if action == "pay" else relief.relief_advance
            pay(
                actor=request.user,
                application=found,
                amount=post.get("amount"),
                method=post.get("method"),
                account=post.get("account", ""),
                items=post.get("items", ""),
                paid_on=post.get("paid_on") or None,
            )
            return _("Payment recorded.")
        if action in ("accept", "close_publicity", "archive", "return", "resubmit", "refuse"):
            relief.relief_move(actor=request.user, application=found, name=action, note=post.get("reason", ""))
            return _("Done: %(state)s.") % {
                "state": RELIEF_FLOW.state_label(RELIEF_FLOW.transition(action, found.state).target)
            }
        raise Http404

    return page_action(request, back=back, run=run)


@require_POST
@login_required
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("application__household__region"), pk=pk)
    _application(request, objection.application_id)
    return page_action(
        request,
        back=reverse("care:relief", args=[objection.application_id]),
        run=lambda: (
            relief.objection_resolve(actor=request.user, objection=objection, resolution=request.POST.get("resolution"))
            and _("Objection resolved.")
        ),
    )


@require_POST
@login_required
def payment_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(Payment.objects.select_related("application__household__region"), pk=pk)
    found = _application(request, payment.application_id)
    shown: list[str] = []

    def run() -> str:
        shown.append(relief.payment_reveal(actor=request.user, payment=payment, reason=request.POST.get("reason", "")))
        return _("The full number is shown once; this view is recorded.")

    answer = page_action(request, back=reverse("care:relief", args=[found.pk]), run=run)
    if not shown:
        return answer
    return render(request, "care/revealed.html", {"application": found, "payment": payment, "value": shown[0]})


@login_required
def public_notice(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    if not scope_for(request.user).covers_region(region) and not works_in(request.user, region):
        raise PermissionDenied(_("This notice board is outside your area."))
    return render(
        request,
        "care/notice.html",
        {"region": region, "rows": selectors.public_notice(region), "today": timezone.localdate()},
    )


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    if not _sensitive_anywhere(request.user):
        raise PermissionDenied(_("Relief records are open to care staff and civil affairs only."))
    return relief_ledger(request.user)


# Campaigns and day care ---------------------------------------------------------------------


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    regions = _care_regions(
        request.user, (RegionLevel.SUBDISTRICT, RegionLevel.TOWN, RegionLevel.COMMUNITY, RegionLevel.VILLAGE)
    )
    form = CampaignForm(request.POST or None, regions=regions)

    def run(values: dict[str, Any]) -> Done:
        region = next(r for r in regions if r.code == values["region"])
        listed = Household.objects.filter(region__code__startswith=region.prefix).select_related("region")
        if values["vulnerable_only"]:
            if not sees_sensitive_in(request.user, region):
                raise PermissionDenied(_("A list of the vulnerable households is for those who may see their tags."))
            listed = listed.exclude(tier="", raised_tier="")
        made = services.campaign_create(
            actor=request.user,
            name=values["name"],
            region=region,
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            households=list(listed),
            doors_per_task=values["doors_per_task"],
        )
        return _("Campaign started with %(n)d doors.") % {"n": made.doors.count()}, reverse("care:campaigns")

    done = form_action(request, form, run)
    if done is not None:
        return done
    rows = [(c, getattr(c, "listed", 0), getattr(c, "knocked", 0)) for c in selectors.campaign_list(request.user)]
    return render(
        request,
        "care/campaigns.html",
        {"form": form, "rows": rows, "may_run": bool(regions), "sensitive": _sensitive_anywhere(request.user)},
    )


@require_POST
@login_required
def campaign_spawn(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaign_list(request.user), pk=pk)

    def run() -> str:
        tasks = services.campaign_spawn(actor=request.user, campaign=campaign, day=timezone.localdate())
        return _("%(n)d volunteer tasks made for today.") % {"n": len(tasks)}

    return page_action(request, back=reverse("care:campaigns"), run=run)


@login_required
def day_care(request: HttpRequest) -> HttpResponse:
    regions = [r for r in _people_regions(request.user) if r.level == RegionLevel.COMMUNITY]
    code = request.GET.get("region") or (regions[0].code if regions else "")
    region = next((r for r in regions if r.code == code), None)
    if region is None:
        raise PermissionDenied(_("You do no care work in any community."))
    elders = selectors.elders_of(region)
    form = DayCareForm(request.POST or None, elders=elders, initial={"day": timezone.localdate()})

    def run(values: dict[str, Any]) -> Done:
        chosen = [p for p in elders if str(p.pk) in values["people"]]
        n = services.day_care_record(actor=request.user, region=region, people=chosen, day=values["day"])
        return _("%(n)d elders recorded at the day-care centre.") % {
            "n": n
        }, f"{reverse('care:day_care')}?region={region.code}"

    done = form_action(request, form, run)
    if done is not None:
        return done
    return render(
        request,
        "care/day_care.html",
        {"form": form, "region": region, "regions": regions, "recent": selectors.day_care_days(region)},
    )
