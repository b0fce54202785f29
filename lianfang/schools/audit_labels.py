"""How the audit log names what the schools' practice writes."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import register_actions, register_record_types, register_system_actor

from .models import Absence, ClusterAlert, HomeVisit, LessonObservation, School, SchoolClass, TeachingAid, TeachingGap

register_actions(
    "schools",
    {
        "school.save": _("Keep a school's record"),
        "school_class.save": _("Keep a class"),
        "enrolment.create": _("Enrol students"),
        "schools.checkin": _("Enter check-ins for a class"),
        "schools.guardian_checkin": _("Check in through a guardian's link"),
        "absence.register": _("Register an absence for illness"),
        "absence.track": _("Follow up an absence"),
        "absence.conclude": _("Record an absence's outcome"),
        "absence.back": _("Record a student back at school"),
        "absence.certificate": _("Check a return certificate"),
        "teaching_gap.record": _("Record a student without online access"),
        "teaching_aid.give": _("Give a teaching aid"),
        "teaching_gap.solve": _("Record online access as solved"),
        "teaching_aid.return": _("Take back a lent phone"),
        "home_visit.record": _("Record an online home visit"),
        "lesson.observe": _("Observe a lesson"),
        "lesson.improve": _("Open a lesson improvement case"),
        "lesson.export": _("Export the lesson ledger"),
    },
)
register_record_types(
    School, SchoolClass, Absence, ClusterAlert, TeachingGap, TeachingAid, HomeVisit, LessonObservation
)
register_system_actor("system:guardian_link", _("a guardian, through the class's link"))
register_system_actor("system:schools.clusters", _("the cluster alert rule"))
register_system_actor("system:schools.checks", _("the morning and noon check"))
