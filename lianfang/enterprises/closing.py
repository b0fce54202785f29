"""How an enterprise's problem closes: on this app's page, where the outcome's figures are entered;
the case engine refuses 办结 while the category's figure is missing, and the case's page shows the
outcome and the figures (figures.py) the problem counts toward (core.cases.kinds.Closing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from lianfang.core.cases.kinds import Closing, Outcome, OutcomeField, register_closing

from .models import EnterpriseProblem
from .services import problem_missing


def _url(case: Any) -> str:
    if not EnterpriseProblem.objects.filter(pk=case.pk).exists():
        return ""  # a problem reported through the case engine alone closes on the case's page
    return reverse("enterprises:problem_close", args=[case.pk])


def _missing(case: Any) -> dict[str, list[str]]:
    problem = EnterpriseProblem.objects.filter(pk=case.pk).first()
    return problem_missing(problem) if problem is not None else {}


# Each outcome field, and the figure it adds to when it is more than nothing.
OUTCOME_FIGURES = {
    "workers_placed": "enterprises.workers_placed",
    "subsidy_amount": "enterprises.subsidies",
    "loan_amount": "enterprises.loans",
    "materials_supplied": None,
}


def _label(name: str) -> Any:
    field = EnterpriseProblem._meta.get_field(name)
    return getattr(field, "verbose_name", name)


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _outcome(case: Any) -> Outcome | None:
    problem = EnterpriseProblem.objects.filter(pk=case.pk).first()
    if problem is None:
        return None
    fields = [OutcomeField(_label("category"), problem.get_category_display())]
    figures = ["enterprises.problems_solved"]
    for name, figure in OUTCOME_FIGURES.items():
        value = getattr(problem, name)
        if value in (None, ""):
            continue
        fields.append(OutcomeField(_label(name), _shown(value)))
        if figure is not None and value:
            figures.append(figure)
    return Outcome(fields=tuple(fields), figures=tuple(figures))


register_closing("problem", Closing(url=_url, missing=_missing, outcome=_outcome))
