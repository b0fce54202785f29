"""What the volunteers practice holds about a person or an organisation, for their registry
pages (within the viewer's scope: a count and a link, nothing of the shifts themselves)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.core.people.holdings import Holding, register_person_holdings, register_unit_holdings

from .selectors import VolunteerFilters, volunteer_hours, volunteer_list, volunteer_search


@register_person_holdings
def person_volunteer(person: Any, viewer: Any) -> list[Holding]:
    volunteer = volunteer_list(viewer).filter(person=person).first()
    if volunteer is None:
        return []
    label = _("Volunteer: %(hours)s hours served") % {"hours": volunteer_hours(volunteer)}
    return [Holding(_("Volunteers"), label, 1, reverse("volunteers:detail", args=[volunteer.pk]))]


@register_unit_holdings
def unit_volunteers(unit: Any, viewer: Any) -> list[Holding]:
    count = volunteer_search(viewer, VolunteerFilters(organisation=f"unit:{unit.pk}")).count()
    url = f"{reverse('volunteers:index')}?organisation=unit:{unit.pk}"
    return [Holding(_("Volunteers"), _("Volunteers of this enterprise"), count, url)]
