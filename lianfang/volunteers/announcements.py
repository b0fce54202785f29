"""Who hears of a volunteer task, in their notification list (the bell).

An enterprise invited to a task hears of it; an enterprise hears when one of its volunteers is
dispatched, checks in and checks out (with the hours served), and the task's organiser hears of the
check-out. Nobody is told of their own action. Each message has a key naming the task or shift
and the step, so that it reaches each person once, even when a phone resends a check.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, acting_user
from lianfang.core.notices.selectors import unit_contacts
from lianfang.core.notices.services import notify

from .models import CheckKind, Shift, VolunteerTask


def _others(user_ids: Iterable[int | None], actor: Actor) -> list[int]:
    me = acting_user(actor)
    return sorted({pk for pk in user_ids if pk is not None and (me is None or pk != me.pk)})


def _when(task: VolunteerTask) -> str:
    """The day in the default date format (2022年1月14日) and the hours."""
    starts = timezone.localtime(task.starts_at)
    ends = timezone.localtime(task.ends_at)
    return f"{date_format(starts.date())} {starts:%H:%M}–{ends:%H:%M}"


def _link(task: VolunteerTask) -> str:
    return reverse("volunteers:task", args=[task.pk])


def announce_invitation(task: VolunteerTask, *, actor: Actor) -> int:
    """Tell the contacts of each enterprise invited to the task."""
    invited = list(task.invited_units.values_list("pk", flat=True))
    contacts = unit_contacts(invited)
    users = _others((pk for ids in contacts.values() for pk in ids), actor)
    title = _("Volunteers wanted: %(title)s") % {"title": task.title}
    body = _("%(place)s, %(when)s, %(needed)d people. Your organisation is invited to send volunteers.") % {
        "place": task.place,
        "when": _when(task),
        "needed": task.people_needed,
    }
    return notify(users=users, title=title, body=body, link=_link(task), key=f"volunteer_task:{task.pk}:invited")


def announce_shifts(shifts: list[Shift], *, step: str, actor: Actor) -> int:
    """Tell each volunteer's enterprise that its volunteer was dispatched, checked in or checked
    out; tell the task's organiser of a check-out. The contacts of every enterprise concerned are
    looked up once, however many shifts were dispatched together."""
    contacts = unit_contacts(sorted({s.volunteer.unit_id for s in shifts if s.volunteer.unit_id is not None}))
    told = 0
    for shift in shifts:
        task = shift.task
        name = shift.volunteer.person.name
        users: list[int | None] = list(contacts.get(shift.volunteer.unit_id or 0, []))
        if step == "dispatched":
            title = _("%(name)s is dispatched to %(title)s") % {"name": name, "title": task.title}
            body = _("%(place)s, %(when)s.") % {"place": task.place, "when": _when(task)}
        elif step == CheckKind.CHECK_IN:
            title = _("%(name)s checked in at %(title)s") % {"name": name, "title": task.title}
            arrived = timezone.localtime(shift.checked_in_at)
            body = _("%(place)s, %(time)s.") % {"place": task.place, "time": f"{arrived:%H:%M}"}
        else:
            users.append(task.organiser_id)
            title = _("%(name)s checked out of %(title)s: %(hours)s hours") % {
                "name": name,
                "title": task.title,
                "hours": shift.hours,
            }
            body = _("%(place)s, %(when)s.") % {"place": task.place, "when": _when(task)}
        key = f"volunteer_shift:{shift.pk}:{step}:{shift.version}"
        told += notify(users=_others(users, actor), title=title, body=body, link=_link(task), key=key)
    return told
