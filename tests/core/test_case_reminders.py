"""Deadlines: the reminder ladder, sent once, even with two workers sweeping at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from lianfang.core.cases.models import Case, CaseEvent, CaseReminder, EventKind, ReminderStep
from lianfang.core.cases.reminders import send_due_reminders
from lianfang.core.cases.services import case_assign, case_edit, case_report, clean_case
from lianfang.core.notices.models import Notification
from tests.world import World

TODAY = timezone.localdate()


def _case(world: World, deadline: dt.date) -> Case:
    data = clean_case(kind="problem", title="缺工20人", region=world.jiyuan_a, deadline=deadline, today=deadline)
    case, _ = case_report(actor=world["jiyuan"], data=data)
    return case


@pytest.mark.django_db
def test_the_owner_is_reminded_the_day_before_and_on_the_day_and_a_superior_after(world: World) -> None:
    deadline = TODAY + dt.timedelta(days=3)
    case = _case(world, deadline)
    case = case_assign(actor=world["jiyuan"], case=case, version=case.version, assignee=world["worker"])
    assert send_due_reminders(today=deadline - dt.timedelta(days=2)) == 0
    assert send_due_reminders(today=deadline - dt.timedelta(days=1)) == 1
    assert send_due_reminders(today=deadline) == 1
    assert send_due_reminders(today=deadline + dt.timedelta(days=1)) == 1
    assert send_due_reminders(today=deadline + dt.timedelta(days=2)) == 0  # escalated once, not daily
    worker = Notification.objects.filter(user=world["worker"]).order_by("id")
    assert [n.title[:4] for n in worker] == ["即将到期", "今日到期"]
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in worker[0].body  # not 2022-01-14
    # The assignee's superior is the owning office: the subdistrict staff.
    escalated = Notification.objects.get(user=world["jiyuan"])
    assert escalated.title.startswith("案件逾期") and escalated.link == f"/cases/{case.pk}/"
    steps = list(CaseReminder.objects.filter(case=case).order_by("id").values_list("step", flat=True))
    assert steps == [ReminderStep.BEFORE, ReminderStep.DUE, ReminderStep.OVERDUE]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATED).count() == 1
    case.refresh_from_db()
    assert case.escalated_at is not None


@pytest.mark.django_db
def test_an_office_owned_case_is_escalated_to_the_district_commander(world: World) -> None:
    deadline = TODAY
    _case(world, deadline)
    send_due_reminders(today=deadline)
    assert Notification.objects.filter(user=world["jiyuan"]).count() == 1  # the office's staff
    send_due_reminders(today=deadline + dt.timedelta(days=1))
    assert Notification.objects.filter(user=world["commander"], title__startswith="案件逾期").count() == 1


@pytest.mark.django_db
def test_a_new_deadline_starts_a_new_ladder_and_a_closed_case_gets_none(world: World) -> None:
    case = _case(world, TODAY)
    assert send_due_reminders(today=TODAY) == 1
    later = TODAY + dt.timedelta(days=5)
    case = case_edit(
        actor=world["jiyuan"], case=case, version=case.version, title=case.title, description="", deadline=later,
        priority=2,
    )  # fmt: skip
    assert send_due_reminders(today=later) == 1
    Case.objects.filter(pk=case.pk).update(is_closed=True, closed_at=timezone.now())
    assert send_due_reminders(today=later + dt.timedelta(days=1)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_each_reminder_once(world: World) -> None:
    for _ in range(5):
        _case(world, TODAY)
    start = threading.Barrier(2)
    taken: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        from django.db import connections

        try:
            start.wait()
            taken.append(send_due_reminders(today=TODAY))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not errors, errors
    assert sum(taken) == 5
    assert CaseReminder.objects.count() == 5
    assert Notification.objects.filter(user=world["jiyuan"]).count() == 5
