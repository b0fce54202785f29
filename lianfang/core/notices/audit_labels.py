"""How the audit log names what the notices app writes: notices, receipts, notifications."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import (
    lazy_format,
    register_actions,
    register_details,
    register_record_types,
    register_system_actor,
)

from .models import Notice, NoticeReceipt

register_actions(
    "notices",
    {
        "notice.send": _("Send a notice"),
        "notice.read": _("Read a notice"),
        "notice.acknowledge": _("Acknowledge a notice"),
        "notice.remind": _("Remind about a notice"),
        "notification.read": _("Mark notifications as read"),
        "alert.raised": _("Alert on unusual access"),
        "api.notices": lazy_format(_("API: %(what)s"), what=_("Notices")),
        "api.notifications": lazy_format(_("API: %(what)s"), what=_("notifications")),
    },
)
register_record_types(Notice, NoticeReceipt)
register_details({"no sending role": _("no role that may send notices")})
register_system_actor("system:alerts", _("alerts on unusual access"))
