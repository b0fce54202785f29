"""The visit duties of a household's tier, and an advance's papers, on core/duties.

- 高: a visit each week (Monday to Sunday), and within 24 hours after a reported change;
- 重点: a visit each calendar month;
- 一般: a visit each calendar quarter;
- 先行救助: the application's papers within CARE_ADVANCE_PAPERS_DAYS working days of the advance.

A household is on the roster of its tier's duty from the day the tier is set, and moves to another
duty's roster when its tier changes (services._roster). A visit fulfils its period (services); no
one reports a visit by hand, and the overdue households are the duties' missing list. No reminder
is sent per household: the care staff work from the overdue list.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lianfang.core.duties.rules import AfterEvent, Duty, EveryNDays, Monthly, register_duty

from .states import RiskTier

HOUSEHOLD_SUBJECT = "care.household"
RELIEF_SUBJECT = "care.relief"

VISIT_HIGH = register_duty(
    Duty(
        key="care.visit_high",
        label=_("Weekly visit (高)"),
        subject_label=_("household"),
        cadence=EveryNDays(7, anchor=dt.date(2022, 1, 3)),  # weeks from a Monday
        through_practice=True,
        sensitive_content=True,
        sensitive_roster=True,
        reminders=(),
        escalate_after=None,
        description=_("A household of the high tier, visited at least once each week."),
    )
)
VISIT_PRIORITY = register_duty(
    Duty(
        key="care.visit_priority",
        label=_("Monthly visit (重点)"),
        subject_label=_("household"),
        cadence=Monthly(1),
        through_practice=True,
        sensitive_content=True,
        sensitive_roster=True,
        reminders=(),
        escalate_after=None,
        description=_("A household of the priority tier, visited at least once each month."),
    )
)
VISIT_GENERAL = register_duty(
    Duty(
        key="care.visit_general",
        label=_("Quarterly visit (一般)"),
        subject_label=_("household"),
        cadence=Monthly(3),
        through_practice=True,
        sensitive_content=True,
        sensitive_roster=True,
        reminders=(),
        escalate_after=None,
        description=_("A tagged household of the general tier, visited at least once each quarter."),
    )
)
VISIT_AFTER_CHANGE = register_duty(
    Duty(
        key="care.visit_after_change",
        label=_("Visit within 24 hours of a reported change (高)"),
        subject_label=_("household"),
        cadence=AfterEvent(hours=24),
        through_practice=True,
        sensitive_content=True,
        sensitive_roster=True,
        reminders=(dt.timedelta(hours=-4),),
        escalate_after=dt.timedelta(0),
        description=_("A high-tier household whose situation changed, visited again within 24 hours."),
    )
)
ADVANCE_PAPERS = register_duty(
    Duty(
        key="care.advance_papers",
        label=_("Papers of an advance (先行救助)"),
        subject_label=_("relief application"),
        cadence=AfterEvent(working_days=settings.CARE_ADVANCE_PAPERS_DAYS),
        through_practice=True,
        sensitive_content=True,
        sensitive_roster=True,
        description=_(
            "After an emergency payment, the application's investigation recorded within the working days set."
        ),
    )
)

TIER_DUTIES: dict[str, Duty] = {
    RiskTier.HIGH: VISIT_HIGH,
    RiskTier.PRIORITY: VISIT_PRIORITY,
    RiskTier.GENERAL: VISIT_GENERAL,
}
VISIT_DUTIES = (VISIT_HIGH, VISIT_PRIORITY, VISIT_GENERAL)
