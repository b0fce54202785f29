"""How the audit log names what the care practice writes."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import lazy_format, register_actions, register_record_types, register_system_actor

from .models import (
    Campaign,
    CareRole,
    Household,
    Member,
    Objection,
    Payment,
    ReliefApplication,
    ServiceOrder,
    Tag,
    Visit,
)

register_actions(
    "care",
    {
        "care.role_grant": _("Give a care role"),
        "care.household_create": _("Register a household"),
        "care.household_save": _("Keep a household's record"),
        "care.household_update": _("Correct a household's address"),
        "care.household_tier": _("A household's tier follows its tags"),
        "care.household_raise": _("Raise a household's tier"),
        "care.change_report": _("Report a change in a household"),
        "care.member_add": _("Put a person in a household"),
        "care.member_remove": _("Take a person out of a household"),
        "care.tag_add": _("Add a vulnerability tag"),
        "care.tag_end": _("End a vulnerability tag"),
        "care.tag_view": _("View a household's vulnerability tags"),
        "care.visit": _("Record a visit (敲门行动)"),
        "care.campaign_create": _("Start a door-knocking campaign"),
        "care.campaign_spawn": _("Give out a campaign's doors as volunteer tasks"),
        "care.day_care": _("Record day-care attendance"),
        "service_order.create": _("Open a service order"),
        "service_order.repaid": _("Record shopping money repaid"),
        "service_order.risk": _("Flag a self-harm risk"),
        "relief.apply": _("Take a relief application"),
        "relief.view": _("View a relief application"),
        "service_order.view": _("View a counselling order"),
        "relief.objection": _("Record an objection to a public notice"),
        "relief.objection_resolve": _("Resolve an objection"),
        "relief.pay": _("Pay relief"),
        "relief.advance": _("Pay an emergency advance (先行救助)"),
        "relief.account_reveal": _("Reveal a bank account number"),
        "relief.ledger_export": _("Export the relief ledger"),
        "api.households": lazy_format(_("API: %(what)s"), what=Household._meta.verbose_name_plural),
        "api.visits": lazy_format(_("API: %(what)s"), what=Visit._meta.verbose_name_plural),
        "api.service_orders": lazy_format(_("API: %(what)s"), what=ServiceOrder._meta.verbose_name_plural),
    },
)
register_record_types(
    CareRole, Household, Member, Tag, Visit, Campaign, ServiceOrder, ReliefApplication, Objection, Payment
)
register_system_actor("system:care", _("the care practice's rules"))
register_system_actor("system:care_demo", _("the demo's loader"))
