"""How long the schools keep their personal records (core/retention).

- 健康打卡 and 晨午检: 180 days after the day they report. The report stays (completeness counts
  it, and a class's day keeps who was absent and why); the temperatures and symptoms go.
- Absences for illness: 180 days after the student is back at school (or left the school). The
  absence stays (the figures count it); the symptoms, follow-up and its notes, diagnosis,
  infectious mark and return certificate go.
- A student is held by the registry while enrolled, and until the enrolment ended (see
  core/people/retention.py); online home visits are kept (no period is known for them).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.duties.models import Submission
from lianfang.core.files.services import files_erase
from lianfang.core.flows.models import StatusChange
from lianfang.core.people.retention import register_hold
from lianfang.core.retention.policies import KEEP, Policy, Rows, register_policy

from .duties import HEALTH_CHECKIN, MORNING_NOON_CHECK
from .models import Absence, AbsenceState, CheckFinding, Enrolment

CHECK_DAYS = 180
CHECK_SOURCE = _(
    "PIPL art. 19 and 47 (kept no longer than the purpose needs); 180 days is the district's period: a "
    "term and a holiday, long enough to answer an inquiry into a cluster or a complaint about a term."
)
# What an entry of a retired 晨午检 keeps: who was absent or unwell and why, not how.
KEPT_ENTRY_KEYS = ("student", "attendance", "reason", "action")
BATCH = 1000


def _reports(duty: str) -> Rows:
    def rows(cutoff: dt.date) -> QuerySet[Submission]:
        return Submission.objects.filter(duty=duty, day__lt=cutoff, retired_at__isnull=True)

    return rows


def _retire_checkins(rows: QuerySet[Submission]) -> int:
    return rows.update(content={}, client_digest="", retired_at=timezone.now())


def _retire_morning_checks(rows: QuerySet[Submission]) -> int:
    """Each report keeps its numbers and, for each student named, the attendance, reason and
    action; its findings lose their symptoms and temperatures."""
    now = timezone.now()
    done = 0
    pks = list(rows.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = list(Submission.objects.filter(pk__in=pks[start : start + BATCH]).only("pk", "content"))
        for report in batch:
            content = report.content or {}
            entries = [{k: e.get(k) for k in KEPT_ENTRY_KEYS} for e in content.get("entries") or []]
            report.content = {"present": content.get("present"), "absent": content.get("absent"), "entries": entries}
            report.retired_at = now
            report.client_digest = ""  # a digest of so few possible readings would give them back
        Submission.objects.bulk_update(batch, ["content", "client_digest", "retired_at"])
        CheckFinding.objects.filter(submission__in=[r.pk for r in batch]).update(
            symptoms=[], other_symptom="", temperature=None, retest=None, suspected_covid=False, retired_at=now
        )
        done += len(batch)
    return done


def _absences(cutoff: dt.date) -> QuerySet[Absence]:
    """Absences back at school before the cutoff, and those of students whose enrolment ended
    before it (a student who left while absent never comes back to close theirs)."""
    ended = Q(state=AbsenceState.RETURNED, returned_on__lt=cutoff) | Q(enrolment__valid_until__lt=cutoff)
    return Absence.objects.filter(ended, retired_at__isnull=True)


def _retire_absences(rows: QuerySet[Absence]) -> int:
    pks = list(rows.values_list("pk", flat=True))
    certificates = list(
        Absence.objects.filter(pk__in=pks, certificate__isnull=False).values_list("certificate", flat=True)
    )
    done = Absence.objects.filter(pk__in=pks).update(
        symptoms=[], follow_up="", diagnosis="", infectious=False, certificate=None, retired_at=timezone.now()
    )
    # The follow-up notes written on the absence's steps (追踪) are its timeline's.
    StatusChange.objects.filter(record_type=Absence._meta.label_lower, record_id__in=pks).update(note="")
    files_erase(certificates)
    return done


register_policy(
    Policy(
        key="schools.health_checkins",
        label=_("Health check-ins (健康打卡)"),
        counts_from=_("the day checked in for"),
        default=CHECK_DAYS,
        source=CHECK_SOURCE,
        retires=_("The temperature and symptoms are erased; the check-in stays, for completeness."),
        rows=_reports(HEALTH_CHECKIN.key),
        retire=_retire_checkins,
    )
)
register_policy(
    Policy(
        key="schools.morning_noon_checks",
        label=_("Morning and noon checks (晨午检)"),
        counts_from=_("the day reported"),
        default=CHECK_DAYS,
        source=CHECK_SOURCE,
        retires=_(
            "Symptoms, temperatures and suspected COVID-19 are erased; the report keeps its numbers and who was "
            "absent or unwell, why, and what was done."
        ),
        rows=_reports(MORNING_NOON_CHECK.key),
        retire=_retire_morning_checks,
    )
)
register_policy(
    Policy(
        key="schools.absences",
        label=_("Absences for illness"),
        counts_from=_("the day the student was back at school, or left it"),
        default=CHECK_DAYS,
        source=CHECK_SOURCE,
        retires=_(
            "Symptoms, follow-up and its notes, diagnosis, the infectious mark and the return certificate are "
            "erased; the absence stays."
        ),
        rows=_absences,
        retire=_retire_absences,
    )
)
register_policy(
    Policy(
        key="schools.home_visits",
        label=_("Online home visits (线上家访)"),
        counts_from=_("the day of the visit"),
        default=KEEP,
        source=_("No period is known to us: kept until the education bureau sets one."),
    )
)
register_hold(Enrolment, "person", lambda cutoff: Q(valid_until__lt=cutoff), source="school")
