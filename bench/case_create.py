"""case-create: reporting a case through the API (token, scope and reporting rights, validation,
the default owner, the case row, its first timeline event and the audit row) against a bare insert.
"""

import itertools
import json

from bench import harness

USERNAME = "zhongxin"
REGION = "410106002001"  # 中心路社区, inside zhongxin's jurisdiction
TOKEN_SCRIPT = f"""
from django.contrib.auth import get_user_model
from knox.models import AuthToken

print(AuthToken.objects.create(get_user_model().objects.get(username={USERNAME!r}))[1])
"""
_numbers = itertools.count()


def _case(client: int, sent: int) -> bytes:
    n = next(_numbers)
    body = {
        "kind": "need",
        "title": f"独居老人代购药品 {n}",
        "description": "中心路1号，降压药两盒",
        "region": REGION,
        # What the bare insert stores: the same two strings.
        "name": f"独居老人代购药品 {n}",
        "document_number": REGION,
    }
    return json.dumps(body, ensure_ascii=False).encode()


def run(server: harness.Server) -> bool:
    token = server.django(TOKEN_SCRIPT).split()[-1]
    headers = {"Authorization": f"Token {token}"}
    print(f"case-create: POST /bench/insert/ vs POST /api/v1/cases/ as {USERNAME}")
    rounds = harness.alternate(
        lambda: harness.load(server, "/bench/insert/", body=_case, expect=(201,)),
        lambda: harness.load(server, "/api/v1/cases/", headers, body=_case, expect=(201,)),
    )
    return harness.report("case-create", rounds.speed_ratio(), 0.5)
