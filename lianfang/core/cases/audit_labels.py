"""How the audit log names what the cases app writes (its transitions are named by core/flows)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import (
    Label,
    lazy_capfirst,
    lazy_format,
    register_actions,
    register_record_types,
    register_system_actor,
)

from .models import Case, CaseAttachment, EventKind


def _step(step: Label) -> Label:
    """Worded as core/flows' transitions are ("Case: Accept")."""
    return lazy_format(_("%(record)s: %(step)s"), record=lazy_capfirst(_("case")), step=step)


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
        # The reminder ladder's steps (reminders.py).
        f"case.{EventKind.REMINDED}": _step(EventKind.REMINDED.label),
        f"case.{EventKind.ESCALATED}": _step(EventKind.ESCALATED.label),
        "api.cases": lazy_format(_("API: %(what)s"), what=_("Cases")),
    },
)
register_record_types(Case, CaseAttachment)
register_system_actor("reminders", _("deadline reminders"))
