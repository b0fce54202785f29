"""Demo: the schools of 上街区 in the seed period, calibrated to the bulletin (区教育局):
18,000 students taught online from home, their 健康打卡 and each class's 晨午检 at 100%
(reported from home by the guardians through the head teachers), and the last 14 days alike.

At full scale: 12 schools, 400 classes of 45 students, one head teacher per class. Tests load the
same demo at a small scale (DemoContext.scale). Check-ins are entered class by class as a head
teacher enters them (duty_submit_many), and each 晨午检 goes through morning_check_submit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from lianfang.core.accounts.models import User
from lianfang.core.accounts.services import user_create
from lianfang.core.calendar.days import district_calendar
from lianfang.core.calendar.models import SchoolTerm
from lianfang.core.calendar.services import school_term_save
from lianfang.core.demo.loading import DEMO_PASSWORD, SEED_END, SEED_START, DemoContext
from lianfang.core.duties.models import DutySubject
from lianfang.core.duties.services import duty_submit_many
from lianfang.core.people.identity import check_char
from lianfang.core.people.services import clean_person
from lianfang.core.regions.demo import person_name
from lianfang.core.regions.models import Department, Membership, Region, RegionLevel, Role
from lianfang.core.regions.services import membership_save
from lianfang.core.units.demo import demo_credit_code
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.services import clean_unit, unit_register

from .duties import CHECKIN_SESSION, HEALTH_CHECKIN, MORNING_NOON_CHECK, STUDENT_SUBJECT, TEACHER_SUBJECT
from .models import (
    Absence,
    AbsenceReason,
    AbsenceState,
    AidKind,
    Attendance,
    Enrolment,
    Lack,
    School,
    SchoolClass,
)
from .services import (
    Student,
    absence_move,
    class_save,
    home_visit_record,
    lesson_improvement_case,
    lesson_observe,
    morning_check_submit,
    school_save,
    school_teachers,
    students_enrol,
    teaching_aid_give,
    teaching_gap_record,
)

SEED_STUDENTS = 18_000  # "1.8万名学生"
CLASS_SIZE = 45
FULL_CLASSES = SEED_STUDENTS // CLASS_SIZE  # 400
# (name, subdistrict, grades): three are the units demo's; the rest are added here.
SCHOOLS: list[tuple[str, str, range]] = [
    ("上街区实验小学", "中心路街道", range(1, 7)),
    ("上街区第一中学", "济源路街道", range(7, 10)),
    ("峡窝镇中心小学", "峡窝镇", range(1, 7)),
    ("上街区第二中学", "新安路街道", range(7, 10)),
    ("中心路小学", "中心路街道", range(1, 7)),
    ("济源路小学", "济源路街道", range(1, 7)),
    ("新安路小学", "新安路街道", range(1, 7)),
    ("工业路小学", "工业路街道", range(1, 7)),
    ("矿山小学", "矿山街道", range(1, 7)),
    ("上街区实验中学", "工业路街道", range(7, 10)),
    ("铝城小学", "矿山街道", range(1, 7)),
    ("上街区第三中学", "中心路街道", range(7, 10)),
]
ENROLLED_FROM = dt.date(2021, 9, 1)  # the term of the seed began then
SEED_HOME_VISITS = 3_200  # "线上家访3000余次"
SEED_LESSONS = 210  # "听评课200余节"
SEED_RESEARCHERS = 14  # "14名教研员"
SEED_GAPS = 90  # students without device or network, each given an aid before the seed period
SUBJECTS = ["语文", "数学", "英语", "科学", "道德与法治", "音乐", "美术", "体育", "物理", "历史"]
SUGGESTIONS = [
    "互动偏少，建议增加连麦提问，关注后排学生在线状态。",
    "板书投屏字体偏小，建议放大并控制每页信息量。",
    "作业布置偏多，建议分层布置，减轻线上学习负担。",
    "",
    "",
]


def load(ctx: DemoContext) -> None:
    if School.objects.exists():
        return
    _current_term(ctx)
    units = _schools(ctx)
    teachers = _teachers(ctx, units)
    schools = [
        school_save(actor=ctx.actor, unit=u, health_officer=teachers[u.pk][0], from_day=ENROLLED_FROM) for u in units
    ]
    classes = _classes(ctx, schools, teachers)
    _students(ctx, classes)
    _online(ctx, classes)
    researchers = _researchers(ctx)
    for (start, end), scale in (((SEED_START, SEED_END), 1.0), ((ctx.recent_start, ctx.today), 0.25)):
        _days(ctx, classes, schools, start, end)
        _followed(end)
        _visits(ctx, classes, start, end, round(ctx.scaled(SEED_HOME_VISITS) * scale))
        _lessons(ctx, schools, researchers, start, end, round(ctx.scaled(SEED_LESSONS) * scale))
    _recent_alert(ctx, classes)
    ctx.notes.append(
        f"{Enrolment.objects.count()} students in {len(classes)} classes of {len(schools)} schools; "
        "健康打卡 and 晨午检 complete in the seed period and the last 14 days"
    )


def _current_term(ctx: DemoContext) -> None:
    """The term today falls in, where the calendar's demo years have none (so that today's
    school pages have a school day to show)."""
    today = ctx.today
    if SchoolTerm.objects.filter(starts_on__lte=today, ends_on__gte=today).exists():
        return
    if today.month >= 9 or today.month == 1:
        first_year = today.year if today.month >= 9 else today.year - 1
        name, start, end = (
            f"{first_year}—{first_year + 1}学年第一学期",
            dt.date(first_year, 9, 1),
            dt.date(first_year + 1, 1, 20),
        )
    else:
        name, start, end = (
            f"{today.year - 1}—{today.year}学年第二学期",
            dt.date(today.year, 2, 16),
            dt.date(today.year, 7, 10),
        )
    if start <= today <= end:
        school_term_save(actor=ctx.actor, name=name, starts_on=start, ends_on=end)


def _schools(ctx: DemoContext) -> list[Unit]:
    """The schools the demo's classes are spread over: all twelve at full scale, fewer at a small one."""
    wanted = SCHOOLS[: max(2, min(len(SCHOOLS), ctx.scaled(len(SCHOOLS))))]
    subdistricts = {r.name: r for r in Region.objects.filter(level__in=[RegionLevel.SUBDISTRICT, RegionLevel.TOWN])}
    units = []
    for name, sub, _grades in wanted:
        unit = Unit.objects.filter(name=name, profiles__kind=UnitKind.SCHOOL).first()
        if unit is None:
            community = Region.objects.filter(parent=subdistricts[sub]).order_by("code").first()
            assert community is not None
            data = clean_unit(
                name=name,
                credit_code=demo_credit_code(ctx),
                region=community,
                kinds=[UnitKind.SCHOOL],
                address=f"{community.name}{ctx.rng.randint(1, 99)}号",
            )
            unit, _outcome = unit_register(actor=ctx.actor, data=data)
        units.append(unit)
    return units


def _classes_per_school(ctx: DemoContext, n_schools: int) -> list[int]:
    total = ctx.scaled(FULL_CLASSES, least=n_schools)
    return [total // n_schools + (1 if i < total % n_schools else 0) for i in range(n_schools)]


def _teachers(ctx: DemoContext, units: list[Unit]) -> dict[int, list[User]]:
    """One head teacher per class, and the school's health officer among them (its first). The
    first school's first two have the demo password: 疫情报告人 baojian and 班主任 banzhuren."""
    out: dict[int, list[User]] = {}
    counts = _classes_per_school(ctx, len(units))
    for i, (unit, n) in enumerate(zip(units, counts, strict=True)):
        users = []
        for k in range(n + 1):  # the health officer and one head teacher per class
            if i == 0 and k < 2:
                username, full_name = ("baojian", "许保健") if k == 0 else ("banzhuren", "林班主任")
                password: str | None = DEMO_PASSWORD
            else:
                username, full_name, password = f"t{unit.pk}x{k:03d}", person_name(ctx) + "老师", None
            user = User.objects.filter(username=username).first() or user_create(
                actor=ctx.actor, username=username, full_name=full_name, password=password
            )
            if not Membership.objects.filter(user=user, role=Role.UNIT_CONTACT, unit=unit).exists():
                membership_save(
                    actor=ctx.actor,
                    membership=Membership(
                        user=user, role=Role.UNIT_CONTACT, region=unit.region, unit=unit, valid_from=ENROLLED_FROM
                    ),
                )
            users.append(user)
        out[unit.pk] = users
    first = units[0].name
    ctx.account(username="baojian", password=DEMO_PASSWORD, role=f"{Role.UNIT_CONTACT.label} · {first} · 疫情报告人")
    ctx.account(username="banzhuren", password=DEMO_PASSWORD, role=f"{Role.UNIT_CONTACT.label} · {first} · 班主任")
    return out


def _classes(ctx: DemoContext, schools: list[School], teachers: dict[int, list[User]]) -> list[SchoolClass]:
    classes = []
    counts = _classes_per_school(ctx, len(schools))
    grades_of = {name: grades for name, _sub, grades in SCHOOLS}
    for school, n in zip(schools, counts, strict=True):
        grades = list(grades_of[school.unit.name])
        heads = teachers[school.pk][1:]
        for k in range(n):
            grade, number = grades[k % len(grades)], k // len(grades) + 1
            # banzhuren heads the first class; the health officer teaches it too.
            classes.append(
                class_save(
                    actor=ctx.actor,
                    school=school,
                    grade=grade,
                    number=number,
                    head_teacher=heads[k],
                    teachers=[teachers[school.pk][0]] if k == 0 else [],
                    from_day=ENROLLED_FROM,
                )
            )
    return classes


def _students(ctx: DemoContext, classes: list[SchoolClass]) -> None:
    serial = 0
    for school_class in classes:
        age = 6 + school_class.grade
        batch = []
        for number in range(1, CLASS_SIZE + 1):
            serial += 1
            data = clean_person(name=person_name(ctx), document_number=_student_id(2021 - age, serial), today=ctx.today)
            batch.append(Student(number, data))
        students_enrol(actor=ctx.actor, school_class=school_class, students=batch, from_day=ENROLLED_FROM)


def _student_id(year: int, serial: int) -> str:
    """A valid resident ID of 上街区 (410106), unique per student: the birth date and the sequence
    code both follow from the serial (sequence codes from 500: the people demo's are below)."""
    born = dt.date(year, 1, 1) + dt.timedelta(days=serial % 365)
    first17 = f"410106{born:%Y%m%d}{500 + serial // 365:03d}"
    return first17 + check_char(first17)


def _days(ctx: DemoContext, classes: list[SchoolClass], schools: list[School], start: dt.date, end: dt.date) -> None:
    """Every check-in and every 晨午检 of [start, end], entered as the head teachers enter them;
    a few students absent (for illness or personal matters) on school days."""
    calendar = district_calendar()
    students_of: dict[int, list[int]] = {}
    for row in DutySubject.objects.filter(duty=HEALTH_CHECKIN.key, subject_type=STUDENT_SUBJECT).values(
        "pk", "subject_id"
    ):
        students_of.setdefault(row["subject_id"], []).append(row["pk"])
    enrolments: dict[int, list[Enrolment]] = {}
    for e in Enrolment.objects.filter(school_class__in=classes).order_by("number"):
        enrolments.setdefault(e.school_class_id, []).append(e)
    teacher_rows = list(
        DutySubject.objects.filter(duty=HEALTH_CHECKIN.key, subject_type=TEACHER_SUBJECT)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .values_list("pk", flat=True)
    )
    day = start
    while day <= end:
        # Every check-in of the day: the teachers' and the students' of every class (one batch:
        # the demo enters them as system:demo, as a head teacher enters a class's).
        rows = teacher_rows + [
            pk for school_class in classes for e in enrolments[school_class.pk] for pk in students_of.get(e.pk, [])
        ]
        duty_submit_many(
            actor=ctx.actor,
            duty=HEALTH_CHECKIN.key,
            subjects=rows,
            day=day,
            session=CHECKIN_SESSION,
            content={},
            practice=True,
        )
        if calendar.is_school_day(day):
            for school_class in classes:
                for session in MORNING_NOON_CHECK.sessions:
                    _check(ctx, school_class, enrolments[school_class.pk], day, session.key)
        day += dt.timedelta(days=1)


def _followed(end: dt.date) -> None:
    """The head teachers follow each absence for illness; a student away two days before `end` is back."""
    for absence in Absence.objects.filter(state=AbsenceState.REGISTERED, first_day__lte=end - dt.timedelta(days=2)):
        head = absence.school_class.head_teacher
        back = absence.first_day + dt.timedelta(days=2)
        absence = absence_move(
            actor=head, absence=absence, transition="track", version=None, note="电话随访：咳嗽，居家休息"
        )
        absence = absence_move(
            actor=head, absence=absence, transition="conclude", version=None, diagnosis="上呼吸道感染，已痊愈"
        )
        absence_move(actor=head, absence=absence, transition="back", version=None, returned_on=back)


def _online(ctx: DemoContext, classes: list[SchoolClass]) -> None:
    """一个不少: a few students lacked a device or network when teaching went online; each was
    given a data plan, a phone lent by the school, or TV lessons, before the seed period."""
    enrolments = list(Enrolment.objects.filter(school_class__in=classes).select_related("school_class"))
    for n, enrolment in enumerate(ctx.rng.sample(enrolments, min(len(enrolments), ctx.scaled(SEED_GAPS)))):
        head = enrolment.school_class.head_teacher
        lack = (Lack.DEVICE, Lack.NETWORK, Lack.BOTH)[n % 3]
        gap = teaching_gap_record(actor=head, enrolment=enrolment, lack=lack, recorded_on=dt.date(2021, 12, 27))
        kind = {Lack.DEVICE: AidKind.LENT_PHONE, Lack.NETWORK: AidKind.DATA_PLAN, Lack.BOTH: AidKind.TV_LESSONS}[lack]
        teaching_aid_give(actor=head, gap=gap, kind=kind, given_on=dt.date(2021, 12, 29))


def _researchers(ctx: DemoContext) -> list[User]:
    """区教育局's 14 teaching researchers (教研员); `jiaoyan` has the demo password."""
    bureau = next(d for d in Department.objects.all() if UnitKind.SCHOOL in (d.supervises or []))
    out = []
    for n in range(SEED_RESEARCHERS):
        username, password = ("jiaoyan", DEMO_PASSWORD) if n == 0 else (f"jy{n:02d}", None)
        full_name = "郭教研" if n == 0 else person_name(ctx) + "（教研员）"
        user = User.objects.filter(username=username).first() or user_create(
            actor=ctx.actor, username=username, full_name=full_name, password=password
        )
        if not Membership.objects.filter(user=user, role=Role.DEPARTMENT_STAFF, department=bureau).exists():
            membership_save(
                actor=ctx.actor,
                membership=Membership(user=user, role=Role.DEPARTMENT_STAFF, region=bureau.region, department=bureau),
            )
        out.append(user)
    ctx.account(
        username="jiaoyan", password=DEMO_PASSWORD, role=f"{Role.DEPARTMENT_STAFF.label} · {bureau.name} · 教研员"
    )
    return out


def _visits(ctx: DemoContext, classes: list[SchoolClass], start: dt.date, end: dt.date, total: int) -> None:
    """The head teachers' online home visits of the period, spread over its days and classes."""
    days = (end - start).days + 1
    students: dict[int, list[Enrolment]] = {}
    for e in Enrolment.objects.filter(school_class__in=classes).select_related("school_class"):
        students.setdefault(e.school_class_id, []).append(e)
    for n in range(total):
        school_class = classes[n % len(classes)]
        enrolment = ctx.rng.choice(students[school_class.pk])
        home_visit_record(
            actor=school_class.head_teacher,
            enrolment=enrolment,
            visited_on=start + dt.timedelta(days=n % days),
            family="家长在家陪读，居家学习条件基本具备。",
            purpose="了解居家线上学习和身体状况",
            findings="能按时上网课，作息规律，身体健康。",
            measures="提醒家长督促孩子按时作息、适当运动。",
        )


def _sheet() -> Any:
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (60, 80), (250, 250, 250)).save(out, "PNG")
    return SimpleUploadedFile("评分表.png", out.getvalue(), content_type="image/png")


def _lessons(
    ctx: DemoContext, schools: list[School], researchers: list[User], start: dt.date, end: dt.date, total: int
) -> None:
    """The researchers' observations of the period, each with its scored sheet; the C lessons'
    suggestions go to their schools as improvement cases."""
    calendar = district_calendar()
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    days = [d for d in days if calendar.is_school_day(d)] or days
    teachers = {s.pk: school_teachers(s, ENROLLED_FROM) for s in schools}
    for n in range(total):
        school = schools[n % len(schools)]
        researcher = researchers[n % len(researchers)]
        score = ctx.rng.randint(55, 98)
        row = lesson_observe(
            actor=ctx.actor,
            school=school,
            teacher=ctx.rng.choice(teachers[school.pk]),
            subject=ctx.rng.choice(SUBJECTS),
            observed_on=days[n % len(days)],
            score=score,
            suggestions=SUGGESTIONS[n % len(SUGGESTIONS)] or ("" if score >= 60 else SUGGESTIONS[0]),
            sheet=_sheet(),
            observer=researcher,
        )
        if row.grade == "C" and row.suggestions:
            lesson_improvement_case(actor=researcher, observation=row)


def _recent_alert(ctx: DemoContext, classes: list[SchoolClass]) -> None:
    """On the last school day before today, three of banzhuren's class were away at noon with a
    fever: the noon check is corrected, and the cluster alert waits for 疫情报告人 baojian."""
    calendar = district_calendar()
    day = ctx.today - dt.timedelta(days=1)
    while day >= ctx.recent_start and not calendar.is_school_day(day):
        day -= dt.timedelta(days=1)
    if day < ctx.recent_start:
        return
    school_class = classes[0]
    enrolled = list(Enrolment.objects.filter(school_class=school_class).order_by("number"))
    away = [
        {"student": e.pk, "attendance": Attendance.ABSENT, "reason": AbsenceReason.ILLNESS, "symptoms": ["fever"]}
        for e in enrolled[:3]
    ]
    content = {"present": len(enrolled) - 3, "absent": 3, "entries": away}
    morning_check_submit(
        actor=school_class.head_teacher, school_class=school_class, day=day, session="noon", content=content
    )


def _check(ctx: DemoContext, school_class: SchoolClass, enrolled: list[Enrolment], day: dt.date, session: str) -> None:
    entries = []
    if ctx.rng.random() < 0.08:  # now and then a student is away
        student = ctx.rng.choice(enrolled)
        # The seed period's absences were all for illness (一个不少: none left out of teaching).
        ill = day <= SEED_END or ctx.rng.random() < 0.5
        entries.append(
            {
                "student": student.pk,
                "attendance": Attendance.ABSENT,
                "reason": AbsenceReason.ILLNESS if ill else AbsenceReason.PERSONAL,
                "symptoms": ["cough"] if ill else [],
            }
        )
    content = {"present": len(enrolled) - len(entries), "absent": len(entries), "entries": entries}
    morning_check_submit(actor=ctx.actor, school_class=school_class, day=day, session=session, content=content)
