"""A school in the test world: 区教育局 and 区疾控中心, 济源路实验小学 in 济源路社区 with two classes
(三年级1班: five students, 三年级2班: three), their head teachers, a teacher, the health officer, and
a term that holds today, which is made a school day (a 调休 working day if it is a weekend)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.calendar.days import calendar_changed
from lianfang.core.calendar.models import DayKind
from lianfang.core.calendar.services import calendar_day_save, school_term_save
from lianfang.core.people.services import clean_person
from lianfang.core.regions.models import Department, DepartmentKind, Membership, Role
from lianfang.core.units.models import Unit, UnitKind, UnitProfile
from lianfang.schools.models import Enrolment, School, SchoolClass
from lianfang.schools.services import Student, class_save, school_save, students_enrol
from tests.world import World, make_user

SYSTEM = SystemActor("test")
# Valid resident IDs of children (GB 11643 check characters), and their names.
CHILDREN = [
    ("张小明", "410106201503070011"),
    ("李小红", "410106201504120024"),
    ("王小刚", "41010620150618003X"),
    ("赵小丽", "410106201507230048"),
    ("刘小军", "410106201509010054"),
    ("陈小芳", "410106201502140069"),
    ("杨小伟", "410106201508080072"),
    ("周小燕", "410106201511110084"),
]


@dataclass
class SchoolWorld:
    world: World
    education: Department
    disease_control: Department
    school: School
    class_a: SchoolClass
    class_b: SchoolClass
    users: dict[str, Any]
    today: dt.date

    def __getitem__(self, name: str) -> Any:
        return self.users[name]

    def students(self, school_class: SchoolClass) -> list[Enrolment]:
        return list(Enrolment.objects.filter(school_class=school_class).select_related("person").order_by("number"))


def _valid(number: str) -> str:
    from lianfang.core.people.identity import check_char

    return number[:17] + check_char(number[:17])


@pytest.fixture
def schools(world: World) -> SchoolWorld:
    return build_schools(world)


def build_schools(world: World) -> SchoolWorld:
    today = timezone.localdate()
    education = Department.objects.create(
        code="jyj", name="区教育局", kind=DepartmentKind.BUREAU, region=world.district, supervises=["school"]
    )
    disease_control = Department.objects.create(
        code="jkzx", name="区疾控中心", kind=DepartmentKind.BUREAU, region=world.district
    )
    school_term_save(
        actor=SYSTEM, name="本学期", starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=60)
    )
    if today.weekday() >= 5:
        calendar_day_save(actor=SYSTEM, day=today, kind=DayKind.WORKING_DAY, name="调休")
    calendar_changed()
    unit = Unit.objects.create(name="济源路实验小学", region=world.jiyuan_a)
    UnitProfile.objects.create(unit=unit, kind=UnitKind.SCHOOL, department=education)
    users: dict[str, Any] = {}
    start = today - dt.timedelta(days=30)
    for name, full in (("head", "林老师"), ("head2", "吴老师"), ("teacher", "郑老师"), ("officer", "许保健")):
        users[name] = make_user(name, full_name=full)
        Membership.objects.create(user=users[name], role=Role.UNIT_CONTACT, region=world.jiyuan_a, unit=unit)
    users["bureau"] = make_user("bureau", full_name="冯教育")
    Membership.objects.create(
        user=users["bureau"], role=Role.DEPARTMENT_STAFF, region=world.district, department=education
    )
    users["bureau_sensitive"] = make_user("bureau_sensitive", full_name="秦教育")
    Membership.objects.create(
        user=users["bureau_sensitive"],
        role=Role.DEPARTMENT_STAFF,
        region=world.district,
        department=education,
        may_view_sensitive=True,
    )
    users["cdc"] = make_user("cdc", full_name="陈疾控")
    Membership.objects.create(
        user=users["cdc"], role=Role.DEPARTMENT_STAFF, region=world.district, department=disease_control
    )
    school = school_save(actor=SYSTEM, unit=unit, health_officer=users["officer"], from_day=start)
    class_a = class_save(
        actor=SYSTEM,
        school=school,
        grade=3,
        number=1,
        head_teacher=users["head"],
        teachers=[users["teacher"]],
        from_day=start,
    )
    class_b = class_save(actor=SYSTEM, school=school, grade=3, number=2, head_teacher=users["head2"], from_day=start)
    people = [(n, _valid(i)) for n, i in CHILDREN]
    students_enrol(
        actor=SYSTEM,
        school_class=class_a,
        from_day=start,
        students=[Student(k + 1, clean_person(name=n, document_number=i)) for k, (n, i) in enumerate(people[:5])],
    )
    students_enrol(
        actor=SYSTEM,
        school_class=class_b,
        from_day=start,
        students=[Student(k + 1, clean_person(name=n, document_number=i)) for k, (n, i) in enumerate(people[5:])],
    )
    return SchoolWorld(world, education, disease_control, school, class_a, class_b, users, today)
