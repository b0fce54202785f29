"""command-30d: the command view's additive figures (what the daily roll-ups hold: 人次, 家次,
acceptances, relief, alerts, lessons) for 30 days, for the district and each subdistrict, through
the selectors the page uses (roll-ups for the closed days), against recomputing the same numbers
from the raw rows (each figure's live aggregate), over 1,011,000 inspections (bench/facts.py).
Time ratio: lower is better."""

import datetime as dt

from bench import facts, harness


def run(server: harness.Server) -> bool:
    count, _shops = server.django(facts.SETUP_SCRIPT).split()[-2:]
    today = dt.date.fromisoformat(
        server.django("from django.utils import timezone; print(timezone.localdate())").split()[-1]
    )
    query = f"from={today - dt.timedelta(days=30)}&to={today - dt.timedelta(days=1)}"
    raw = server.get_json(f"/bench/command-raw/?{query}")
    rolled = server.get_json(f"/bench/command-rollups/?{query}")
    if raw != rolled:
        raise RuntimeError(f"command-30d: the roll-ups {rolled} and the raw rows {raw} differ")
    print(
        f"command-30d: {count} inspections; {query}: {len(rolled)} figures × {len(rolled[next(iter(rolled))])} regions"
    )
    rounds = harness.alternate(
        lambda: harness.load(server, f"/bench/command-raw/?{query}"),
        lambda: harness.load(server, f"/bench/command-rollups/?{query}"),
    )
    return harness.report("command-30d", rounds.time_ratio(), 0.1, op="<=")
