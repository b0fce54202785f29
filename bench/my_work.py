"""my-work: the "my work" list of a subdistrict officer with 10,000 open cases in scope, through
the API (token, scope, responsibility filter, count and first page of 50, serialization), against
the equivalent hand-written SQL (the same count and page, joined the same way) in a bare view.

The time ratio is reported: ours over the baseline's, so lower is better.
"""

from bench import harness

USERNAME = "zhongxin"
CASES = 10_000
SETUP_SCRIPT = f"""
import datetime as dt
from django.utils import timezone
from knox.models import AuthToken
from lianfang.core.accounts.models import User
from lianfang.core.cases.models import Case
from lianfang.core.regions.models import Department, Region

user = User.objects.get(username={USERNAME!r})
office = Department.objects.get(kind="subdistrict_office", region__code="410106002000")
communities = list(Region.objects.filter(code__startswith="410106002").exclude(code="410106002000"))
today = timezone.localdate()
Case.objects.bulk_create(
    [
        Case(
            kind="need" if i % 3 else "problem",
            title=f"压测案件 {{i}}",
            region=communities[i % len(communities)],
            owner_department=office,
            deadline=today + dt.timedelta(days=i % 30 - 5),
            priority=1 + i % 4,
            state=("reported", "accepted", "in_progress")[i % 3],
        )
        for i in range({CASES})
    ],
    batch_size=2000,
)
print(user.pk, AuthToken.objects.create(user)[1])
"""


def run(server: harness.Server) -> bool:
    user_id, token = server.django(SETUP_SCRIPT).split()[-2:]
    headers = {"Authorization": f"Token {token}"}
    ours_body = server.get_json("/api/v1/cases/my-work/?limit=50", headers)
    base_body = server.get_json(f"/bench/my-work-sql/?user={user_id}&prefix=410106002", {})
    # Both sides must list the same work, or the comparison means nothing.
    if ours_body["count"] < 10_000 or ours_body["count"] != base_body["count"]:
        raise RuntimeError(f"my-work counts differ: ours {ours_body['count']}, SQL {base_body['count']}")
    if [c["id"] for c in ours_body["results"]] != [c["id"] for c in base_body["results"]]:
        raise RuntimeError("my-work: the first page differs from the hand-written SQL's")
    print(f"my-work: GET /bench/my-work-sql/ vs GET /api/v1/cases/my-work/ as {USERNAME}, {ours_body['count']} cases")
    rounds = harness.alternate(
        lambda: harness.load(server, f"/bench/my-work-sql/?user={user_id}&prefix=410106002"),
        lambda: harness.load(server, "/api/v1/cases/my-work/?limit=50", headers),
    )
    return harness.report("my-work", rounds.time_ratio(), 1.5, op="<=")
