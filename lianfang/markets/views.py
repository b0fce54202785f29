"""The markets' pages: an inspector's day (the round, my shops not yet inspected), the inspection
form on a phone (its draft kept in the browser), shops with their timeline, inspections with their
notice, reviews, the coverage page, the checklists and teams kept by the bureau, and the public
list of flags (no login)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.accounts.models import User
from lianfang.core.cases.selectors import case_list
from lianfang.core.figures.registry import rate
from lianfang.core.files.serving import content_disposition, file_response
from lianfang.core.inspections.services import ItemData, checklist_save
from lianfang.core.page_actions import Done, form_action, page_action
from lianfang.core.regions.models import Region, RegionLevel
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import SHOP_KINDS, Unit

from . import selectors, services
from .checklists import CLOSURE_CHECKLIST, EPIDEMIC_CHECKLIST, current_version
from .coverage import coverage as coverage_rows
from .coverage import not_inspected_by_community
from .forms import (
    InspectionForm,
    InspectorForm,
    PauseForm,
    ReviewDecideForm,
    ReviewRequestForm,
    RoundForm,
    ServeForm,
    ShopForm,
    TeamForm,
)
from .models import Inspector, Review, Shop, ShopInspection, SuspensionNotice, Team
from .notices import notice_docx, notice_pdf
from .states import BLACK_OUTCOMES, Flag, Kind, ShopState
from .teams import TeamMap, team_of_user

PUBLIC_GROUPS = (("suspended", ShopState.SUSPENDED.label), ("black", Flag.BLACK.label), ("red", Flag.RED.label))


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _draft_key(shop_id: int, kind: str) -> str:
    return f"inspect:{shop_id}:{kind}"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    team = team_of_user(request.user)
    round_ = services.todays_round(request.user) if team is not None else None
    mine = not_inspected_by_community(request.user, today, team.pk) if team is not None else {}
    reviews = selectors.review_list(request.user).filter(decision="", team=team) if team is not None else []
    manages = services.may_manage(request.user)
    return render(
        request,
        "markets/index.html",
        {
            "team": team,
            "round": round_,
            "mine": mine,
            "mine_count": sum(len(v) for v in mine.values()),
            "reviews": reviews,
            "manages": manages,
            "unenrolled": _unenrolled(request.user).count() if manages else 0,
            "today": today,
        },
    )


def _unenrolled(user: Any) -> Any:
    return scope_for(user).filter(
        Unit.objects.filter(profiles__kind__in=SHOP_KINDS).exclude(pk__in=Shop.objects.values("pk")).distinct()
    )


@require_POST
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    def run() -> str:
        made = services.shops_enrol(actor=request.user, units=list(_unenrolled(request.user).select_related("region")))
        return _("%(n)d shops put on the daily inspection roster.") % {"n": len(made)}

    return page_action(request, back=reverse("markets:index"), run=run)


@login_required
def round_page(request: HttpRequest) -> HttpResponse:
    team = team_of_user(request.user)
    if team is None:
        raise PermissionDenied(_("Only an inspector of a team starts a round."))
    inspectors = list(Inspector.objects.filter(team=team, active=True).select_related("user"))
    current = services.todays_round(request.user)
    initial = {"members": [str(u) for u in current.members.values_list("pk", flat=True)]} if current else {}
    form = RoundForm(request.POST or None, inspectors=inspectors, initial=initial)

    def run(values: dict[str, Any]) -> Done:
        made = services.round_start(actor=request.user, members=[int(v) for v in values["members"]])
        return _("Round of %(day)s: %(n)d inspectors present.") % {"day": made.day, "n": made.size}, reverse(
            "markets:index"
        )

    done = form_action(request, form, run)
    if done is not None:
        return done
    return render(request, "markets/round.html", {"form": form, "team": team, "round": current})


@login_required
def shops(request: HttpRequest) -> HttpResponse:
    rows = selectors.shop_list(request.user).order_by("unit__region__code", "unit__name_pinyin")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        rows = rows.filter(
            Q(unit__name__icontains=q) | Q(unit__address__icontains=q) | Q(unit__name_initials__icontains=q)
        )
    status = request.GET.get("status", "")
    if status in Flag.values:
        rows = rows.filter(flag=status)
    elif status == ShopState.SUSPENDED:
        rows = rows.filter(state=ShopState.SUSPENDED)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "markets/shops.html", {"page": page, "q": q, "status": status})


def _shop(request: HttpRequest, pk: int) -> Shop:
    return get_object_or_404(selectors.shop_list(request.user), pk=pk)


@login_required
def shop(request: HttpRequest, pk: int) -> HttpResponse:
    found = _shop(request, pk)
    inspections = list(
        selectors.inspection_list(request.user).filter(shop=found).order_by("-inspection__inspected_at")[:60]
    )
    cases = list(case_list(request.user).filter(unit_id=found.pk))
    team_id = TeamMap().of(found.team_id, found.unit.region.code)
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    latest_black = next((r for r in inspections if r.outcome in BLACK_OUTCOMES and r.revoked_at is None), None)
    return render(
        request,
        "markets/shop.html",
        {
            "shop": found,
            "team": team,
            "timeline": selectors.shop_timeline(found, inspections, cases),
            "inspects": team_of_user(request.user) is not None,
            "manages": services.may_manage(request.user),
            "pause_form": PauseForm(),
            "shop_form": ShopForm(initial={"operator": found.operator, "team": found.team_id}),
            "latest_black": latest_black,
            "review_form": ReviewRequestForm(teams=Team.objects.exclude(pk=latest_black.round.team_id))
            if latest_black
            else None,
        },
    )


@require_POST
@login_required
def shop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _shop(request, pk)
    form = ShopForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.shop_save(
            actor=request.user, shop=found, operator=form.cleaned_data["operator"], team=form.cleaned_data["team"]
        )
        return _("Saved.")

    return page_action(request, back=reverse("markets:shop", args=[found.pk]), run=run)


@require_POST
@login_required
def shop_pause(request: HttpRequest, pk: int) -> HttpResponse:
    found = _shop(request, pk)
    form = PauseForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        v = form.cleaned_data
        services.shop_pause(
            actor=request.user, shop=found, starts_on=v["starts_on"], ends_on=v["ends_on"], note=v["note"]
        )
        return _("The shop is recorded closed (歇业) on these days: no inspection is owed.")

    return page_action(request, back=reverse("markets:shop", args=[found.pk]), run=run)


def _answers(request: HttpRequest, items: list[Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        said = request.POST.get(f"item-{item.pk}", "")
        out[str(item.pk)] = {
            "passed": {"pass": True, "fail": False}.get(said, ""),
            "note": request.POST.get(f"note-{item.pk}", "")[:200],
            "photo": request.FILES.get(f"photo-{item.pk}"),
        }
    return out


@login_required
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    found = _shop(request, pk)
    team = team_of_user(request.user)
    if team is None:
        raise PermissionDenied(_("Only an inspector of a team records inspections."))
    kinds = [Kind.ROUTINE] if found.state == ShopState.OPEN else [Kind.CLOSURE, Kind.ACCEPTANCE]
    # A form opened before the shop's status changed still sends its kind: the service refuses it
    # with the reason (the reopening gate), rather than the page quietly changing what was meant.
    asked = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    kind: str = asked if asked in (kinds if request.method != "POST" else Kind.values) and asked else kinds[0]
    version = services.checklist_for(kind)
    items = list(version.items.order_by("position"))
    round_ = services.todays_round(request.user)
    partners = [u for u in round_.members.all() if u.pk != request.user.pk] if round_ is not None else []
    form = InspectionForm(request.POST or None, kinds=sorted({*kinds, kind}), partners=partners, initial={"kind": kind})

    def run(values: dict[str, Any]) -> Done:
        row, created = services.shop_inspect(
            actor=request.user,
            shop=found,
            kind=kind,
            answers=_answers(request, items),
            inspectors=[int(v) for v in values["inspectors"]],
            outcome=values["outcome"],
            stricter_reason=values["stricter_reason"],
            note=values["note"],
            client_id=values["client_id"],
        )
        said = (
            _("Inspection recorded: %(outcome)s.") % {"outcome": row.get_outcome_display()}
            if created
            else _("This inspection was already recorded.")
        )
        return said, reverse("markets:inspection", args=[row.pk])

    done = form_action(request, form, run)
    if done is not None:
        return done
    said = {str(i.pk): request.POST.get(f"item-{i.pk}", "") for i in items} if request.method == "POST" else {}
    return render(
        request,
        "markets/inspect.html",
        {
            "shop": found,
            "form": form,
            "kind": kind,
            "kinds": [(k, Kind(k).label) for k in kinds],
            "items": [(i, said.get(str(i.pk), "")) for i in items],
            "version": version,
            "round": round_,
            "draft_key": _draft_key(found.pk, kind),
        },
    )


def _inspection(request: HttpRequest, pk: int) -> ShopInspection:
    return get_object_or_404(selectors.inspection_list(request.user), pk=pk)


@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    row = _inspection(request, pk)
    notice = SuspensionNotice.objects.filter(inspection=row).first()
    reviews = list(Review.objects.filter(flagged=row).select_related("team"))
    return render(
        request,
        "markets/inspection.html",
        {
            "row": row,
            "answers": selectors.answers_of(row),
            "inspectors": row.inspection.inspectors.all(),
            "notice": notice,
            "serve_form": ServeForm(),
            "reviews": reviews,
            "draft_key": _draft_key(row.shop_id, row.kind),
        },
    )


@login_required
def inspection_photo(request: HttpRequest, pk: int, file_id: str) -> FileResponse:
    row = _inspection(request, pk)
    found = selectors.answers_of(row).filter(photo__public_id=file_id).first()
    if found is None or found.photo is None:
        raise Http404
    return file_response(found.photo)


@login_required
def notice_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    notice = get_object_or_404(selectors.notice_list(request.user), pk=pk)
    name = f"{notice.code}-{notice.inspection.shop.unit.name}"
    if fmt == "docx":
        body, content_type = (
            notice_docx(notice),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    else:
        body, content_type = notice_pdf(notice), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(f"{name}.{fmt}")
    return response


@require_POST
@login_required
def notice_serve(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notice_list(request.user), pk=pk)
    form = ServeForm(request.POST, request.FILES)

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        v = form.cleaned_data
        services.notice_serve(
            actor=request.user, notice=notice, how=v["served"], signature=v["signature"], witness=v["witness"]
        )
        return _("The notice's service is recorded.")

    return page_action(request, back=reverse("markets:inspection", args=[notice.pk]), run=run)


@require_POST
@login_required
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    row = _inspection(request, pk)
    form = ReviewRequestForm(request.POST, teams=Team.objects.all())

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.review_request(
            actor=request.user, flagged=row, team=form.cleaned_data["team"], reason=form.cleaned_data["reason"]
        )
        return _("The review is asked of %(team)s.") % {"team": form.cleaned_data["team"]}

    return page_action(request, back=reverse("markets:shop", args=[row.shop_id]), run=run)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(selectors.review_list(request.user), pk=pk)
    form = ReviewDecideForm(request.POST or None)

    def run(values: dict[str, Any]) -> Done:
        services.review_decide(actor=request.user, review=found, decision=values["decision"], note=values["note"])
        return _("The review is decided."), reverse("markets:review", args=[found.pk])

    done = form_action(request, form, run)
    if done is not None:
        return done
    decides = team_of_user(request.user) == found.team and not found.decision
    answers = selectors.answers_of(found.flagged)
    return render(
        request, "markets/review.html", {"review": found, "form": form, "decides": decides, "answers": answers}
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    regions = list(Region.objects.filter(level__in=(RegionLevel.SUBDISTRICT, RegionLevel.TOWN)).order_by("code"))
    region = next((r for r in regions if r.code == request.GET.get("region")), None)
    rows = coverage_rows(request.user, day, region)
    due, done = sum(r.due for r in rows), sum(r.inspected for r in rows)
    return render(
        request,
        "markets/coverage.html",
        {
            "day": day,
            "rows": rows,
            "regions": regions,
            "region": region,
            "due": due,
            "done": done,
            "rate": rate(done, due),
        },
    )


def _may_keep_checklists(request: HttpRequest) -> None:
    if not services.may_manage(request.user):
        raise PermissionDenied(_("Only the bureau's staff keep the checklists."))


@login_required
def checklists(request: HttpRequest) -> HttpResponse:
    _may_keep_checklists(request)
    key = request.GET.get("key") or request.POST.get("key") or EPIDEMIC_CHECKLIST
    if key not in (EPIDEMIC_CHECKLIST, CLOSURE_CHECKLIST):
        raise Http404
    version = current_version(key)
    if request.method == "POST":
        items = []
        for n in range(1, 101):
            text = request.POST.get(f"text-{n}")
            if text is None:
                break
            if text.strip():
                items.append(
                    ItemData(text, bool(request.POST.get(f"required-{n}")), bool(request.POST.get(f"serious-{n}")))
                )

        def run() -> str:
            saved = checklist_save(
                actor=request.user,
                key=key,
                name=version.template.name,
                items=items,
                note=request.POST.get("note", ""),
            )
            if saved.pk == version.pk:
                return _("Nothing changed.")
            return _("Saved as version %(n)d.") % {"n": saved.number}

        return page_action(request, back=f"{reverse('markets:checklists')}?key={key}", run=run)
    rows = [(n, i.text, i.required, i.serious) for n, i in enumerate(version.items.order_by("position"), 1)]
    rows += [(n, "", True, False) for n in range(len(rows) + 1, len(rows) + 4)]
    history = version.template.versions.order_by("-number")[:20]
    return render(
        request,
        "markets/checklists.html",
        {
            "key": key,
            "version": version,
            "rows": rows,
            "history": history,
            "keys": ((EPIDEMIC_CHECKLIST, _("Epidemic checklist")), (CLOSURE_CHECKLIST, _("Closure check"))),
        },
    )


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    if not services.may_manage(request.user):
        raise PermissionDenied(_("Only the bureau's staff keep the inspection teams."))
    regions = list(Region.objects.filter(level__in=(RegionLevel.SUBDISTRICT, RegionLevel.TOWN)).order_by("code"))
    team_form = TeamForm(request.POST if "regions" in request.POST else None, regions=regions)
    inspector_form = InspectorForm(request.POST if "badge_number" in request.POST else None)
    if request.method == "POST":

        def run() -> str:
            if "regions" in request.POST:
                if not team_form.is_valid():
                    raise ValidationError(team_form.errors)
                chosen = [r for r in regions if r.code in team_form.cleaned_data["regions"]]
                made = services.team_save(actor=request.user, name=team_form.cleaned_data["name"], regions=chosen)
                return _("Team %(name)s saved.") % {"name": made.name}
            if not inspector_form.is_valid():
                raise ValidationError(inspector_form.errors)
            v = inspector_form.cleaned_data
            user = User.objects.filter(username=v["username"], is_active=True).first()
            if user is None:
                raise ValidationError({"username": [_("No active account has this user name.")]})
            services.inspector_save(
                actor=request.user, user=user, team=v["team"], badge_number=v["badge_number"], active=v["active"]
            )
            return _("Inspector %(name)s saved.") % {"name": user.full_name or user.username}

        return page_action(request, back=reverse("markets:teams"), run=run)
    return render(
        request,
        "markets/teams.html",
        {"teams": selectors.teams(), "team_form": team_form, "inspector_form": inspector_form},
    )


def public(request: HttpRequest) -> HttpResponse:
    """The public list of flags, without login: names, addresses, flags and the last inspection."""
    subdistricts = list(Region.objects.filter(level__in=(RegionLevel.SUBDISTRICT, RegionLevel.TOWN)).order_by("code"))
    chosen = next((r for r in subdistricts if r.code == request.GET.get("region")), None)
    listed = selectors.public_list(chosen)
    groups = [(name, [(key, label, shops[key]) for key, label in PUBLIC_GROUPS]) for name, shops in listed.items()]
    return render(
        request,
        "markets/public.html",
        {"groups": groups, "subdistricts": subdistricts, "chosen": chosen, "now": timezone.localtime()},
    )
