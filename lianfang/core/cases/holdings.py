"""What the case engine holds about a person or an organisation, for their registry pages
(within the viewer's scope: a count and a link to the list, nothing of the cases themselves)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.core.people.holdings import Holding, register_person_holdings, register_unit_holdings

from .selectors import CaseFilters, case_search


@register_unit_holdings
def unit_cases(unit: Any, viewer: Any) -> list[Holding]:
    count = case_search(viewer, CaseFilters(unit=unit.pk)).count()
    return [Holding(_("Cases"), _("Cases about or handed to it"), count, f"{reverse('cases:index')}?unit={unit.pk}")]


@register_person_holdings
def person_cases(person: Any, viewer: Any) -> list[Holding]:
    count = case_search(viewer, CaseFilters(person=person.pk)).count()
    return [Holding(_("Cases"), _("Cases about this person"), count, f"{reverse('cases:index')}?person={person.pk}")]
