"""bulletin-figures: the figure queries of a 14-day bulletin's markets section (人次, 家次, black
flags, suspensions, the shops), district-wide, as bulletin_draft runs them (registry, scope,
roll-ups for the additive ones, live distinct counts), over 1,011,000 inspections (bench/facts.py),
against hand-written SQL aggregates of the same five figures in a bare view. Time ratio: lower is
better."""

import datetime as dt

from bench import facts, harness


def run(server: harness.Server) -> bool:
    count, shops = server.django(facts.SETUP_SCRIPT).split()[-2:]
    today = dt.date.fromisoformat(
        server.django("from django.utils import timezone; print(timezone.localdate())").split()[-1]
    )
    start, end = today - dt.timedelta(days=14), today - dt.timedelta(days=1)
    query = f"from={start}&to={end}"
    base = server.get_json(f"/bench/bulletin-sql/?{query}&prefix=410106")
    ours = server.get_json(f"/bench/bulletin-figures/?{query}")
    if base != ours:  # both sides must give the same numbers, or the comparison means nothing
        raise RuntimeError(f"bulletin-figures: ours {ours} and the SQL's {base} differ")
    print(f"bulletin-figures: {count} inspections of {shops} shops; {start}..{end}: {ours}")
    rounds = harness.alternate(
        lambda: harness.load(server, f"/bench/bulletin-sql/?{query}&prefix=410106"),
        lambda: harness.load(server, f"/bench/bulletin-figures/?{query}"),
    )
    return harness.report("bulletin-figures", rounds.time_ratio(), 1.5, op="<=")
