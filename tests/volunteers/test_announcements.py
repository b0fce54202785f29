"""An enterprise hears of the tasks it is invited to and of its volunteers' shifts; the task's
organiser hears of a check-out; nobody hears of their own action, and a resend tells no one twice."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from lianfang.core.accounts.models import User
from lianfang.core.notices.models import Notification
from lianfang.volunteers.services import shift_check_in, shift_check_out, shift_dispatch
from tests.volunteers.conftest import Corps, new_task

pytestmark = pytest.mark.django_db


def _titles(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def test_an_invited_enterprise_hears_of_the_task_and_of_its_volunteers_shift(corps: Corps) -> None:
    jiyuan, qiye, worker = corps.user("jiyuan"), corps.user("qiye"), corps.world["worker"]
    task = new_task(jiyuan, corps.world.jiyuan_a, invited_units=[corps.works], organiser=worker)
    assert len(_titles(qiye)) == 1 and task.title in _titles(qiye)[0]
    assert _titles(corps.user("hongda")) == []  # not invited

    [shift] = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    assert "张一" in _titles(qiye)[-1]
    shift_check_in(actor=jiyuan, shift=shift, at=timezone.now() - dt.timedelta(minutes=50))
    assert len(_titles(qiye)) == 3
    check = uuid.uuid4()
    shift, _ = shift_check_out(actor=jiyuan, shift=shift, client_id=check)
    shift_check_out(actor=jiyuan, shift=shift, client_id=check)  # the phone resends it
    assert len(_titles(qiye)) == 4 and "0.8" in _titles(qiye)[-1]
    # The organiser hears of the check-out; the staff who did it all hear of none of it.
    assert len(_titles(worker)) == 1 and "张一" in _titles(worker)[0]
    assert _titles(jiyuan) == []


def test_an_enterprise_contact_checking_its_own_volunteer_in_is_not_told_of_it(corps: Corps) -> None:
    jiyuan, qiye = corps.user("jiyuan"), corps.user("qiye")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    [shift] = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张二"]])
    before = len(_titles(qiye))
    shift_check_in(actor=qiye, shift=shift)
    assert len(_titles(qiye)) == before


def test_a_community_volunteer_s_shift_tells_no_enterprise(corps: Corps) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["李四"]])
    assert Notification.objects.count() == 0
