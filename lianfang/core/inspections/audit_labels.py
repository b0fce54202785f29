"""How the audit log names what the inspection engine writes."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import register_actions, register_record_types

from .models import ChecklistVersion, Inspection

register_actions(
    "inspections",
    {
        "checklist.version": _("Save a checklist version"),
        "inspection.record": _("Record an inspection"),
    },
)
register_record_types(ChecklistVersion, Inspection)
