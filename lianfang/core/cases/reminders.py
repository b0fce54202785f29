"""The reminder ladder: the owner is reminded before the deadline and on the day; an overdue
case is escalated to the owner's superior. Run by a huey periodic task (tasks.py).

No reminder goes out twice: each step is first claimed by inserting a CaseReminder row that is
unique per case, step and deadline, in the same transaction as the notification it sends. A
second worker sweeping at the same moment fails to claim the step and moves on. A new deadline
starts a new ladder.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lianfang.core.accounts.models import User
from lianfang.core.audit.services import audit_record
from lianfang.core.regions.models import DepartmentKind, Membership, Role

from .kinds import UnknownKind, all_kinds, get_kind
from .models import Case, CaseEvent, CaseReminder, EventKind, ReminderStep


def owners_of(case: Case, *, on: dt.date | None = None, include_assignee: bool = True) -> list[User]:
    """The people a case waits for: its assignee, else the staff of its owning department or
    office, or the contacts of its owning organisation."""
    if include_assignee and case.assignee_id is not None:
        return [case.assignee] if case.assignee and case.assignee.is_active else []
    day = on or timezone.localdate()
    condition = Q(pk__in=[])
    department = case.owner_department
    if department is not None:
        if department.kind == DepartmentKind.SUBDISTRICT_OFFICE:
            condition |= Q(role=Role.SUBDISTRICT_STAFF, region_id=department.region_id)
        condition |= Q(role=Role.DEPARTMENT_STAFF, department_id=department.pk)
    if case.owner_unit_id is not None:
        condition |= Q(role=Role.UNIT_CONTACT, unit_id=case.owner_unit_id)
    user_ids = Membership.objects.active_on(day).filter(condition).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def superiors_of(case: Case, *, on: dt.date | None = None) -> list[User]:
    """Who hears of an overdue case: the owning office over its assignee; the district
    commanders over an office, a department or an organisation (or when the office has no staff)."""
    if case.assignee_id is not None:
        office = [u for u in owners_of(case, on=on, include_assignee=False) if u.pk != case.assignee_id]
        if office:
            return office
    day = on or timezone.localdate()
    commanders = Membership.objects.active_on(day).filter(role=Role.COMMANDER).values("user_id")
    return list(User.objects.filter(pk__in=commanders, is_active=True).order_by("pk"))


def _due_step(case: Case, today: dt.date) -> str | None:
    if case.deadline is None:
        return None
    try:
        before = get_kind(case.kind).remind_days_before
    except UnknownKind:
        before = 1
    if today > case.deadline:
        return ReminderStep.OVERDUE
    if today == case.deadline:
        return ReminderStep.DUE
    if today >= case.deadline - dt.timedelta(days=before):
        return ReminderStep.BEFORE
    return None


def _message(case: Case, step: str) -> tuple[str, str]:
    deadline = date_format(case.deadline) if case.deadline else ""  # 2022年1月14日
    if step == ReminderStep.OVERDUE:
        title = _("Overdue case #%(id)s: %(title)s") % {"id": case.pk, "title": case.title}
        body = _("The deadline was %(deadline)s and the case is not closed.") % {"deadline": deadline}
    elif step == ReminderStep.DUE:
        title = _("Due today: case #%(id)s %(title)s") % {"id": case.pk, "title": case.title}
        body = _("The deadline is today, %(deadline)s.") % {"deadline": deadline}
    else:
        title = _("Due soon: case #%(id)s %(title)s") % {"id": case.pk, "title": case.title}
        body = _("The deadline is %(deadline)s.") % {"deadline": deadline}
    return title, body


def deliver(*, case: Case, users: list[User], title: str, body: str, key: str) -> int:
    from lianfang.core.notices.services import notify

    link = reverse("cases:detail", args=[case.pk])
    return notify(users=users, title=title, body=body, link=link, key=key)


def _take_step(case: Case, step: str, today: dt.date) -> bool:
    assert case.deadline is not None
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = CaseReminder.objects.create(case=case, step=step, deadline=case.deadline)
        except IntegrityError:
            return False  # already taken, by an earlier sweep or by another worker right now
        users = superiors_of(case, on=today) if step == ReminderStep.OVERDUE else owners_of(case, on=today)
        title, body = _message(case, step)
        deliver(case=case, users=users, title=title, body=body, key=f"case:{case.pk}:{step}:{case.deadline}")
        claim.recipients = len(users)
        claim.save(update_fields=["recipients"])
        names = "、".join((u.full_name or u.get_username()) for u in users) or "-"
        kind = EventKind.ESCALATED if step == ReminderStep.OVERDUE else EventKind.REMINDED
        CaseEvent.objects.create(
            case=case, kind=kind, actor_name=_("system"), note=f"{ReminderStep(step).label} → {names}"
        )
        if step == ReminderStep.OVERDUE:
            Case.objects.filter(pk=case.pk).update(escalated_at=timezone.now())
        audit_record(actor=None, actor_name="reminders", verb=f"case.{kind}", target=case, detail=names[:500])
    return True


def send_due_reminders(*, today: dt.date | None = None) -> int:
    """Take every reminder step that is due today and not yet taken; returns how many were taken."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max((k.remind_days_before for k in all_kinds()), default=1))
    cases = (
        Case.objects.filter(is_closed=False, deadline__isnull=False, deadline__lte=horizon)
        .select_related("region", "owner_department", "assignee")
        .order_by("pk")
    )
    taken = 0
    for case in cases.iterator(chunk_size=500):
        step = _due_step(case, today)
        if step is None:
            continue
        assert case.deadline is not None
        if CaseReminder.objects.filter(case=case, step=step, deadline=case.deadline).exists():
            continue
        taken += _take_step(case, step, today)
    return taken
