"""How the audit log names what the volunteers practice writes (its task transitions are named
by core/flows)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import Label, lazy_format, register_actions, register_record_types

from .models import Shift, Squad, Volunteer, VolunteerTask


def _api(what: Label) -> Label:
    return lazy_format(_("API: %(what)s"), what=what)


register_actions(
    "volunteers",
    {
        "volunteer.register": _("Register a volunteer"),
        "volunteer.update": _("Change a volunteer"),
        "volunteer.export": _("Export volunteers"),
        "volunteer_task.create": _("Create a volunteer task"),
        "volunteer_shift.dispatch": _("Dispatch volunteers"),
        "volunteer_shift.sign_up": _("Sign a volunteer up"),
        "volunteer_shift.check_in": _("Check a volunteer in"),
        "volunteer_shift.check_out": _("Check a volunteer out"),
        "volunteer_shift.correct_hours": _("Correct a volunteer's hours"),
        "volunteer_shift.withdraw": _("Withdraw a volunteer"),
        "squad.save": _("Keep a volunteer squad"),
        "api.volunteers": _api(_("Volunteers")),
        "api.volunteer-tasks": _api(_("volunteer tasks")),
        "api.volunteer-shifts": _api(_("shifts")),
    },
)
register_record_types(Volunteer, VolunteerTask, Shift, Squad)
