"""How the audit log names what 工业路街道's three interactions write."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import lazy_format, register_actions, register_record_types

from .models import (
    EnterpriseProblem,
    GuidanceVisit,
    InstructorAssignment,
    ResourceDispatch,
    ResourceOffer,
    TaskForce,
    TaskForceMember,
)

register_actions(
    "enterprises",
    {
        "enterprise_problem.outcome": _("Record a problem's outcome"),
        "resource_offer.create": _("Offer a resource"),
        "resource.dispatch": _("Dispatch a resource"),
        "instructor.assign": _("Assign a party instructor"),
        "instructor.release": _("Release a party instructor"),
        "instructor.visit": _("Record a guidance visit"),
        "api.enterprise_problems": lazy_format(_("API: %(what)s"), what=EnterpriseProblem._meta.verbose_name_plural),
        "api.guidance_visits": lazy_format(_("API: %(what)s"), what=GuidanceVisit._meta.verbose_name_plural),
        "task_force.create": _("Set up a task force"),
        "task_force.member_add": _("Add a task force member"),
        "task_force.member_duty": _("Change a task force member's duty"),
        "task_force.member_remove": _("Remove a task force member"),
        "task_force.cover": _("Put an enterprise in a task force's care"),
        "task_force.uncover": _("Take an enterprise out of a task force's care"),
        "api.task_forces": lazy_format(_("API: %(what)s"), what=TaskForce._meta.verbose_name_plural),
    },
)
register_record_types(
    EnterpriseProblem, ResourceOffer, ResourceDispatch, InstructorAssignment, GuidanceVisit, TaskForce, TaskForceMember
)
