"""The demo's volunteers: registered through the services, idempotent, and today's pages not empty."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.demo.loading import load_demo
from lianfang.core.people.identity import validate_document
from lianfang.core.privacy.cipher import decrypt
from lianfang.volunteers.models import Shift, Volunteer, VolunteerTask

pytestmark = pytest.mark.django_db


def test_the_demo_volunteers_serve_today_and_load_once(client: Client) -> None:
    load_demo()
    counts = (Volunteer.objects.count(), VolunteerTask.objects.count(), Shift.objects.count())
    load_demo()
    assert (Volunteer.objects.count(), VolunteerTask.objects.count(), Shift.objects.count()) == counts
    assert AuditEvent.objects.filter(verb="volunteer.register").count() == counts[0] == 44
    person = Volunteer.objects.select_related("person").first()
    assert person is not None
    validate_document("resident_id", decrypt(person.person.document_cipher, column="person.document"))

    today = timezone.localdate()
    waiting = Shift.objects.filter(task__starts_at__date=today, checked_in_at__isnull=True, task__kind="testing_site")
    assert waiting.count() == 6
    site = waiting.first()
    assert site is not None
    client.force_login(User.objects.get(username="gongye"))
    tasks = client.get("/volunteers/tasks/").content.decode()
    assert site.task.title in tasks
    page = client.get(f"/volunteers/tasks/{site.task_id}/").content.decode()
    assert page.count('data-action="check-in"') == 6
    client.force_login(User.objects.get(username="wangge"))
    mine = client.get("/volunteers/tasks/").content.decode()
    assert "金华路社区代购代买" in mine and "社区核酸检测点值守" not in mine
