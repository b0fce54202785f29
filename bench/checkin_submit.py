"""checkin-submit: one 健康打卡 submission through the API (token, the subject's scope, the
calendar and roster checks, exemptions, idempotency by client id, the insert and its audit row)
against a bare insert of the same JSON. Also prints the submissions per second (the moonshot: a
city's 2 million students checking in within an hour is 556 per second).
"""

import itertools
import json
import uuid

from bench import harness

USERNAME = "wangge"  # a field worker, responsible for the subjects (the assignee path of the scope)
SUBJECTS = 5_000
SETUP_SCRIPT = f"""
import datetime as dt
from django.utils import timezone
from knox.models import AuthToken
from lianfang.core.accounts.models import User
from lianfang.core.duties.models import DutySubject
from lianfang.core.regions.models import Region

user = User.objects.get(username={USERNAME!r})
region = Region.objects.get(code="410106002001")
today = timezone.localdate()
DutySubject.objects.bulk_create(
    [
        DutySubject(
            duty="bench.checkin", subject_type="bench.student", subject_id=n + 1, name=f"学生{{n}}",
            region=region, responsible_user=user, valid_from=today - dt.timedelta(days=400),
        )
        for n in range({SUBJECTS})
    ],
    batch_size=2000,
)
ids = list(DutySubject.objects.filter(duty="bench.checkin").order_by("pk").values_list("pk", flat=True))
print(ids[0], ids[-1], today.isoformat(), AuthToken.objects.create(user)[1])
"""


def run(server: harness.Server) -> bool:
    import datetime as dt

    first, last, today, token = server.django(SETUP_SCRIPT).split()[-4:]
    ids = list(range(int(first), int(last) + 1))
    start = dt.date.fromisoformat(today)
    pairs = itertools.count()

    def submission(client: int, sent: int) -> bytes:
        # Every request a new obligation: the next subject, and the day before once all are done.
        n = next(pairs)
        day = start - dt.timedelta(days=n // len(ids))
        body = {
            "subject": ids[n % len(ids)],
            "day": day.isoformat(),
            "session": "checkin",
            "client_id": str(uuid.uuid4()),
        }
        return json.dumps(body).encode()

    headers = {"Authorization": f"Token {token}"}
    print(f"checkin-submit: POST /bench/insert-json/ vs POST /api/v1/duty-submissions/ as {USERNAME}")
    rounds = harness.alternate(
        lambda: harness.load(server, "/bench/insert-json/", body=submission, expect=(201,)),
        lambda: harness.load(server, "/api/v1/duty-submissions/", headers, body=submission, expect=(201,)),
    )
    ours = sorted(o for _, o in rounds.pairs)[len(rounds.pairs) // 2]
    engine = "PostgreSQL" if harness._is_postgres(server.env["DATABASE_URL"]) else "SQLite"
    print(f"checkin-submit: {ours:.0f} submissions per second on {engine} (the moonshot: 556)")
    return harness.report("checkin-submit", rounds.speed_ratio(), 0.5)
