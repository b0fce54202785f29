"""completeness-day: a day's completeness by subdistrict and its missing list, district-wide, for a
daily duty of 18,000 subjects with 60 days of submissions (about a million rows), through the API
(token, scope, the rule and calendar, the roster groups, exemptions, the missing list with its
regions and responsible parties) against hand-written SQL of the same numbers and list in a bare view.

The time ratio is reported: ours (the completeness and the missing list, two requests) over the
baseline's one request, so lower is better.
"""

from bench import harness

USERNAME = "zhihui"  # the commander: the whole district
SUBJECTS = 18_000
DAYS = 60
SETUP_SCRIPT = f"""
import datetime as dt
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken
from lianfang.core.accounts.models import User
from lianfang.core.duties.models import DutyExemption, DutySubject, Submission
from lianfang.core.regions.models import Region, RegionLevel

user = User.objects.get(username={USERNAME!r})
homes = list(Region.objects.filter(level__in=[RegionLevel.COMMUNITY, RegionLevel.VILLAGE]).order_by("code"))
today = timezone.localdate()
first = today - dt.timedelta(days={DAYS})
with transaction.atomic():
    DutySubject.objects.bulk_create(
        [
            DutySubject(
                duty="bench.daily", subject_type="bench.student", subject_id=i + 1, name=f"学生{{i:05d}}",
                region=homes[i % len(homes)], valid_from=first,
            )
            for i in range({SUBJECTS})
        ],
        batch_size=5000,
    )
    rows = list(DutySubject.objects.filter(duty="bench.daily").order_by("pk").values_list("pk", "region_id"))
    DutyExemption.objects.bulk_create(
        [
            DutyExemption(
                duty="bench.daily", subject_type="bench.student", subject_id=i + 1, region_id=rows[i][1],
                starts_on=today - dt.timedelta(days=3), ends_on=today, reason="leave",
            )
            for i in range(0, {SUBJECTS}, 100)
        ]
    )
    for d in range({DAYS}):
        day = first + dt.timedelta(days=d)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        Submission.objects.bulk_create(
            [
                Submission(
                    duty="bench.daily", subject_id=pk, region_id=region_id, day=day, session="checkin",
                    submitted_at=at, recorded_at=at, late=(i + d) % 20 == 0,
                )
                for i, (pk, region_id) in enumerate(rows)
                if (i * 7 + d) % 33 and not (i % 100 == 0 and day >= today - dt.timedelta(days=3))
            ],
            batch_size=5000,
        )
print(Submission.objects.filter(duty="bench.daily").count(), (today - dt.timedelta(days=1)).isoformat(),
      AuthToken.objects.create(user)[1])
"""


def run(server: harness.Server) -> bool:
    count, day, token = server.django(SETUP_SCRIPT).split()[-3:]
    headers = {"Authorization": f"Token {token}"}
    completeness = f"/api/v1/duties/bench.daily/completeness/?from={day}&to={day}"
    missing = f"/api/v1/duties/bench.daily/missing/?day={day}"
    baseline = f"/bench/completeness-sql/?duty=bench.daily&day={day}&session=checkin"
    ours_numbers = server.get_json(completeness, headers)
    ours_missing = server.get_json(missing, headers)
    base = server.get_json(baseline)
    # Both sides must count and list the same, or the comparison means nothing.
    total = ours_numbers["total"]
    mine = {k: total[k] for k in ("expected", "on_time", "late", "missing", "exempt")}
    if mine != base["total"] or [m["subject"] for m in ours_missing] != [m["subject"] for m in base["missing"]]:
        raise RuntimeError(f"completeness-day: ours {mine} and the SQL's {base['total']} differ")
    by_region = {r["region"]: r["expected"] for r in ours_numbers["by_region"] if r["expected"]}
    if by_region != base["by_region"]:
        raise RuntimeError("completeness-day: the subdistricts' numbers differ from the SQL's")
    print(
        f"completeness-day: {SUBJECTS} subjects, {count} submissions over {DAYS} days; {day}: {mine};"
        f" GET /bench/completeness-sql/ vs GET completeness + GET missing as {USERNAME}"
    )

    def ours() -> float:
        # Both requests, one after the other: the rate of the pair.
        rate_numbers = harness.load(server, completeness, headers)
        rate_missing = harness.load(server, missing, headers)
        return 1 / (1 / rate_numbers + 1 / rate_missing)

    rounds = harness.alternate(lambda: harness.load(server, baseline), ours)
    return harness.report("completeness-day", rounds.time_ratio(), 1.5, op="<=")
