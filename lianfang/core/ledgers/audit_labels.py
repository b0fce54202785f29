"""How the audit log names what the ledgers app writes: Excel imports and exports (台账)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import register_actions, register_details, register_system_actor

register_actions(
    "ledgers",
    {
        "ledger.import": _("Import a ledger"),
        "ledger.preview": _("Preview a ledger import"),
        "ledger.export": _("Export a ledger"),
        "ledger.export_unmasked": _("Export a ledger with full numbers"),
    },
)
register_system_actor("system:import", _("ledger import from the console"))
register_system_actor("system:export", _("ledger export from the console"))
# The ledger a refusal was about.
register_details({"people": _("People"), "units": _("Organisations"), "users": _("Accounts")})
