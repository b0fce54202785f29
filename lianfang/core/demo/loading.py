"""Demo data, contributed by each app's `demo.py` and loaded in INSTALLED_APPS order.

Each `demo.py` defines `load(ctx: DemoContext) -> None`. Loaders are idempotent (re-running the
demo changes nothing that is already there) and write through the apps' services, so the demo
also fills the audit log the way real work would.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from lianfang.core.accounts.actors import SystemActor

# The seed bulletin's period: issue 2 of 上街信息, 14 January 2022.
SEED_START = dt.date(2022, 1, 1)
SEED_END = dt.date(2022, 1, 14)
RECENT_DAYS = 14
DEMO_PASSWORD = "lianfang-demo-2022"


@dataclass
class DemoContext:
    actor: SystemActor = field(default_factory=lambda: SystemActor("demo"))
    today: dt.date = field(default_factory=timezone.localdate)
    rng: random.Random = field(default_factory=lambda: random.Random(20220114))
    accounts: list[dict[str, str]] = field(default_factory=list)  # printed at the end
    notes: list[str] = field(default_factory=list)
    # The share of the full demo's bulk (18,000 students): 1 for `make demo`, small for tests.
    scale: float = field(default_factory=lambda: settings.DEMO_SCALE)

    def scaled(self, full: int, least: int = 1) -> int:
        """A full-scale count at this demo's scale (at least `least`)."""
        return max(least, round(full * self.scale))

    @property
    def recent_start(self) -> dt.date:
        return self.today - dt.timedelta(days=RECENT_DAYS - 1)

    def account(self, **info: Any) -> None:
        self.accounts.append({k: str(v) for k, v in info.items()})


def demo_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("lianfang."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
    return modules


def load_demo(ctx: DemoContext | None = None) -> DemoContext:
    ctx = ctx or DemoContext()
    modules = list(demo_modules())
    for module in modules:
        module.load(ctx)
    # Once every app has loaded: a module may tidy what the others' loads left (settle(ctx)).
    for module in modules:
        settle = getattr(module, "settle", None)
        if settle is not None:
            settle(ctx)
    return ctx
