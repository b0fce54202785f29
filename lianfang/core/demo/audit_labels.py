"""How the audit log names the demo loader, which writes through the services as `system:demo`."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import register_system_actor

register_system_actor("system:demo", _("demo data"))
