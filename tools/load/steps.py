"""The arithmetic of a stepped load test, kept free of locust and gevent so that it can be tested
on its own: which step a request belongs to, each step's percentiles, which step the site
sustained, where it saturated, and how the result is written (table, goal lines, JSON).

A step is a span of `step_seconds` during which `(index + 1) * step_users` users run. A request
belongs to the step in which it was sent. Sign-ins (names starting `R auth.` or `W auth.`) are
kept apart from reads and writes: every simulated user signs in at the start of its step, all at
once, which a real day spreads over the morning, so their burst of password hashing would
otherwise stand in the first seconds of each step for the site's everyday answer times. They
still count as requests, and their failures as errors.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

READ_GOAL_MS = 300
WRITE_GOAL_MS = 500
# A completed step whose p95 (reads and writes together) is above this ends the test.
SATURATION_MS = 1000

Kind = Literal["read", "write", "sign_in"]


@dataclass(frozen=True)
class StepPlan:
    """+step_users users every step_seconds, for at most max_steps steps."""

    step_users: int = 10
    step_seconds: float = 60.0
    max_steps: int = 8

    def __post_init__(self) -> None:
        if self.step_users < 1 or self.step_seconds <= 0 or self.max_steps < 1:
            raise ValueError(f"a step needs at least one user, some seconds and one step: {self}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> StepPlan:
        """From LOAD_STEP_USERS, LOAD_STEP_SECONDS and LOAD_MAX_STEPS (the defaults where unset)."""

        def number(name: str, default: float) -> float:
            text = environ.get(name, "").strip()
            if not text:
                return default
            try:
                return float(text)
            except ValueError:
                raise ValueError(f"{name} must be a number, not {text!r}") from None

        def whole(name: str, default: int) -> int:
            value = number(name, default)
            if value != int(value):
                raise ValueError(f"{name} must be a whole number, not {value}")
            return int(value)

        return cls(
            step_users=whole("LOAD_STEP_USERS", cls.step_users),
            step_seconds=number("LOAD_STEP_SECONDS", cls.step_seconds),
            max_steps=whole("LOAD_MAX_STEPS", cls.max_steps),
        )

    def step_at(self, run_time: float) -> int:
        """The index (from 0) of the step running at this many seconds into the test."""
        return max(0, math.floor(run_time / self.step_seconds))

    def users_at(self, step: int) -> int:
        return (step + 1) * self.step_users

    @property
    def spawn_rate(self) -> float:
        """Users per second while a step's users arrive: spread over its first sixth (10 s of 60).
        People do not all sign in within the same second; a step's worth of password hashes at
        once would measure the burst, not the load."""
        return self.step_users / (self.step_seconds / 6)

    def ends_at(self, step: int) -> float:
        return (step + 1) * self.step_seconds


def request_kind(name: str) -> Kind:
    """Read or write from the request's name (`R …` / `W …`); sign-ins are `R auth.…` / `W auth.…`."""
    if name.startswith(("R auth.", "W auth.")):
        return "sign_in"
    if name.startswith("R "):
        return "read"
    if name.startswith("W "):
        return "write"
    raise ValueError(f"a request's name starts with 'R ' (read) or 'W ' (write): {name!r}")


def percentile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank percentile (the smallest value with at least q% of the values at or below
    it), None without values. Unlike locust's own figures, times are not bucketed first."""
    if not 0 < q <= 100:
        raise ValueError(f"a percentile is above 0 and at most 100, not {q}")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(q / 100 * len(ordered)) - 1]


@dataclass
class StepSamples:
    """What one step's requests took (ms) and how many failed."""

    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    sign_ins: list[float] = field(default_factory=list)
    errors: int = 0
    resends: int = 0


@dataclass(frozen=True)
class StepFigures:
    index: int
    users: int
    seconds: float
    requests: int
    errors: int
    resends: int
    reads: int
    writes: int
    sign_ins: int
    read_p95: float | None
    write_p95: float | None
    sign_in_p95: float | None
    overall_p95: float | None

    @property
    def number(self) -> int:
        """The step as people count it, from 1."""
        return self.index + 1

    @property
    def meets_goals(self) -> bool:
        # A step without reads or without writes says nothing about one of the goals: not claimed.
        return (
            self.errors == 0
            and self.read_p95 is not None
            and self.read_p95 < READ_GOAL_MS
            and self.write_p95 is not None
            and self.write_p95 < WRITE_GOAL_MS
        )

    @property
    def saturated(self) -> bool:
        return self.overall_p95 is not None and self.overall_p95 > SATURATION_MS


def step_figures(index: int, users: int, seconds: float, samples: StepSamples) -> StepFigures:
    work = samples.reads + samples.writes
    return StepFigures(
        index=index,
        users=users,
        seconds=seconds,
        requests=len(work) + len(samples.sign_ins),
        errors=samples.errors,
        resends=samples.resends,
        reads=len(samples.reads),
        writes=len(samples.writes),
        sign_ins=len(samples.sign_ins),
        read_p95=percentile(samples.reads, 95),
        write_p95=percentile(samples.writes, 95),
        sign_in_p95=percentile(samples.sign_ins, 95),
        overall_p95=percentile(work, 95),
    )


class StepLog:
    """Requests by step, as the test runs, and each step's figures."""

    def __init__(self, plan: StepPlan) -> None:
        self.plan = plan
        self._samples: dict[int, StepSamples] = {}
        # The shape asks every second: figures are computed again only after a step's new request.
        self._figures: dict[int, StepFigures] = {}

    def record(self, *, sent_at: float, name: str, response_time_ms: float, failed: bool, resend: bool = False) -> None:
        """One request, sent `sent_at` seconds into the test (a request answered after its step
        ended still counts in it). Requests after the last step, sent while the test stops,
        belong to no step."""
        index = self.plan.step_at(sent_at)
        if index >= self.plan.max_steps:
            return
        samples = self._samples.setdefault(index, StepSamples())
        kind = request_kind(name)
        {"read": samples.reads, "write": samples.writes, "sign_in": samples.sign_ins}[kind].append(response_time_ms)
        samples.errors += int(failed)
        samples.resends += int(resend)
        self._figures.pop(index, None)

    def figures_of(self, index: int) -> StepFigures:
        if index not in self._figures:
            samples = self._samples.get(index, StepSamples())
            self._figures[index] = step_figures(index, self.plan.users_at(index), self.plan.step_seconds, samples)
        return self._figures[index]

    def saturated_before(self, step: int) -> bool:
        """Whether a step before this one (all of them over) had its p95 above 1 s."""
        return any(self.figures_of(index).saturated for index in range(min(step, self.plan.max_steps)))

    def completed_by(self, run_time: float) -> list[StepFigures]:
        """The figures of every step that had ended `run_time` seconds into the test."""
        return [self.figures_of(i) for i in range(self.plan.max_steps) if self.plan.ends_at(i) <= run_time]


def sustained_step(figures: Iterable[StepFigures]) -> StepFigures | None:
    """The highest step that met every goal (read p95, write p95, no errors)."""
    meeting = [f for f in figures if f.meets_goals]
    return max(meeting, key=lambda f: f.index) if meeting else None


def saturation_step(figures: Iterable[StepFigures]) -> StepFigures | None:
    """The first step whose p95 (reads and writes) passed 1 s."""
    return next((f for f in sorted(figures, key=lambda f: f.index) if f.saturated), None)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value)}"


def _seconds(value: float) -> str:
    return f"{value:g}"


def goal_lines(figures: Sequence[StepFigures]) -> list[str]:
    """The two lines a run ends with: the load sustained, and where p95 passed 1 s."""
    if not figures:
        return ["load sustained: none - no step completed", "load saturation: no step completed"]
    best = sustained_step(figures)
    shown = best or min(figures, key=lambda f: f.index)
    goals = (
        f"read p95 {_ms(shown.read_p95)} ms (goal < {READ_GOAL_MS}), "
        f"write p95 {_ms(shown.write_p95)} ms (goal < {WRITE_GOAL_MS}), "
        f"{shown.errors} errors over {_seconds(shown.seconds)} s"
    )
    if best is not None:
        sustained = f"load sustained: {best.users} users (step {best.number}) - {goals}"
        # The machine is noisy: say so when a lower step missed a goal that this one met.
        missed = [
            f.number for f in sorted(figures, key=lambda f: f.index) if f.index < best.index and not f.meets_goals
        ]
        if missed:
            word = "step" if len(missed) == 1 else "steps"
            sustained += f"; {word} {', '.join(map(str, missed))} below it missed a goal"
    else:
        sustained = f"load sustained: none - {goals} (step {shown.number}, {shown.users} users)"
    over = saturation_step(figures)
    if over is not None:
        saturation = f"load saturation: p95 passes 1 s at {over.users} users (step {over.number})"
    else:
        last = max(figures, key=lambda f: f.index)
        saturation = f"load saturation: p95 stayed under 1 s up to {last.users} users"
    return [sustained, saturation]


_COLUMNS = (
    ("step", 4),
    ("users", 5),
    ("requests", 8),
    ("errors", 6),
    ("resends", 7),
    ("reads", 6),
    ("read p95", 8),
    ("writes", 6),
    ("write p95", 9),
    ("sign-ins", 8),
    ("sign-in p95", 11),
    ("p95", 6),
)


def table(figures: Sequence[StepFigures]) -> str:
    """One line per step; times in ms (p95: reads and writes together)."""
    rows = [
        (
            f.number,
            f.users,
            f.requests,
            f.errors,
            f.resends,
            f.reads,
            _ms(f.read_p95),
            f.writes,
            _ms(f.write_p95),
            f.sign_ins,
            _ms(f.sign_in_p95),
            _ms(f.overall_p95),
        )
        for f in sorted(figures, key=lambda f: f.index)
    ]
    lines = ["  ".join(name.rjust(width) for name, width in _COLUMNS)]
    lines += [
        "  ".join(str(value).rjust(width) for value, (_, width) in zip(row, _COLUMNS, strict=True)) for row in rows
    ]
    return "\n".join(lines)


def report(plan: StepPlan, figures: Sequence[StepFigures]) -> dict[str, Any]:
    """The run as JSON: the plan, every completed step, and the goal lines."""

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    def step(f: StepFigures) -> dict[str, Any]:
        return {
            "step": f.number,
            "users": f.users,
            "seconds": f.seconds,
            "requests": f.requests,
            "errors": f.errors,
            "resends": f.resends,
            "reads": f.reads,
            "read_p95_ms": ms(f.read_p95),
            "writes": f.writes,
            "write_p95_ms": ms(f.write_p95),
            "sign_ins": f.sign_ins,
            "sign_in_p95_ms": ms(f.sign_in_p95),
            "p95_ms": ms(f.overall_p95),
            "meets_goals": f.meets_goals,
        }

    best, over = sustained_step(figures), saturation_step(figures)
    return {
        "plan": {"step_users": plan.step_users, "step_seconds": plan.step_seconds, "max_steps": plan.max_steps},
        "goals_ms": {"read_p95": READ_GOAL_MS, "write_p95": WRITE_GOAL_MS, "saturation_p95": SATURATION_MS},
        "steps": [step(f) for f in sorted(figures, key=lambda f: f.index)],
        "sustained_step": best.number if best else None,
        "saturation_step": over.number if over else None,
        "lines": goal_lines(figures),
    }
