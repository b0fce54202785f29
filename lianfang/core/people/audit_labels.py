"""How the audit log names what the people registry writes (一人一档)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import (
    lazy_format,
    register_actions,
    register_details,
    register_record_types,
    register_system_actor,
)

from .models import Person, PersonLink

register_actions(
    "people",
    {
        "person.register": _("Register a person"),
        "person.create": _("Create a person record"),
        "person.update": _("Change a person record"),
        "person.link": _("Link a person to a jurisdiction"),
        "person.pending": _("Registration waiting for the home jurisdiction"),
        "person.confirm": _("Confirm a registration"),
        "person.return": _("Return a registration"),
        "person.reveal": _("Reveal a full number"),
        "person.withdraw": _("Withdraw a registration"),
        "person.view_sensitive": _("View a sensitive record"),
        "data_key.rotate": _("Re-encrypt with a new data key"),
        "api.people": lazy_format(_("API: %(what)s"), what=_("People")),
    },
)
register_record_types(Person, PersonLink)
register_system_actor("system:rotate_data_key", _("data key rotation"))
register_details({"document": _("document number"), "phone": _("phone number"), "minor": _("a minor")})
