"""How the audit log names backups and restores, and who writes them."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import register_actions, register_system_actor

register_actions("backups", {"backup.write": _("Write a backup"), "backup.restore": _("Restore a backup")})
register_system_actor("system:backup", _("the backup command"))
