"""How the audit log names what the markets' practice writes."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import lazy_format, register_actions, register_record_types, register_system_actor

from .models import Inspector, Review, Round, Shop, ShopInspection, SuspensionNotice, Team

register_actions(
    "markets",
    {
        "team.save": _("Keep an inspection team"),
        "inspector.save": _("Keep an inspector"),
        "shop.enrol": _("Put shops on the daily inspection roster"),
        "shop.save": _("Keep a shop's record"),
        "round.start": _("Start a round (出动)"),
        "notice.serve": _("Record a notice's service (送达)"),
        "review.request": _("Ask for a review (复核)"),
        "review.decide": _("Decide a review (复核)"),
        "shop.suspend": _("Suspend a shop for rectification"),
        "shop.reopen": _("Reopen a shop after acceptance"),
        "shop.revoke": _("Reopen a shop: suspension revoked on review"),
        "api.shops": lazy_format(_("API: %(what)s"), what=Shop._meta.verbose_name_plural),
        "api.shop_inspections": lazy_format(_("API: %(what)s"), what=ShopInspection._meta.verbose_name_plural),
    },
)
register_record_types(Team, Inspector, Shop, Round, ShopInspection, SuspensionNotice, Review)
register_system_actor("system:markets.checklists", _("the standard checklist"))
register_system_actor("system:markets.demo", _("the demo's loader"))
