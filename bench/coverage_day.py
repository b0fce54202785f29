"""coverage-day: the coverage page (每日最少过一遍) for one day, district-wide, as the bureau's
office opens it (session, scope, the roster valid that day without the shops closed, whether each
was inspected, the responsible teams, the subdistricts, the shops not inspected, the HTML), with
the demo's 2,022 shops and 30 days of inspections (60,660 days fulfilled: what the page reads),
against a hand-written SQL aggregate of the same numbers and list in a bare view."""

from bench import harness

USERNAME = "shijian"  # the bureau's office: the whole district
DAYS = 30
SETUP_SCRIPT = f"""
import datetime as dt
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.utils import timezone
from lianfang.core.accounts.models import User
from lianfang.core.duties.models import DutySubject, Submission
from lianfang.markets.coverage import coverage
from lianfang.markets.duties import DAILY_INSPECTION

user = User.objects.get(username={USERNAME!r})
today = timezone.localdate()
rows = list(DutySubject.objects.filter(duty=DAILY_INSPECTION.key).values_list("pk", "region_id"))
with transaction.atomic():
    for d in range(1, {DAYS} + 1):
        day = today - dt.timedelta(days=d)
        done = set(Submission.objects.filter(duty=DAILY_INSPECTION.key, day=day).values_list("subject_id", flat=True))
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
        Submission.objects.bulk_create(
            [
                Submission(duty=DAILY_INSPECTION.key, subject_id=pk, region_id=region, day=day, session="",
                           submitted_at=at, recorded_at=at)
                for n, (pk, region) in enumerate(rows)
                if pk not in done and (n + d) % 97  # now and then a shop missed
            ],
            batch_size=5000,
        )
day = today - dt.timedelta(days=5)  # a day the bench wrote: a shop missed now and then
shown = coverage(user, day)
engine = import_module(settings.SESSION_ENGINE)
session = engine.SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(Submission.objects.filter(duty=DAILY_INSPECTION.key).count(), day.isoformat(),
      sum(r.due for r in shown), sum(r.inspected for r in shown), session.session_key)
"""


def run(server: harness.Server) -> bool:
    count, day, due, inspected, session = server.django(SETUP_SCRIPT).split()[-5:]
    base = server.get_json(f"/bench/coverage-sql/?day={day}")
    # Both sides must count the same, or the comparison means nothing.
    if (base["due"], base["inspected"]) != (int(due), int(inspected)):
        raise RuntimeError(
            f"coverage-day: ours {due}/{inspected} and the SQL's {base['due']}/{base['inspected']} differ"
        )
    headers = {"Cookie": f"sessionid={session}"}
    page = f"/markets/coverage/?day={day}"
    print(
        f"coverage-day: {count} days fulfilled over {DAYS} days; {day}: {inspected} of {due} shops;"
        f" GET /bench/coverage-sql/ vs GET {page} as {USERNAME}"
    )
    rounds = harness.alternate(
        lambda: harness.load(server, f"/bench/coverage-sql/?day={day}"), lambda: harness.load(server, page, headers)
    )
    return harness.report("coverage-day", rounds.time_ratio(), 1.5, op="<=")
