"""How the audit log names what the calendar app writes."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import register_actions, register_record_types

from .models import CalendarDay, EpidemicPeriod, SchoolTerm

register_actions(
    "calendar",
    {
        "calendar.day_save": _("Set a calendar day"),
        "calendar.day_create": _("Set a calendar day"),
        "calendar.day_update": _("Change a calendar day"),
        "calendar.day_delete": _("Remove a calendar day"),
        "calendar.term_save": _("Save a school term"),
        "calendar.term_create": _("Add a school term"),
        "calendar.term_update": _("Change a school term"),
        "calendar.term_delete": _("Remove a school term"),
        "epidemic.declare": _("Declare an epidemic period"),
        "epidemic.end": _("End an epidemic period"),
    },
)
register_record_types(CalendarDay, SchoolTerm, EpidemicPeriod)
