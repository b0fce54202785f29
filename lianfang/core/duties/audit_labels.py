"""How the audit log names what the duties engine writes."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import lazy_format, register_actions, register_record_types

from .models import DutyEvent, DutyExemption, DutySubject, Submission

register_actions(
    "duties",
    {
        "duty.roster_set": _("Put on a duty's roster"),
        "duty.roster_end": _("Take off a duty's roster"),
        "duty.exempt": _("Exempt from a duty"),
        "duty.event": _("Record an event calling for a report"),
        "duty.submit": _("Submit a report"),
        "duty.correct": _("Correct a report"),
        "duty.submit_many": _("Submit reports for many at once"),
        "duty.remind": _("Remind of a missing report"),
        "api.duties": lazy_format(_("API: %(what)s"), what=_("Duties")),
    },
)
register_record_types(DutySubject, DutyExemption, DutyEvent, Submission)
