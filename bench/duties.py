"""The duty the duties benchmarks measure: a daily health check-in (健康打卡), every day, due at
10:00, like the schools' own. Declared here, not in the application, which owes none of its own
until the schools practice arrives; bench.settings installs this package as an app for it."""

import datetime as dt

from lianfang.core.duties.rules import Daily, Days, Duty, Session, register_duty

CHECKIN = register_duty(
    Duty(
        key="bench.checkin",
        label="健康打卡（压测）",
        subject_label="学生",
        cadence=Daily(sessions=(Session("checkin", "打卡", dt.time(10, 0)),), days=Days.EVERY_DAY),
    )
)

# The completeness benchmark's own duty, so that the other benchmark's submissions do not mix in.
HISTORY = register_duty(
    Duty(
        key="bench.daily",
        label="每日上报（压测）",
        subject_label="学生",
        cadence=Daily(sessions=(Session("checkin", "打卡", dt.time(10, 0)),), days=Days.EVERY_DAY),
    )
)
