"""What the three interactions hold about a person or an organisation, for their registry pages
(within the viewer's scope): an instructor's assignment to an enterprise and their guidance
visits; an enterprise's instructor and the visits it received. Each with a link to the page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lianfang.core.people.holdings import Holding, register_person_holdings, register_unit_holdings

from .selectors import assignment_list, visit_list


@register_person_holdings
def person_instructor(person: Any, viewer: Any) -> list[Holding]:
    practice = _("Three interactions")
    url = f"{reverse('enterprises:instructors')}?instructor={person.pk}"
    held = []
    for assignment in assignment_list(viewer).filter(instructor=person).order_by("-starts_on", "-id"):
        values = {"unit": assignment.unit.name, "from": date_format(assignment.starts_on)}
        if assignment.ends_on is None:
            label = _("Party-building instructor of %(unit)s since %(from)s") % values
        else:
            values["until"] = date_format(assignment.ends_on)
            label = _("Party-building instructor of %(unit)s from %(from)s to %(until)s") % values
        held.append(Holding(practice, label, 1, url))
    visits = visit_list(viewer).filter(assignment__instructor=person).count()
    held.append(Holding(practice, _("Guidance visits to enterprises"), visits, url))
    return held


@register_unit_holdings
def unit_instructor(unit: Any, viewer: Any) -> list[Holding]:
    practice = _("Three interactions")
    url = f"{reverse('enterprises:instructors')}?unit={unit.pk}"
    held = [
        Holding(practice, _("Party-building instructor: %(name)s") % {"name": a.instructor.name}, 1, url)
        for a in assignment_list(viewer).filter(unit=unit, ends_on__isnull=True)
    ]
    visits = visit_list(viewer).filter(assignment__unit=unit).count()
    held.append(Holding(practice, _("Guidance visits received"), visits, url))
    return held
