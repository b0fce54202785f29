"""people-create: registering a person through the API (token, scope, validation of the ID and
phone, encryption, blind indexes, the registration link, the audit row) against a bare insert view.
"""

import datetime as dt
import itertools
import json

from bench import harness

USERNAME = "zhongxin"
HOME = "410106002001"  # 中心路社区, inside zhongxin's jurisdiction
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
TOKEN_SCRIPT = f"""
from django.contrib.auth import get_user_model
from knox.models import AuthToken

print(AuthToken.objects.create(get_user_model().objects.get(username={USERNAME!r}))[1])
"""
_numbers = itertools.count()


def _resident_id(n: int) -> str:
    # Every request a new person: a thousand serials per birth day, from 1 January 1960 onwards.
    born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"410106{born:%Y%m%d}{n % 1000:03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _person(client: int, sent: int) -> bytes:
    n = next(_numbers)
    body = {
        "name": "压测人员",
        "document_number": _resident_id(n),
        "phone": f"139{n:08d}",
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
