"""people-create: registering a person through the API (token, scope, validation of the ID and
phone, encryption, blind indexes, the registration link, the audit row) against a bare insert view.
"""

import itertools
import json

from bench import harness
from bench.identities import SERIES

USERNAME = "zhongxin"
HOME = "410106002001"  # 中心路社区, inside zhongxin's jurisdiction
TOKEN_SCRIPT = f"""
from django.contrib.auth import get_user_model
from knox.models import AuthToken

print(AuthToken.objects.create(get_user_model().objects.get(username={USERNAME!r}))[1])
"""
# Every request a new person, with numbers nobody else has: a known document would answer 200
# (linked), not 201, and stop the run.
_numbers = itertools.count()
_series = SERIES["people-create"]


def _person(client: int, sent: int) -> bytes:
    n = next(_numbers)
    body = {
        "name": "压测人员",
        "document_number": _series.resident_id(n),
        "phone": _series.mobile(n),
        "address": "中心路1号",
        "home_region": HOME,
    }
    return json.dumps(body).encode()


def run(server: harness.Server) -> bool:
    token = server.django(TOKEN_SCRIPT).split()[-1]
    headers = {"Authorization": f"Token {token}"}
    print(f"people-create: POST /bench/insert/ vs POST /api/v1/people/ as {USERNAME}")
    rounds = harness.alternate(
        lambda: harness.load(server, "/bench/insert/", body=_person, expect=(201,)),
        lambda: harness.load(server, "/api/v1/people/", headers, body=_person, expect=(201,)),
    )
    return harness.report("people-create", rounds.speed_ratio(), 0.5)
