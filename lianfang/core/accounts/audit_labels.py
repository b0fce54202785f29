"""How the audit log names what the accounts app writes: sign-ins, second factors, accounts, tokens."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import (
    lazy_format,
    model_action_labels,
    register_actions,
    register_details,
    register_record_type,
    register_record_types,
    register_system_actor,
)

from .models import RecoveryCode, RecoveryCodeDevice, User

register_actions(
    "accounts",
    {
        "auth.login": _("Sign in"),
        "auth.logout": _("Sign out"),
        "auth.lockout": _("Locked out after failed sign-ins"),
        "auth.second_factor": _("Second-factor check"),
        "auth.second_factor_again": _("Ask an account for its second factor again"),
        "page.denied": _("Open a page"),
        "password.recover": _("Reset a password with a recovery code"),
        "password.change_first": _("Replace a one-time password"),
        "user.create": _("Create an account"),
        "user.set_password": _("Set a password"),
        "user.set_active": _("Enable or disable an account"),
        "totp.enrol": _("Set up an authenticator app"),
        "totp.reset": _("Reset an authenticator app"),
        "recovery_codes.issue": _("Issue recovery codes"),
        "token.create": _("Create an API token"),
        "token.revoke": _("Revoke an API token"),
        "api.token.create": lazy_format(_("API: %(what)s"), what=_("create an API token")),
        "api.token.revoke": lazy_format(_("API: %(what)s"), what=_("revoke an API token")),
        **model_action_labels(User, ["update"]),
    },
)
register_record_types(User, RecoveryCodeDevice, RecoveryCode)
# Other projects' models: their verbose names are English.
register_record_type("otp_totp.totpdevice", _("authenticator app"))
register_record_type("knox.authtoken", _("API token"))
register_system_actor("system:createuser", _("account created from the console"))
register_details(
    {
        # The second factor's detail names the device class that passed.
        "TOTPDevice": _("authenticator app"),
        "RecoveryCodeDevice": _("recovery code"),
        "wrong code": _("wrong code"),
        "bad code": _("wrong recovery code"),
        "not a system administrator": _("not a system administrator"),
        "API tokens revoked": _("API tokens revoked"),
        "devices removed": _("authenticators removed"),
        "codes issued": _("codes issued"),
    }
)
