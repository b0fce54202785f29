"""The duties engine on one fixture: a week around the 2022 Spring Festival, with 调休 working days
(29 and 30 January), the holiday (from 31 January), a transfer on a day, an exemption, and
submissions at 23:59 and 00:01 Shanghai time. Numbers are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.models import AuditEvent
from lianfang.core.calendar.models import DayKind
from lianfang.core.calendar.services import calendar_day_save, epidemic_declare
from lianfang.core.duties.models import DutySubject, Submission
from lianfang.core.duties.reminders import send_duty_reminders
from lianfang.core.duties.rules import AfterEvent, Daily, Days, Duty, Session, register_duty, unregister_duty
from lianfang.core.duties.selectors import completeness, missing
from lianfang.core.duties.services import (
    RosterEntry,
    duty_event_record,
    duty_exempt,
    duty_roster_set,
    duty_submit,
)
from lianfang.core.idempotency import SubmissionConflict
from lianfang.core.notices.models import Notification
from lianfang.core.regions.models import Membership, Role
from tests.world import World, make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SYSTEM = SystemActor("test")
D = dt.date

CHECKS = Duty(
    key="test.checks",
    label="晨午检",
    subject_label="班级",
    cadence=Daily(
        sessions=(
            Session("morning", "晨检", dt.time(8, 30), epidemic_due=dt.time(8, 0)),
            Session("noon", "午检", dt.time(15, 0)),
        ),
        days=Days.WORKING_DAYS,
    ),
)
RELIEF = Duty(
    key="test.relief_papers",
    label="救助材料",
    subject_label="家庭",
    cadence=AfterEvent(working_days=5),
    reminders=(),
    escalate_after=None,
)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _duties() -> Iterator[None]:
    register_duty(CHECKS)
    register_duty(RELIEF)
    yield
    unregister_duty(CHECKS.key)
    unregister_duty(RELIEF.key)


@dataclass
class Week:
    world: World
    rows: dict[str, DutySubject]
    zhongxin_teacher: Any
    zhongxin_staff: Any


def _submit(
    monkeypatch: pytest.MonkeyPatch,
    when: dt.datetime,
    actor: Any,
    row: DutySubject,
    day: dt.date,
    session: str,
    **kw: Any,
) -> Submission:
    monkeypatch.setattr(timezone, "now", lambda: when)
    submission, _ = duty_submit(actor=actor, subject=row.pk, day=day, session=session, **kw)
    monkeypatch.undo()
    return submission


@pytest.fixture
def week(world: World, monkeypatch: pytest.MonkeyPatch) -> Week:
    for day in (D(2022, 1, 29), D(2022, 1, 30)):
        calendar_day_save(actor=SYSTEM, day=day, kind=DayKind.WORKING_DAY, name="春节调休")
    for n in range(7):
        calendar_day_save(actor=SYSTEM, day=D(2022, 1, 31) + dt.timedelta(days=n), kind=DayKind.DAY_OFF, name="春节")
    teacher = world["worker"]  # a field worker in 济源路社区
    zhongxin_teacher = make_user("zx_teacher", full_name="钟老师")
    Membership.objects.create(user=zhongxin_teacher, role=Role.FIELD_WORKER, region=world.zhongxin_a)
    zhongxin_staff = make_user("zx_staff", full_name="钟主任")
    Membership.objects.create(user=zhongxin_staff, role=Role.SUBDISTRICT_STAFF, region=world.zhongxin)
    start = D(2022, 1, 1)
    rows = {}
    for n, (name, region, who) in enumerate(
        [
            ("一班", world.jiyuan_a, teacher),
            ("二班", world.jiyuan_a, teacher),
            ("三班", world.zhongxin_a, zhongxin_teacher),
            ("四班", world.jiyuan_a, teacher),
        ]
    ):
        entry = RosterEntry("test.class", n + 1, name, region, responsible_user=who)
        rows[name] = duty_roster_set(actor=SYSTEM, duty=CHECKS.key, entry=entry, from_day=start)
    # 四班 moves to 中心路社区 on the 29th: its row there starts that day.
    moved = RosterEntry("test.class", 4, "四班", world.zhongxin_a, responsible_user=zhongxin_teacher)
    rows["四班 moved"] = duty_roster_set(actor=SYSTEM, duty=CHECKS.key, entry=moved, from_day=D(2022, 1, 29))
    rows["四班"].refresh_from_db()
    # 二班 is on leave on the 28th and 29th.
    duty_exempt(
        actor=teacher, subject=rows["二班"].pk, starts_on=D(2022, 1, 28), ends_on=D(2022, 1, 29), reason="leave"
    )
    a, b, c = rows["一班"], rows["二班"], rows["三班"]
    # 一班: everything, two late: 晨检 of the 27th at 08:31, 午检 of the 27th at 23:59.
    _submit(monkeypatch, at(D(2022, 1, 27), 8, 31), teacher, a, D(2022, 1, 27), "morning")
    _submit(monkeypatch, at(D(2022, 1, 27), 23, 59), teacher, a, D(2022, 1, 27), "noon")
    _submit(monkeypatch, at(D(2022, 1, 28), 0, 1), teacher, a, D(2022, 1, 28), "morning")  # 00:01: on time
    for day, session in [
        (D(2022, 1, 28), "noon"),
        (D(2022, 1, 29), "morning"),
        (D(2022, 1, 29), "noon"),
        (D(2022, 1, 30), "morning"),
        (D(2022, 1, 30), "noon"),
    ]:
        _submit(monkeypatch, at(day, 7 if session == "morning" else 14), teacher, a, day, session)
    # 二班: the 27th, and the 30th's 晨检.
    for day, session in [(D(2022, 1, 27), "morning"), (D(2022, 1, 27), "noon"), (D(2022, 1, 30), "morning")]:
        _submit(monkeypatch, at(day, 7 if session == "morning" else 14), teacher, b, day, session)
    # 三班: 零报告 for each 晨检, no 午检.
    for n in range(4):
        day = D(2022, 1, 27) + dt.timedelta(days=n)
        _submit(monkeypatch, at(day, 7), zhongxin_teacher, c, day, "morning", zero_report=True)
    # 四班: the 27th's 晨检 in 济源路, the 29th's 晨检 in 中心路.
    _submit(monkeypatch, at(D(2022, 1, 27), 7), teacher, rows["四班"], D(2022, 1, 27), "morning")
    _submit(monkeypatch, at(D(2022, 1, 29), 7), zhongxin_teacher, rows["四班 moved"], D(2022, 1, 29), "morning")
    return Week(world, rows, zhongxin_teacher, zhongxin_staff)


def test_completeness_over_the_week_counts_what_the_calendar_roster_and_exemption_expect(week: Week) -> None:
    # Working days 27, 28, 29 (调休), 30 (调休); 31 and 1 February are holidays. Two sessions a day.
    # 一班 8, 二班 8 - 4 exempt, 三班 8, 四班 4 in 济源路 + 4 in 中心路: 28 expected, 4 exempt.
    # Submitted: 一班 6 on time + 2 late, 二班 3, 三班 4 (零报告), 四班 2: 15 on time, 2 late, 11 missing.
    result = completeness(week.world["commander"], CHECKS, D(2022, 1, 27), D(2022, 2, 1), now=at(D(2022, 3, 1), 0))
    t = result.total
    assert (t.expected, t.on_time, t.late, t.missing, t.waiting, t.exempt) == (28, 15, 2, 11, 0, 4)
    assert str(t.rate) == "60.7"
    by = {r.name: c for r, c in result.by_region}
    assert (
        by["济源路街道"].expected,
        by["济源路街道"].submitted,
        by["济源路街道"].missing,
        by["济源路街道"].exempt,
    ) == (16, 12, 4, 4)
    assert (by["中心路街道"].expected, by["中心路街道"].submitted, by["中心路街道"].missing) == (12, 5, 7)


def test_a_correction_keeps_the_first_version_and_its_lateness_and_counts_once(
    week: Week, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = week.rows["一班"]
    corrected = _submit(
        monkeypatch, at(D(2022, 1, 27), 9), week.world["worker"], a, D(2022, 1, 27), "morning", content={"note": "更正"}
    )
    assert corrected.version == 2 and corrected.late and corrected.is_current
    versions = Submission.objects.filter(subject=a, day=D(2022, 1, 27), session="morning").order_by("version")
    assert [(s.version, s.is_current) for s in versions] == [(1, False), (2, True)]
    assert AuditEvent.objects.filter(verb="duty.correct", target_id=str(corrected.pk)).exists()
    result = completeness(week.world["commander"], CHECKS, D(2022, 1, 27), D(2022, 1, 27), now=at(D(2022, 3, 1), 0))
    assert (result.total.on_time, result.total.late) == (4, 2)  # 二班 2, 三班 1, 四班 1; 一班 late twice, once each


def test_the_missing_list_of_a_day_names_each_missing_session_with_its_region(week: Week) -> None:
    found = missing(week.world["commander"], CHECKS, D(2022, 1, 30), now=at(D(2022, 3, 1), 0))
    assert sorted((m.name, m.session, m.region_name) for m in found) == [
        ("三班", "noon", "中心路社区"),
        ("二班", "noon", "济源路社区"),
        ("四班", "morning", "中心路社区"),
        ("四班", "noon", "中心路社区"),
    ]
    assert missing(week.world["commander"], CHECKS, D(2022, 1, 31), now=at(D(2022, 3, 1), 0)) == []  # a holiday
    # Before the noon check's due time only the morning's count as missing; the rest wait.
    early = missing(week.world["commander"], CHECKS, D(2022, 1, 30), now=at(D(2022, 1, 30), 9))
    assert sorted(m.name for m in early) == ["四班"]
    day = completeness(week.world["commander"], CHECKS, D(2022, 1, 30), D(2022, 1, 30), now=at(D(2022, 1, 30), 9))
    assert (day.total.expected, day.total.waiting, day.total.missing) == (8, 3, 1)


def test_a_field_worker_sees_only_the_subjects_they_answer_for(week: Week) -> None:
    result = completeness(week.zhongxin_teacher, CHECKS, D(2022, 1, 27), D(2022, 2, 1), now=at(D(2022, 3, 1), 0))
    # 三班 8 and 四班 from the 29th 4: 12 expected, 5 submitted.
    assert (result.total.expected, result.total.submitted) == (12, 5)


def test_bad_submissions_are_refused_with_the_field_named_and_nothing_written(week: Week) -> None:
    a, b, c = week.rows["一班"], week.rows["二班"], week.rows["三班"]
    teacher = week.world["worker"]
    before = Submission.objects.count()
    cases: list[tuple[dict[str, Any], str]] = [
        (dict(subject=a.pk, day=D(2022, 1, 31), session="morning"), "day"),  # a holiday
        (dict(subject=b.pk, day=D(2022, 1, 28), session="morning"), "day"),  # exempt
        (dict(subject=a.pk, day=D(2022, 1, 28), session="evening"), "session"),
        (dict(subject=week.rows["四班"].pk, day=D(2022, 1, 30), session="morning"), "day"),  # moved away by then
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as refused:
            duty_submit(actor=teacher, **values)
        assert field in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        duty_submit(actor=teacher, subject=c.pk, day=D(2022, 1, 28), session="noon")  # not his class
    assert AuditEvent.objects.filter(verb="duty.submit", outcome="denied").exists()
    assert Submission.objects.count() == before


def test_a_resend_returns_the_first_submission_and_other_content_under_its_id_is_a_conflict(week: Week) -> None:
    a = week.rows["三班"]
    client_id = uuid.uuid4()
    first, created = duty_submit(
        actor=week.zhongxin_teacher, subject=a.pk, day=D(2022, 1, 28), session="noon", client_id=client_id
    )
    again, created_again = duty_submit(
        actor=week.zhongxin_teacher, subject=a.pk, day=D(2022, 1, 28), session="noon", client_id=client_id
    )
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(SubmissionConflict):
        duty_submit(
            actor=week.zhongxin_teacher,
            subject=a.pk,
            day=D(2022, 1, 28),
            session="noon",
            zero_report=True,
            client_id=client_id,
        )


def test_a_due_time_is_earlier_in_an_epidemic_period(week: Week, monkeypatch: pytest.MonkeyPatch) -> None:
    epidemic_declare(actor=SYSTEM, starts_on=D(2022, 1, 28), level="2")
    c = week.rows["三班"]
    # 08:10 on the 28th: after the epidemic due time (08:00), before the ordinary one (08:30).
    late = _submit(monkeypatch, at(D(2022, 1, 28), 8, 10), week.zhongxin_teacher, c, D(2022, 1, 28), "noon")
    assert not late.late  # the noon check has no epidemic due time
    refreshed = _submit(monkeypatch, at(D(2022, 2, 7), 8, 10), week.zhongxin_teacher, c, D(2022, 2, 7), "morning")
    assert refreshed.late


def test_an_event_obligation_falls_due_on_the_fifth_working_day_across_the_holiday(
    week: Week, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = duty_roster_set(
        actor=SYSTEM,
        duty=RELIEF.key,
        entry=RosterEntry("test.household", 1, "张家", week.world.jiyuan_a, responsible_user=week.world["worker"]),
        from_day=D(2022, 1, 1),
    )
    event = duty_event_record(actor=week.world["worker"], subject=row.pk, occurred_at=at(D(2022, 1, 27), 10))
    # 28 (1), 29 (2, 调休), 30 (3, 调休), the holiday to 6 February, 7 (4), 8 (5).
    assert event.due_at.astimezone(SHANGHAI) == at(D(2022, 2, 8), 23, 59)
    assert [m.event_id for m in missing(week.world["worker"], RELIEF, D(2022, 2, 8), now=at(D(2022, 2, 9), 0))] == [
        event.pk
    ]
    monkeypatch.setattr(timezone, "now", lambda: at(D(2022, 2, 8), 20))
    duty_submit(actor=week.world["worker"], subject=row.pk, event=event.pk)
    monkeypatch.undo()
    result = completeness(week.world["worker"], RELIEF, D(2022, 2, 1), D(2022, 2, 28), now=at(D(2022, 3, 1), 0))
    assert (result.total.expected, result.total.on_time, result.total.missing) == (1, 1, 0)


def test_the_reminder_ladder_sends_each_step_once_even_when_the_consumer_restarts(week: Week) -> None:
    teacher = week.zhongxin_teacher
    # 08:40 on the 30th: 四班's 晨检 (due 08:30) is missing; the steps "an hour before" and "at the
    # due time" have both come, and only the latest is sent.
    first = send_duty_reminders(now=at(D(2022, 1, 30), 8, 40))
    again = send_duty_reminders(now=at(D(2022, 1, 30), 8, 40))
    told = list(Notification.objects.filter(user=teacher).values_list("key", flat=True))
    assert first == 1 and again == 0 and len(told) == 1 and "四班" in Notification.objects.get(user=teacher).title
    assert not Notification.objects.filter(user=week.zhongxin_staff).exists()
    # An hour past the due time the supervisors hear how many are overdue in their area, once.
    assert send_duty_reminders(now=at(D(2022, 1, 30), 9, 35)) == 1
    assert send_duty_reminders(now=at(D(2022, 1, 30), 9, 50)) == 0
    [overdue] = Notification.objects.filter(user=week.zhongxin_staff)
    assert overdue.title.startswith("1")
    assert not Notification.objects.filter(user=week.world["nobody"]).exists()  # no account without a membership


def test_a_reminder_from_the_missing_list_tells_the_responsible_teacher_once_an_hour(week: Week) -> None:
    client = Client()
    client.force_login(week.zhongxin_staff)
    row = week.rows["四班 moved"]
    for _ in range(2):
        client.post(reverse("duties:remind"), {"subject": row.pk, "day": "2022-01-30", "session": "morning"})
    assert Notification.objects.filter(user=week.zhongxin_teacher).count() == 1
    assert AuditEvent.objects.filter(verb="duty.remind").count() == 2


def test_the_missing_page_makes_the_same_number_of_queries_for_four_subjects_or_fourteen(week: Week) -> None:
    client = Client()
    client.force_login(week.world["commander"])
    url = f"{reverse('duties:missing')}?duty={CHECKS.key}&day=2022-01-30"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(10):
        entry = RosterEntry(
            "test.class", 100 + n, f"新{n}班", week.world.jiyuan_b, responsible_user=week.world["worker"]
        )
        duty_roster_set(actor=SYSTEM, duty=CHECKS.key, entry=entry, from_day=D(2022, 1, 1))
    many = queries()
    assert many == few
    assert client.get(url).content.decode().count("data-missing=") == 4 + 20


def test_the_api_submits_lists_completeness_and_the_missing_list(week: Week) -> None:
    _, token = AuthToken.objects.create(user=week.zhongxin_teacher)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    row = week.rows["三班"]
    body = {
        "subject": row.pk,
        "day": "2022-01-30",
        "session": "noon",
        "zero_report": True,
        "client_id": str(uuid.uuid4()),
    }
    made = api.post("/api/v1/duty-submissions/", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["zero_report"] is True
    assert api.post("/api/v1/duty-submissions/", body, content_type="application/json").status_code == 200
    body["zero_report"] = False
    assert api.post("/api/v1/duty-submissions/", body, content_type="application/json").status_code == 409
    holiday = {"subject": row.pk, "day": "2022-01-31", "session": "noon"}
    refused = api.post("/api/v1/duty-submissions/", holiday, content_type="application/json")
    assert refused.status_code == 400 and "day" in refused.json()["fields"]
    numbers = api.get(f"/api/v1/duties/{CHECKS.key}/completeness/?from=2022-01-27&to=2022-02-01").json()
    assert numbers["total"]["expected"] == 12 and numbers["total"]["on_time"] + numbers["total"]["late"] == 6
    listed = api.get(f"/api/v1/duties/{CHECKS.key}/missing/?day=2022-01-30").json()
    assert sorted((m["name"], m["session"]) for m in listed) == [("四班", "morning"), ("四班", "noon")]
    assert api.get("/api/v1/duties/test.unknown/missing/").status_code == 404


def test_completeness_is_a_figure_with_a_drill_down_to_the_missing_and_their_teachers(week: Week) -> None:
    from lianfang.core.duties.figures import completeness_figure
    from lianfang.core.figures.registry import Period, registry
    from lianfang.core.figures.selectors import figure_drill_down
    from lianfang.core.regions.scoping import scope_for

    figure = registry.register(
        completeness_figure(CHECKS, key="test.checks_completeness", label="晨午检完成率", practice="test")
    )
    try:
        scope = scope_for(week.world["commander"])
        value = figure.compute(Period(D(2022, 1, 27), D(2022, 2, 1)), week.world.district, scope)
        assert (str(value.value), value.numerator, value.denominator) == ("60.7", 17, 28)
        drill = figure_drill_down(
            scope=scope, key=figure.key, period=Period(D(2022, 1, 30), D(2022, 1, 30)), region=week.world.district
        )
        assert drill is not None
        assert sorted(row[0] for row in drill.table(drill.rows)) == ["三班", "二班", "四班"]
    finally:
        registry.figures.pop(figure.key)


def test_a_weekly_visit_is_owed_once_a_week_and_a_visit_any_day_of_the_week_fulfils_it(world: World) -> None:
    from lianfang.core.duties.rules import EveryNDays

    weekly = Duty(
        key="test.weekly_visit", label="每周探访", subject_label="老人", cadence=EveryNDays(7, anchor=D(2022, 1, 3))
    )
    register_duty(weekly)
    try:
        row = duty_roster_set(
            actor=SYSTEM,
            duty=weekly.key,
            entry=RosterEntry("test.elder", 1, "王奶奶", world.jiyuan_a, responsible_user=world["worker"]),
            from_day=D(2022, 1, 1),
        )
        # Visited on Wednesday the 5th: the week of 3–9 January, due on Sunday the 9th.
        visit, _ = duty_submit(actor=world["worker"], subject=row.pk, day=D(2022, 1, 5))
        assert visit.day == D(2022, 1, 9)
        result = completeness(world["commander"], weekly, D(2022, 1, 3), D(2022, 1, 23), now=at(D(2022, 2, 1), 0))
        # Three weeks end in the period (the 9th, 16th and 23rd): one visited.
        assert (result.total.expected, result.total.submitted, result.total.missing) == (3, 1, 2)
        assert [m.day for m in missing(world["commander"], weekly, D(2022, 1, 12), now=at(D(2022, 2, 1), 0))] == [
            D(2022, 1, 16)
        ]
    finally:
        unregister_duty(weekly.key)


def test_an_obligation_after_an_event_in_hours_falls_due_that_many_hours_later(world: World) -> None:
    revisit = Duty(
        key="test.revisit",
        label="回访",
        subject_label="家庭",
        cadence=AfterEvent(hours=24),
        reminders=(),
        escalate_after=None,
    )
    register_duty(revisit)
    try:
        row = duty_roster_set(
            actor=SYSTEM,
            duty=revisit.key,
            entry=RosterEntry("test.household", 9, "李家", world.jiyuan_a, responsible_user=world["worker"]),
            from_day=D(2022, 1, 1),
        )
        event = duty_event_record(actor=world["worker"], subject=row.pk, occurred_at=at(D(2022, 1, 14), 23, 30))
        assert event.due_at.astimezone(SHANGHAI) == at(D(2022, 1, 15), 23, 30)
    finally:
        unregister_duty(revisit.key)


def test_an_early_report_then_an_exemption_is_counted_once_as_exempt(
    week: Week, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = week.rows["三班"]
    _submit(monkeypatch, at(D(2022, 1, 28), 11), week.zhongxin_teacher, c, D(2022, 1, 28), "noon")  # before 15:00
    duty_exempt(
        actor=week.zhongxin_staff, subject=c.pk, starts_on=D(2022, 1, 28), ends_on=D(2022, 1, 28), reason="leave"
    )
    day = completeness(week.world["commander"], CHECKS, D(2022, 1, 28), D(2022, 1, 28), now=at(D(2022, 1, 28), 12))
    by = {r.name: c for r, c in day.by_region}["中心路街道"]
    # 三班 exempt (2); 四班 still in 济源路 that day: nothing of 中心路 is expected.
    assert (by.expected, by.waiting, by.missing, by.exempt) == (0, 0, 0, 2)


def test_a_transfer_takes_the_reports_already_made_for_its_days_along(week: Week) -> None:
    # 一班 moves to 中心路 from the 29th, recorded late: its reports of the 29th and 30th move with it.
    a = week.rows["一班"]
    moved = RosterEntry("test.class", 1, "一班", week.world.zhongxin_a, responsible_user=week.zhongxin_teacher)
    row = duty_roster_set(actor=SYSTEM, duty=CHECKS.key, entry=moved, from_day=D(2022, 1, 29))
    assert Submission.objects.filter(subject=row).count() == 4 and Submission.objects.filter(subject=a).count() == 4
    result = completeness(week.world["commander"], CHECKS, D(2022, 1, 27), D(2022, 2, 1), now=at(D(2022, 3, 1), 0))
    assert (result.total.expected, result.total.submitted) == (28, 17)  # as before the move
    by = {r.name: c for r, c in result.by_region}
    assert (by["济源路街道"].submitted, by["中心路街道"].submitted) == (8, 9)


def test_after_a_transfer_the_old_row_exempts_nothing_of_the_new_region(week: Week) -> None:
    old = week.rows["四班"]  # in 济源路 until the 28th
    with pytest.raises(ValidationError):
        duty_exempt(
            actor=week.world["jiyuan"], subject=old.pk, starts_on=D(2022, 1, 29), ends_on=D(2022, 1, 30), reason="leave"
        )
    clipped = duty_exempt(
        actor=week.world["jiyuan"], subject=old.pk, starts_on=D(2022, 1, 28), ends_on=D(2022, 1, 30), reason="leave"
    )
    assert (clipped.starts_on, clipped.ends_on) == (D(2022, 1, 28), D(2022, 1, 28))


def test_dates_outside_the_years_kept_are_refused_not_a_server_error(week: Week) -> None:
    client = Client()
    client.force_login(week.zhongxin_staff)
    assert client.get(f"{reverse('duties:missing')}?duty={CHECKS.key}&day=9999-12-31").status_code == 200
    answer = client.post(reverse("duties:remind"), {"subject": week.rows["三班"].pk, "day": "9999-12-31"})
    assert answer.status_code == 302
    _, token = AuthToken.objects.create(user=week.zhongxin_staff)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"subject": week.rows["三班"].pk, "day": "9999-12-31", "session": "noon"}
    assert api.post("/api/v1/duty-submissions/", body, content_type="application/json").status_code == 400
    remind = api.post(f"/api/v1/duties/{CHECKS.key}/remind/", body, content_type="application/json")
    assert remind.status_code == 400
    assert api.get(f"/api/v1/duties/{CHECKS.key}/completeness/?from=2022-01-01&to=2022-12-31").status_code == 200


def test_a_report_for_a_day_to_come_is_refused_and_one_in_the_due_minute_is_on_time(
    week: Week, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = week.rows["三班"]
    monkeypatch.setattr(timezone, "now", lambda: at(D(2022, 1, 27), 9))
    with pytest.raises(ValidationError) as refused:
        duty_submit(actor=week.zhongxin_teacher, subject=c.pk, day=D(2022, 1, 28), session="morning")
    assert "day" in refused.value.message_dict
    monkeypatch.undo()
    in_time = _submit(
        monkeypatch, at(D(2022, 1, 27), 15) + dt.timedelta(seconds=40), week.zhongxin_teacher, c, D(2022, 1, 27), "noon"
    )
    assert not in_time.late


def test_a_resend_after_an_exemption_still_gets_the_first_answer(week: Week) -> None:
    c = week.rows["三班"]
    client_id = uuid.uuid4()
    first, _ = duty_submit(
        actor=week.zhongxin_teacher, subject=c.pk, day=D(2022, 1, 28), session="noon", client_id=client_id
    )
    duty_exempt(
        actor=week.zhongxin_staff, subject=c.pk, starts_on=D(2022, 1, 28), ends_on=D(2022, 1, 28), reason="leave"
    )
    again, created = duty_submit(
        actor=week.zhongxin_teacher, subject=c.pk, day=D(2022, 1, 28), session="noon", client_id=client_id
    )
    assert again.pk == first.pk and not created


def test_an_office_is_reminded_only_through_staff_serving_where_the_subject_is(week: Week) -> None:
    world = week.world
    jiyuan_team = make_user("team_jy")
    Membership.objects.create(
        user=jiyuan_team, role=Role.DEPARTMENT_STAFF, region=world.jiyuan, department=world.market
    )
    entry = RosterEntry("test.shop", 1, "好邻居", world.zhongxin_a, responsible_department=world.market)
    duty_roster_set(actor=SYSTEM, duty=CHECKS.key, entry=entry, from_day=D(2022, 1, 1))
    send_duty_reminders(now=at(D(2022, 1, 30), 8, 40))
    assert Notification.objects.filter(user=world["market"], title__contains="好邻居").exists()  # district-wide
    assert not Notification.objects.filter(user=jiyuan_team).exists()  # serves 济源路 only


def test_the_submit_paths_scope_decision_on_the_row_agrees_with_the_scoped_query_for_every_role(week: Week) -> None:
    """lookups.submitted_for + Scope.admits (the one read of a submission) must refuse and admit
    exactly the rows scope_for(user).filter() would, for writers; the rest are refused."""
    from lianfang.core.duties.services import _submitting_for
    from lianfang.core.regions.scoping import scope_for
    from lianfang.core.units.models import Unit

    world = week.world
    shop = Unit.objects.create(name="好邻居", region=world.zhongxin_a)
    contact = make_user("shop_contact")
    Membership.objects.create(user=contact, role=Role.UNIT_CONTACT, region=world.zhongxin_a, unit=shop)
    extra = [
        RosterEntry("test.shop", 1, "好邻居", world.zhongxin_a, responsible_unit=shop),
        RosterEntry("test.shop", 2, "市场", world.jiyuan_b, responsible_department=world.market),
        RosterEntry("test.shop", 3, "办事处", world.jiyuan_a, responsible_department=world.jiyuan_office),
    ]
    rows = list(week.rows.values()) + [
        duty_roster_set(actor=SYSTEM, duty=CHECKS.key, entry=e, from_day=D(2022, 1, 1)) for e in extra
    ]
    users = [world[u] for u in ("commander", "market", "jiyuan", "worker", "auditor", "admin", "expired", "nobody")]
    for user in [*users, week.zhongxin_teacher, week.zhongxin_staff, contact]:
        scope = scope_for(user)
        for row in rows:
            expected = scope.can_write and scope.filter(DutySubject.objects.filter(pk=row.pk)).exists()
            try:
                _submitting_for(user, row.pk, D(2022, 1, 27), None)
                admitted = True
            except PermissionDenied:
                admitted = False
            assert admitted is expected, (user.username, row.name, row.region.name)


def test_a_monthly_or_quarterly_rule_falls_due_on_the_last_day_of_its_calendar_block(world: World) -> None:
    from lianfang.core.calendar.days import district_calendar
    from lianfang.core.duties.periods import dues, period_day
    from lianfang.core.duties.rules import Monthly

    calendar = district_calendar()
    monthly = Duty(key="test.monthly", label="每月探访", subject_label="家庭", cadence=Monthly(1))
    quarterly = Duty(key="test.quarterly", label="每季探访", subject_label="家庭", cadence=Monthly(3))
    assert period_day(monthly, D(2024, 2, 3), calendar) == D(2024, 2, 29)
    assert period_day(quarterly, D(2022, 2, 10), calendar) == D(2022, 3, 31)
    assert period_day(quarterly, D(2022, 12, 31), calendar) == D(2022, 12, 31)
    assert [d.day for d in dues(quarterly, D(2022, 1, 1), D(2022, 12, 31), calendar)] == [
        D(2022, 3, 31), D(2022, 6, 30), D(2022, 9, 30), D(2022, 12, 31)
    ]  # fmt: skip
    assert len(dues(monthly, D(2022, 1, 15), D(2022, 3, 31), calendar)) == 3
    with pytest.raises(ValueError):
        Monthly(5)
