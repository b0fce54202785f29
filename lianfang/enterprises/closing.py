"""How an enterprise's problem closes: on this app's page, where the outcome's figures are entered;
the case engine refuses 办结 while the category's figure is missing (core.cases.kinds.Closing)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianfang.core.cases.kinds import Closing, register_closing

from .models import EnterpriseProblem
from .services import problem_missing


def _url(case: Any) -> str:
    if not EnterpriseProblem.objects.filter(pk=case.pk).exists():
        return ""  # a problem reported through the case engine alone closes on the case's page
    return reverse("enterprises:problem_close", args=[case.pk])


def _missing(case: Any) -> dict[str, list[str]]:
    problem = EnterpriseProblem.objects.filter(pk=case.pk).first()
    return problem_missing(problem) if problem is not None else {}


register_closing("problem", Closing(url=_url, missing=_missing))
