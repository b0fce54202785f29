"""The schools' daily duties on core/duties: 健康打卡 (every student and teacher, every day,
holidays included) and 晨午检 (every class, morning and noon, on school days).

The rosters follow the schools' records (services.py): a class is on the 晨午检 roster from its
creation, a student on the 健康打卡 roster from enrolment, a teacher from joining the school.
A student's roster row is named by class and number, never by name: the missing list and the
figures' drill-down reach people who may not see a minor.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lianfang.core.duties.rules import Daily, Days, Duty, Session, register_duty

from .checks import checkin_content, morning_check_content

# The kinds of subject on the schools' rosters, and the check-in's one session.
STUDENT_SUBJECT = "schools.enrolment"
TEACHER_SUBJECT = "schools.teacher"
CLASS_SUBJECT = "schools.class"
CHECKIN_SESSION = "checkin"

HEALTH_CHECKIN = register_duty(
    Duty(
        key="schools.health_checkin",
        label=_("Health check-in (健康打卡)"),
        subject_label=_("student or teacher"),
        cadence=Daily(
            sessions=(Session("checkin", _("check-in"), dt.time(9, 0), epidemic_due=dt.time(8, 0)),),
            days=Days.EVERY_DAY,
        ),
        content=checkin_content,
        # A student's check-in is made through the guardians' link or by the class's teachers, and a
        # teacher's by the teacher (services.py); what it says is health data.
        through_practice=True,
        sensitive_content=True,
        # Not reminded student by student (a class's forty rows would be forty messages to its
        # head teacher): the class page lists who has not checked in, with the guardians' link.
        reminders=(),
        escalate_after=None,
        description=_("Every student (through the guardian's link) and every teacher, every day."),
    )
)

MORNING_NOON_CHECK = register_duty(
    Duty(
        key="schools.morning_noon_check",
        label=_("Morning and noon check (晨午检)"),
        subject_label=_("class"),
        cadence=Daily(
            sessions=(
                Session("morning", _("morning check (晨检)"), dt.time(8, 30)),
                Session("noon", _("noon check (午检)"), dt.time(14, 30)),
            ),
            days=Days.SCHOOL_DAYS,
        ),
        content=morning_check_content,
        through_practice=True,
        sensitive_content=True,
        description=_("Each class on each school day: who is present, who is absent and why, who is unwell."),
    )
)
