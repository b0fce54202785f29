"""api-read: an authenticated, scoped read (GET /api/v1/me/ with a knox token) against the bare baseline.

Ours pays for what every API read pays for: token lookup and its hash check, the user, the
scope computed from memberships, serialization.
"""

from bench import harness

USERNAME = "zhongxin"  # subdistrict staff: a scope below the district, as most users have

TOKEN_SCRIPT = f"""
from django.contrib.auth import get_user_model
from knox.models import AuthToken

user = get_user_model().objects.get(username={USERNAME!r})
print(AuthToken.objects.create(user)[1])
"""


def run(server: harness.Server) -> bool:
    token = server.django(TOKEN_SCRIPT).split()[-1]
    headers = {"Authorization": f"Token {token}"}
    me = server.get_json("/api/v1/me/", headers)
    # A 200 that is not this user's scope would make the number meaningless.
    if me.get("username") != USERNAME or not me.get("region_prefixes"):
        raise RuntimeError(f"/api/v1/me/ answered an unexpected body: {me!r}")
    print(f"api-read: GET /bench/baseline/ vs GET /api/v1/me/ as {USERNAME}")
    rounds = harness.alternate(
        lambda: harness.load(server, "/bench/baseline/"),
        lambda: harness.load(server, "/api/v1/me/", headers),
    )
    return harness.report("api-read", rounds.speed_ratio(), 0.5)
