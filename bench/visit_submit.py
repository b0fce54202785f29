"""visit-submit: one visit (敲门行动) with one need through the API, as a visitor's phone sends it
(token, the households the visitor knocks on, the members seen and the need checked, idempotency by
client id, the household's visit duty fulfilled, the changes reported before answered, a
campaign's door marked, the audit row) against a bare insert of the same JSON.

Every request visits the next household of guanai's community (中心路社区), seeing its head and
recording a need for medicine."""

import itertools
import json
import uuid

from bench import harness

USERNAME = "guanai"
SETUP_SCRIPT = f"""
from knox.models import AuthToken
from lianfang.core.accounts.models import User
from lianfang.care.selectors import household_list

user = User.objects.get(username={USERNAME!r})
rows = []
for household in household_list(user).filter(region__code="410106002001").prefetch_related("members"):
    head = next((m.person_id for m in household.members.all() if m.relation == "head"), None)
    if head is not None:
        rows.append([household.pk, head])
print(json.dumps(rows))
print(AuthToken.objects.create(user)[1])
"""


def run(server: harness.Server) -> bool:
    lines = server.django("import json\n" + SETUP_SCRIPT).splitlines()
    households, token = json.loads(lines[-2]), lines[-1].strip()
    sent = itertools.count()

    def visit(client: int, n: int) -> bytes:
        household, head = households[next(sent) % len(households)]
        body = {
            "client_id": str(uuid.uuid4()),
            "household": household,
            "mode": "door",
            "seen": [head],
            "situation": "精神尚好，降压药快吃完了",
            "needs": [{"kind": "shopping", "person": head, "detail": "降压药两盒"}],
        }
        return json.dumps(body).encode()

    headers = {"Authorization": f"Token {token}"}
    print(f"visit-submit: {len(households)} households; POST /bench/insert-json/ vs POST /api/v1/visits/ as {USERNAME}")
    rounds = harness.alternate(
        lambda: harness.load(server, "/bench/insert-json/", body=visit, expect=(201,)),
        lambda: harness.load(server, "/api/v1/visits/", headers, body=visit, expect=(201,)),
    )
    return harness.report("visit-submit", rounds.speed_ratio(), 0.5)
