"""Cluster alerts (聚集性疫情预警): illness gathering in one class.

The rule: 3 students in one day, or 5 in 3 days, in one class, sharing fever, rash, diarrhoea,
vomiting or jaundice; a suspected COVID-19 case at once. An alert is a case of its own kind,
owned by the school and assigned to its health officer, due within an hour in an epidemic
period (core/calendar) and within a day otherwise; 区教育局 and 区疾控中心 are told. The case
names the class and the count, never a student.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import User
from lianfang.core.calendar.days import district_calendar
from lianfang.core.cases.services import case_assign, case_report, clean_case
from lianfang.core.notices.services import notify
from lianfang.core.regions.models import Department, Membership, Role
from lianfang.core.units.models import UnitKind

from .case_kinds import CLUSTER_KIND
from .checks import Symptom
from .models import CheckFinding, ClusterAlert, SchoolClass, education_department

CLUSTER_SYMPTOMS = (Symptom.FEVER, Symptom.RASH, Symptom.DIARRHOEA, Symptom.VOMITING, Symptom.JAUNDICE)
COVID = "covid"
ONE_DAY_LIMIT = 3
THREE_DAYS_LIMIT = 5
ALERTS = SystemActor("schools.clusters")


@dataclass(frozen=True)
class Gathering:
    symptom: str
    students: int
    rule: str


def gatherings(school_class: SchoolClass, day: dt.date) -> list[Gathering]:
    """What the class's current 晨午检 findings of the day (and the two before it) meet of the rule."""
    findings = CheckFinding.objects.filter(
        school_class=school_class, day__gte=day - dt.timedelta(days=2), day__lte=day, submission__is_current=True
    ).values_list("enrolment_id", "day", "symptoms", "suspected_covid")
    today: dict[str, set[int]] = defaultdict(set)
    three_days: dict[str, set[int]] = defaultdict(set)
    for student, on, symptoms, covid in findings:
        for symptom in [*symptoms, *([COVID] if covid else [])]:
            three_days[symptom].add(student)
            if on == day:
                today[symptom].add(student)
    found = [Gathering(COVID, len(today[COVID]), _("a suspected COVID-19 case"))] if today[COVID] else []
    for symptom in CLUSTER_SYMPTOMS:
        if len(today[symptom]) >= ONE_DAY_LIMIT:
            found.append(Gathering(symptom, len(today[symptom]), _("3 or more in one day")))
        elif len(three_days[symptom]) >= THREE_DAYS_LIMIT and today[symptom]:
            found.append(Gathering(symptom, len(three_days[symptom]), _("5 or more in three days")))
    return found


def symptom_label(key: str) -> str:
    return _("suspected COVID-19") if key == COVID else str(Symptom(key).label)


def due_after(at: dt.datetime) -> dt.datetime:
    """An hour in an epidemic period, a day otherwise."""
    in_epidemic = district_calendar().epidemic_level(timezone.localdate(at)) is not None
    return at + (dt.timedelta(hours=1) if in_epidemic else dt.timedelta(hours=24))


def raise_alerts(school_class: SchoolClass, day: dt.date) -> list[ClusterAlert]:
    """Raise an alert for each gathering the rule finds, once per class and symptom over three
    days (a fourth feverish student does not raise a second alert). In the caller's transaction."""
    raised = []
    for gathering in gatherings(school_class, day):
        if ClusterAlert.objects.filter(
            school_class=school_class, symptom=gathering.symptom, day__gte=day - dt.timedelta(days=2), day__lte=day
        ).exists():
            continue
        raised.append(_raise(school_class, day, gathering))
    return raised


def _raise(school_class: SchoolClass, day: dt.date, gathering: Gathering) -> ClusterAlert:
    school = school_class.school
    unit = school.unit
    now = timezone.now()
    due = due_after(now)
    title = _("Cluster alert: %(class)s, %(n)d students, %(symptom)s") % {
        "class": f"{unit.name} {school_class.name}",
        "n": gathering.students,
        "symptom": symptom_label(gathering.symptom),
    }
    description = _("%(rule)s (%(day)s). Respond by %(due)s.") % {
        "rule": gathering.rule,
        "day": day.isoformat(),
        "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
    }
    data = clean_case(
        kind=CLUSTER_KIND.key,
        title=title[:100],
        description=description,
        unit=unit,
        region=unit.region,
        deadline=timezone.localdate(due),
    )
    # Owned by the school and its health officer; the bureau follows and verifies it.
    case, _created = case_report(actor=ALERTS, data=data, owner_unit=unit, owner_department=education_department(unit))
    if school.health_officer is not None and school.health_officer.is_active:
        case = case_assign(actor=ALERTS, case=case, version=case.version, assignee=school.health_officer)
    alert = ClusterAlert.objects.create(
        school_class=school_class,
        day=day,
        symptom=gathering.symptom,
        students=gathering.students,
        rule=gathering.rule[:100],
        case=case,
        due_at=due,
        disease_control=Department.objects.filter(code=settings.LIANFANG_DISEASE_CONTROL).first(),
    )
    notify(
        users=_told(unit.region.code, school),
        title=title,
        body=description,
        link=reverse("schools:alert", args=[alert.pk]),
        key=f"schools:cluster:{alert.pk}",
    )
    return alert


def _told(region_code: str, school: object) -> list[User]:
    """The staff of 区教育局 (the department supervising schools) and of 区疾控中心 (the department
    settings.LIANFANG_DISEASE_CONTROL names) who serve over the school's region, and its health officer."""
    departments = [
        pk
        for pk, code, supervises in Department.objects.values_list("pk", "code", "supervises")
        if code == settings.LIANFANG_DISEASE_CONTROL or UnitKind.SCHOOL in (supervises or [])
    ]
    users = {
        m.user_id: m.user
        for m in Membership.objects.active_on(timezone.localdate())
        .filter(role=Role.DEPARTMENT_STAFF, department_id__in=departments, user__is_active=True)
        .select_related("user", "region")
        if region_code.startswith(m.region.prefix)
    }
    officer = getattr(school, "health_officer", None)
    if officer is not None and officer.is_active:
        users[officer.pk] = officer
    return list(users.values())
