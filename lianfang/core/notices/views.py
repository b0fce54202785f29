"""Notice pages: the list (sent notices with their counts; a unit contact's incoming notices),
composing one, a notice's page (receipts and reminders for the sender side; reading and
acknowledging for a recipient), attachments; and the user's notification list."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianfang.core.files.serving import file_response
from lianfang.core.page_actions import Done, form_action
from lianfang.core.people.models import NAME_ORDER
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import regions_in_scope
from lianfang.core.units.selectors import unit_list

from .forms import NoticeForm
from .models import Notice, TargetKind
from .selectors import (
    contact_unit_ids,
    inbox_unacknowledged,
    may_send,
    notice_for,
    notice_inbox,
    notice_list,
    notice_receipts,
    notification_list,
    notification_unread_count,
)
from .services import notice_acknowledge, notice_read, notice_remind, notice_send, notification_mark_read
from .targets import clean_target


def _notice(request: HttpRequest, pk: int) -> tuple[Notice, str]:
    found = notice_for(request.user, pk)
    if found is None:
        raise Http404
    return found


@login_required
def notice_index(request: HttpRequest) -> HttpResponse:
    units = contact_unit_ids(request.user)
    sending = may_send(request.user)
    context = {
        # A unit contact sees what reached their organisation; the sender side sees its jurisdiction's.
        "inbox": notice_inbox(request.user)[:100] if units else None,
        "unacknowledged": inbox_unacknowledged(request.user) if units else 0,
        "many_units": len(units) > 1,
        "sent": Paginator(notice_list(request.user), 30).get_page(request.GET.get("page"))
        if sending or not units
        else None,
        "may_send": sending,
    }
    return render(request, "notices/list.html", context)


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    if not may_send(request.user):
        raise PermissionDenied(_("Your role may not send notices."))
    units = unit_list(request.user).prefetch_related(None)
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        regions=regions_in_scope(request.user),
        units=units.order_by(*NAME_ORDER),
    )

    def send(values: dict[str, Any]) -> Done:
        target = clean_target(
            kind=values["target_kind"],
            unit_kind=values["target_unit_kind"],
            region=values["target_region"],
            units=values["target_units"] or (),
        )
        notice = notice_send(
            actor=request.user,
            title=values["title"],
            body=values["body"],
            target=target,
            attachments=values["attachments"],
        )
        said = _("Sent to %(n)d organisations.") % {"n": notice.receipts.count()}
        return said, reverse("notices:detail", args=[notice.pk])

    done = form_action(request, form, send)
    return done or render(request, "notices/form.html", {"form": form, "target_kinds": TargetKind})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice, side = _notice(request, pk)
    context: dict[str, object] = {"notice": notice, "side": side, "attachments": notice.attachments.all()}
    if side == "recipient":
        # Opening the notice is reading it (the first time is kept).
        context["mine"] = notice_read(actor=request.user, notice=notice)
        context["acknowledged"] = all(r.acknowledged_at for r in context["mine"])  # type: ignore[attr-defined]
    else:
        receipts = list(notice_receipts(notice))
        context.update(
            receipts=receipts,
            not_read=[r for r in receipts if r.read_at is None],
            not_acknowledged=[r for r in receipts if r.acknowledged_at is None],
            may_remind=scope_for(request.user).can_write,
        )
    return render(request, "notices/detail.html", context)


@login_required
@require_POST
def notice_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice, side = _notice(request, pk)
    if side != "recipient":
        raise Http404
    notice_acknowledge(actor=request.user, notice=notice)
    if request.headers.get("HX-Request") == "true":
        # From the list: the row is swapped in place, with the count (and any other row of the
        # notice, when the user answers for several organisations).
        rows = list(notice_inbox(request.user).filter(notice=notice))
        chosen = request.POST.get("receipt", "")
        row = next((r for r in rows if str(r.pk) == chosen), rows[0])
        context = {
            "row": row,
            "others": [r for r in rows if r is not row],
            "unacknowledged": inbox_unacknowledged(request.user),
            "many_units": len(contact_unit_ids(request.user)) > 1,
        }
        return render(request, "notices/_acknowledged.html", context)
    messages.success(request, _("Acknowledged. The sender can see it."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notices:detail", pk=notice.pk)


@login_required
@require_POST
def notice_remind_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice, side = _notice(request, pk)
    if side != "sender":
        raise Http404
    result = notice_remind(actor=request.user, notice=notice)
    if result.reminded:
        messages.success(request, _("Reminded %(n)d organisations.") % {"n": result.reminded})
    if result.too_soon:
        messages.info(
            request,
            _("%(n)d organisations were reminded less than an hour ago and were not reminded again.")
            % {"n": result.too_soon},
        )
    if result.without_contact:
        messages.warning(
            request,
            _("%(n)d organisations have no contact account and can only be reached another way.")
            % {"n": result.without_contact},
        )
    if not (result.reminded or result.too_soon):
        messages.info(request, _("Every organisation has acknowledged the notice."))
    return redirect("notices:detail", pk=notice.pk)


@login_required
def notice_attachment(request: HttpRequest, pk: int, file_id: uuid.UUID) -> HttpResponseBase:
    notice, _side = _notice(request, pk)
    stored = notice.attachments.filter(public_id=file_id).first()
    if stored is None:
        raise Http404
    return file_response(stored)


# The notification list


@login_required
def notification_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_list(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notices/notifications.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_list(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification_mark_read(actor=request.user, notifications=[notification])
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:index")


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("notification", "")
    if chosen.isdigit():
        notifications = list(notification_list(request.user).filter(pk=int(chosen)))
        notification_mark_read(actor=request.user, notifications=notifications)
    else:
        notification_mark_read(actor=request.user)
    return redirect("notifications:index")


@require_GET
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, with the unread count: what every page polls for (base.html, bell.js).

    Nothing for a visitor who is not signed in (204: the page keeps its bell). The poll reads the
    session without renewing it, so that the idle timeout still ends a session nobody uses."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    request.session.renews = False  # type: ignore[attr-defined]  # lianfang.core.accounts.sessions
    response = render(request, "notices/_bell.html", {"nav_unread": notification_unread_count(request.user)})
    response["Cache-Control"] = "no-store"
    return response
