"""What an inspection's answers mean for a shop: the decision is made here, in code, from the
checklist's verdict and the shop's recent flags; the inspector may make it stricter with a written
reason, never milder.

A routine inspection of an open shop gives:
- a red flag (红旗) when every required item passes;
- a black flag (黑旗) when a required item fails;
- a suspension order (责令停业整改) when a serious item fails, or when a black flag falls within
  MARKETS_REPEAT_BLACK_DAYS days of an earlier one (a suspension is also a black flag).

A closure check of a suspended shop finds it still closed, or trading (a violation); an acceptance
inspection passes when every required item passes and no serious item fails.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lianfang.core.inspections.services import Verdict

from .states import SEVERITY, Kind, Outcome


def routine_outcome(verdict: Verdict, *, black_recently: bool) -> Outcome:
    if verdict.failed_serious or (verdict.failed_required and black_recently):
        return Outcome.SUSPENSION
    if verdict.failed_required:
        return Outcome.BLACK
    return Outcome.RED


def decide(verdict: Verdict, *, kind: str, black_recently: bool = False) -> Outcome:
    """The outcome the answers give for an inspection of `kind`."""
    if kind == Kind.CLOSURE:
        return Outcome.TRADING if verdict.failed else Outcome.CLOSED
    if kind == Kind.ACCEPTANCE:
        return Outcome.REJECTED if (verdict.failed_required or verdict.failed_serious) else Outcome.ACCEPTED
    return routine_outcome(verdict, black_recently=black_recently)


def stricter(decided: Outcome, asked: str, reason: str) -> Outcome:
    """The inspector's outcome for a routine inspection: the decided one, or a stricter one with a
    written reason. A milder one, or a stricter one without a reason, is refused."""
    if not asked or asked == decided:
        return decided
    if asked not in SEVERITY or decided not in SEVERITY:
        raise ValidationError({"outcome": [_("This inspection's outcome follows from its answers.")]})
    if SEVERITY.index(Outcome(asked)) < SEVERITY.index(decided):
        raise ValidationError(
            {
                "outcome": [
                    _("The answers give “%(decided)s”: an outcome may be made stricter, never milder.")
                    % {"decided": decided.label}
                ]
            }
        )
    if len(" ".join(reason.split())) < 4:
        raise ValidationError({"stricter_reason": [_("Write the reason for the stricter outcome.")]})
    return Outcome(asked)
