"""The reminder ladder: before and at the due time the responsible party is reminded of each
obligation still missing, and past it the supervisors are told how many are overdue in their area.

Run by a periodic huey task (tasks.py) every few minutes. Each step of each obligation reaches each
person once: the notification's key names the duty, subject, period and step, and notify() never
delivers a key to a user twice, so a consumer that restarts, or a task that runs twice, sends
nothing again. Only staff accounts are reminded (guardians and students have none).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.models import User
from lianfang.core.notices.services import notify
from lianfang.core.regions.models import Membership, Region, Role
from lianfang.core.regions.scoping import Scope
from lianfang.core.regions.selectors import staff_serving

from .periods import DISTRICT_TIME
from .rules import Duty, all_duties
from .selectors import Missing, missing

# Steps older than this are not sent any more (after a long outage nobody wants yesterday's "due
# in an hour"); the escalation of a missed obligation still goes out within it.
LOOKBACK = dt.timedelta(hours=12)


def responsible_users(items: list[Missing], day: dt.date) -> dict[int, list[User]]:
    """The staff accounts answering for each missing row (by roster row id): its responsible
    person where it names one who holds a membership; else the contacts of its responsible
    organisation and the staff of its responsible office who serve where it is (three queries at
    most). The most particular party is reminded: a class's head teacher, not every teacher of
    the school and every officer of the bureau, whose rows only let them watch."""
    unit_ids = {s.responsible_unit_id for s in items if s.responsible_unit_id}
    department_ids = {s.responsible_department_id for s in items if s.responsible_department_id}
    user_ids = {s.responsible_user_id for s in items if s.responsible_user_id}
    memberships = Membership.objects.active_on(day).filter(user__is_active=True).select_related("user")
    by_unit: dict[int, list[User]] = defaultdict(list)
    by_department: dict[int, list[tuple[str, User]]] = defaultdict(list)  # with the region they serve
    staff: dict[int, User] = {}
    if unit_ids:
        for m in memberships.filter(role=Role.UNIT_CONTACT, unit_id__in=unit_ids):
            by_unit[m.unit_id or 0].append(m.user)
    if department_ids:
        staff_of = memberships.filter(role=Role.DEPARTMENT_STAFF, department_id__in=department_ids)
        for m in staff_of.select_related("region"):
            by_department[m.department_id or 0].append((m.region.prefix, m.user))
    if user_ids:  # a person answers only while they hold a membership: staff, not a private account
        staff = {m.user_id: m.user for m in memberships.filter(user_id__in=user_ids)}
    out: dict[int, list[User]] = {}
    for s in items:
        if s.responsible_user_id in staff:
            out[s.subject_id] = [staff[s.responsible_user_id]]
            continue
        users = list(by_unit.get(s.responsible_unit_id or 0, []))
        # An office's staff who serve where the subject is (a bureau's district, a team's subdistrict).
        users += [
            u
            for prefix, u in by_department.get(s.responsible_department_id or 0, [])
            if s.region_code.startswith(prefix)
        ]
        out[s.subject_id] = users
    return out


def _label(duty: Duty, session: str) -> str:
    found = duty.session(session)
    return f"{duty.label}·{found.label}" if found is not None and found.label else str(duty.label)


def _link(duty: Duty, day: dt.date) -> str:
    return f"{reverse('duties:missing')}?duty={duty.key}&day={day.isoformat()}"


def remind_missing(items: list[Missing], duty: Duty, *, step: str, day: dt.date) -> int:
    """Tell the responsible party of each missing obligation, once per step (in one message per
    person and session for a digest duty)."""
    people = (duty.recipients or responsible_users)(items, day)
    if duty.digest:
        return _remind_digest(items, duty, people, step=step, day=day)
    sent = 0
    for item in items:
        title = _("Not yet submitted: %(duty)s, %(subject)s") % {
            "duty": _label(duty, item.session),
            "subject": item.name,
        }
        body = _("Due at %(due)s.") % {"due": item.due.astimezone(DISTRICT_TIME).strftime("%m-%d %H:%M")}
        period = f"e{item.event_id}" if item.event_id else f"{item.day:%Y%m%d}:{item.session}"
        key = f"duty:{duty.key}:{item.subject_id}:{period}:{step}"
        sent += notify(
            users=people.get(item.subject_id, []), title=title, body=body, link=_link(duty, item.day), key=key
        )
    return sent


DIGEST_NAMES = 10


def _remind_digest(items: list[Missing], duty: Duty, people: dict[int, list[User]], *, step: str, day: dt.date) -> int:
    owed: dict[tuple[int, str], list[Missing]] = defaultdict(list)
    users: dict[int, User] = {}
    for item in items:
        for user in people.get(item.subject_id, []):
            users[user.pk] = user
            owed[(user.pk, item.session)].append(item)
    sent = 0
    for (user_id, session), mine in owed.items():
        title = _("%(n)d not yet submitted: %(duty)s") % {"n": len(mine), "duty": _label(duty, session)}
        names = "、".join(m.name for m in mine[:DIGEST_NAMES])
        body = names + ("……" if len(mine) > DIGEST_NAMES else "")
        key = f"duty:{duty.key}:{day:%Y%m%d}:{session}:{step}:digest"
        sent += notify(users=[users[user_id]], title=title, body=body, link=_link(duty, day), key=key)
    return sent


def _escalate(items: list[Missing], duty: Duty, *, day: dt.date) -> int:
    """Tell each supervisor once how many obligations of the period are overdue in their area."""
    supervisors_of: dict[int, list[User]] = {}
    counts: dict[tuple[int, str], int] = defaultdict(int)  # (supervisor, period of the day)
    users: dict[int, User] = {}
    regions = Region.objects.in_bulk({item.region_id for item in items})
    for item in items:
        if item.region_id not in supervisors_of:
            covering = regions[item.region_id]
            supervisors_of[item.region_id] = list(staff_serving(roles=duty.supervisor_roles, covering=covering))
        for user in supervisors_of[item.region_id]:
            users[user.pk] = user
            # An event's report is its own period: each overdue one is escalated (once).
            counts[(user.pk, f"#{item.event_id}" if item.event_id else item.session)] += 1
    sent = 0
    for (user_id, session), n in counts.items():
        title = _("%(n)d overdue: %(duty)s") % {
            "n": n,
            "duty": _label(duty, "" if session.startswith("#") else session),
        }
        body = _("Reports of %(day)s not submitted in your area after their due time.") % {"day": day.isoformat()}
        key = f"duty:{duty.key}:{day:%Y%m%d}:{session}:escalated"
        sent += notify(users=[users[user_id]], title=title, body=body, link=_link(duty, day), key=key)
    return sent


def send_duty_reminders(now: dt.datetime | None = None) -> int:
    """Take every step of the ladder that has come (each at most once); how many messages went.

    For the responsible party, only the latest reminder step an obligation has reached is sent (a
    consumer that starts after two steps sends one message, not two); the supervisors' step is
    separate."""
    now = now or timezone.now()
    today = now.astimezone(DISTRICT_TIME).date()
    everything = Scope.everything()
    sent = 0
    for duty in all_duties():
        offsets = sorted(duty.reminders)
        for day in (today - dt.timedelta(days=1), today):
            if offsets:
                # Everything due by (now - earliest offset) and still missing has reached a step.
                steps: dict[str, list[Missing]] = defaultdict(list)
                for item in missing(everything, duty, day, now=now - offsets[0]):
                    reached = [i for i, offset in enumerate(duty.reminders) if item.due + offset <= now]
                    latest = max(reached, key=lambda i: duty.reminders[i])
                    if item.due + duty.reminders[latest] > now - LOOKBACK:
                        steps[f"r{latest}"].append(item)
                for step, items in steps.items():
                    sent += remind_missing(items, duty, step=step, day=day)
            if duty.escalate_after is not None:
                overdue = [
                    m
                    for m in missing(everything, duty, day, now=now - duty.escalate_after)
                    if m.due + duty.escalate_after > now - LOOKBACK
                ]
                if overdue:
                    sent += _escalate(overdue, duty, day=day)
    return sent


def remind_now(items: list[Missing], duty: Duty, *, day: dt.date, at: Any) -> int:
    """A reminder asked for from the missing list: at most once an hour for each obligation."""
    return remind_missing(items, duty, step=f"m{at:%Y%m%d%H}", day=day)
