"""Labels for the actions of the apps being reworked in parallel: cases, people, notices, volunteers.

These belong in each app's own `audit_labels.py`, next to the services that write the actions;
they are declared here, provisionally, only while those apps' code is rewritten. A provisional
label gives way to the app's own declaration, so moving an entry into its app needs no change
here other than deleting it. The transitions of cases and volunteer tasks are not here: the
audit log reads them from their flows (core/flows, see audit_labels.py).

Volunteers is a practice app, which the core may not import: its actions are named by their
stored codes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianfang.core.cases.models import Case, CaseAttachment, EventKind
from lianfang.core.notices.models import Notice, NoticeReceipt
from lianfang.core.people.models import Person, PersonLink

from .labels import (
    Label,
    lazy_capfirst,
    lazy_format,
    register_actions,
    register_details,
    register_record_types,
    register_system_actor,
)


def _step(record: Label, step: Label) -> Label:
    """Worded as core/flows' transitions are ("Case: Accept")."""
    return lazy_format(_("%(record)s: %(step)s"), record=lazy_capfirst(record), step=step)


def _api(what: Label) -> Label:
    return lazy_format(_("API: %(what)s"), what=what)


# Cases, and the reminder ladder's steps (case.<event kind>).
register_actions(
    "cases",
    {
        "case.report": _("Report a case"),
        "case.assign": _("Assign a case"),
        "case.edit": _("Edit a case"),
        "case.comment": _("Comment on a case"),
        "case.remind": _("Remind the owner of a case"),
        "case.attach": _("Attach evidence to a case"),
        "case.export": _("Export cases"),
        f"case.{EventKind.REMINDED}": _step(_("case"), EventKind.REMINDED.label),
        f"case.{EventKind.ESCALATED}": _step(_("case"), EventKind.ESCALATED.label),
        "api.cases": _api(_("Cases")),
    },
    provisional=True,
)


register_record_types(Case, CaseAttachment)
register_system_actor("reminders", _("deadline reminders"))

# People (一人一档).
register_actions(
    "people",
    {
        "person.register": _("Register a person"),
        "person.create": _("Create a person record"),
        "person.update": _("Change a person record"),
        "person.link": _("Link a person to a jurisdiction"),
        "person.reveal": _("Reveal a full number"),
        "person.view_sensitive": _("View a sensitive record"),
        "data_key.rotate": _("Re-encrypt with a new data key"),
        "api.people": _api(_("People")),
    },
    provisional=True,
)
register_record_types(Person, PersonLink)
register_system_actor("system:rotate_data_key", _("data key rotation"))
register_details({"document": _("document number"), "phone": _("phone number"), "minor": _("a minor")})

# Notices and notifications.
register_actions(
    "notices",
    {
        "notice.send": _("Send a notice"),
        "notice.read": _("Read a notice"),
        "notice.acknowledge": _("Acknowledge a notice"),
        "notice.remind": _("Remind about a notice"),
        "notification.read": _("Mark notifications as read"),
        "api.notices": _api(_("Notices")),
        "api.notifications": _api(_("notifications")),
    },
    provisional=True,
)
register_record_types(Notice, NoticeReceipt)
register_details({"no sending role": _("no role that may send notices")})

# Volunteers (a practice app: named by label, not imported).
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
        "api.volunteers": _api(_("Volunteers")),
        "api.volunteer-tasks": _api(_("volunteer tasks")),
        "api.volunteer-shifts": _api(_("shifts")),
    },
    provisional=True,
)
register_record_types("volunteers.volunteer", "volunteers.volunteertask", "volunteers.shift")
