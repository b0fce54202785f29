"""inspection-submit: one shop inspection through the API, as an inspector's phone sends it
(token, scope, today's round and its inspectors, the checklist's answers checked into a verdict,
the decision, the day's duty fulfilled, a rectification case for each black flag, idempotency by
client id, the audit rows) against a bare insert of the same JSON.

Every request inspects the next open shop of jiancha's team (中心路街道); on the first pass over
the shops every tenth fails a required item (a black flag: a rectification case is opened), the
rest pass (a red flag, which settles that case on the next pass)."""

import itertools
import json
import uuid

from bench import harness

USERNAME = "jiancha"
PARTNER = "jiancha2"
SETUP_SCRIPT = f"""
from knox.models import AuthToken
from lianfang.core.accounts.models import User
from lianfang.markets.checklists import EPIDEMIC_CHECKLIST, current_version
from lianfang.markets.coverage import shop_days
from lianfang.markets.services import todays_round
from lianfang.markets.teams import team_of_user
from django.utils import timezone

user = User.objects.get(username={USERNAME!r})
partner = User.objects.get(username={PARTNER!r})
team = team_of_user(user)
assert todays_round(user) is not None
shops = [s.shop_id for s in shop_days(user, timezone.localdate()) if s.team_id == team.pk and s.state == "open"]
items = [(i.pk, i.position, int(i.required and not i.serious)) for i in current_version(EPIDEMIC_CHECKLIST).items.all()]
print(json.dumps({{"shops": shops, "items": items, "partner": partner.pk}}))
print(AuthToken.objects.create(user)[1])
"""


def run(server: harness.Server) -> bool:
    lines = server.django("import json\n" + SETUP_SCRIPT).splitlines()
    setup, token = json.loads(lines[-2]), lines[-1].strip()
    shops, items, partner = setup["shops"], setup["items"], setup["partner"]
    failing = next(pk for pk, _position, plain in items if plain)  # a required, not serious item
    sent = itertools.count()

    def inspection(client: int, n: int) -> bytes:
        k = next(sent)
        black = k < len(shops) and k % 10 == 0
        body = {
            "client_id": str(uuid.uuid4()),
            "shop": shops[k % len(shops)],
            "kind": "routine",
            "answers": [{"item": pk, "passed": not (black and pk == failing)} for pk, _p, _r in items],
            "inspectors": [partner],
        }
        return json.dumps(body).encode()

    headers = {"Authorization": f"Token {token}"}
    print(
        f"inspection-submit: {len(shops)} shops; POST /bench/insert-json/ vs POST /api/v1/shop-inspections/"
        f" as {USERNAME}"
    )
    rounds = harness.alternate(
        lambda: harness.load(server, "/bench/insert-json/", body=inspection, expect=(201,)),
        lambda: harness.load(server, "/api/v1/shop-inspections/", headers, body=inspection, expect=(201,)),
    )
    return harness.report("inspection-submit", rounds.speed_ratio(), 0.5)
