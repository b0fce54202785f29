"""The guardians' daily link (家长打卡链接): students and guardians get no accounts.

The head teacher shares the class's link for the day. It is signed (a guardian cannot make one
for another class or day) and expires at the end of that day in Asia/Shanghai. The guardian gives
the child's name and the last four characters of its ID number; a wrong name, a wrong ending and a
child of another class get the same answer, so the link tells nothing about who is enrolled.
Each check-in is audited (as a report by the guardian's link), each refusal too, and an address
that is refused GUARDIAN_LINK_TRIES times in ten minutes is refused for the rest of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.lockout import in_network, ipv6_network
from lianfang.core.audit.context import current
from lianfang.core.audit.models import AuditEvent, Outcome
from lianfang.core.audit.services import audit_record_refusal
from lianfang.core.duties.models import DutySubject, Submission
from lianfang.core.duties.services import duty_submit

from .duties import HEALTH_CHECKIN, STUDENT_SUBJECT
from .models import Enrolment, SchoolClass

SALT = "lianfang.schools.guardian-link"
GUARDIAN = SystemActor("guardian_link")
VERB = "schools.guardian_checkin"
WINDOW = dt.timedelta(minutes=10)
# A class's links take this many times an address's refusals from all addresses together.
CLASS_TRIES = 5


class LinkExpired(Exception):
    """The link is not today's (or was never signed by us)."""


def link_token(school_class: SchoolClass, day: dt.date) -> str:
    return signing.dumps({"c": school_class.pk, "d": day.isoformat()}, salt=SALT)


@dataclass(frozen=True)
class LinkDay:
    school_class: SchoolClass
    day: dt.date


def open_link(token: str) -> LinkDay:
    """The class and day of a link that is still valid today."""
    try:
        data = signing.loads(token, salt=SALT)
        day = dt.date.fromisoformat(str(data["d"]))
        school_class = SchoolClass.objects.select_related("school__unit").get(pk=int(data["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, SchoolClass.DoesNotExist):
        raise LinkExpired from None
    if day != timezone.localdate():
        raise LinkExpired
    return LinkDay(school_class, day)


def refused_lately(address: str | None) -> int:
    """Refusals of the guardians' links to this address (an IPv6 address with its /64: one
    subscriber may use any address in it) within the window."""
    if not address:
        return 0
    refusals = AuditEvent.objects.filter(at__gte=timezone.now() - WINDOW, verb=VERB, outcome=Outcome.DENIED)
    network = ipv6_network(address)
    if network is None:
        return refusals.filter(ip=address).count()
    return sum(1 for ip in refusals.filter(ip__contains=":").values_list("ip", flat=True) if in_network(ip, network))


def refused_for(school_class: SchoolClass) -> int:
    """Refusals of this class's links within the window, from any address."""
    return AuditEvent.objects.filter(
        at__gte=timezone.now() - WINDOW, verb=VERB, outcome=Outcome.DENIED,
        target_type=SchoolClass._meta.label_lower, target_id=str(school_class.pk),
    ).count()  # fmt: skip


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def guardian_checkin(*, token: str, name: Any, id_ending: Any, content: Any, client_id: uuid.UUID | None) -> Submission:
    """Check a child in through the class's link of the day. The address held back is the
    request's, as its audit rows record it (core.audit.context).

    What the guardian says of the child's health is checked first, so that nothing after the
    child is found answers differently from a child not found: a wrong name, a wrong ending, a
    child of another class, and a child with nothing owed today (exempt, off the roster) all get
    the same answer and an audit row of refusal."""
    link = open_link(token)
    context = current()
    if (
        refused_lately(context.ip if context is not None else None) >= settings.GUARDIAN_LINK_TRIES
        or refused_for(link.school_class) >= settings.GUARDIAN_LINK_TRIES * CLASS_TRIES
    ):
        audit_record_refusal(actor=GUARDIAN, verb=VERB, target=link.school_class, detail="too many tries")
        raise PermissionDenied(_("Too many tries from this network. Try again in ten minutes."))
    if content is not None and not isinstance(content, dict):
        raise ValidationError({"content": [_("The content is a set of named values.")]})
    clean = HEALTH_CHECKIN.content(content or {})
    given = str(name or "")
    ending = str(id_ending or "").strip().upper()
    enrolment = None
    if given.strip() and len(ending) == 4:
        candidates = (
            Enrolment.objects.filter(school_class=link.school_class, valid_from__lte=link.day)
            .exclude(valid_until__lt=link.day)
            .select_related("person")
        )
        matches = [
            e for e in candidates
            if _same_name(e.person.name, given) and e.person.document_masked.upper().endswith(ending)
        ]  # fmt: skip
        enrolment = matches[0] if len(matches) == 1 else None
    row = (
        DutySubject.objects.filter(duty=HEALTH_CHECKIN.key, subject_type=STUDENT_SUBJECT, subject_id=enrolment.pk)
        .filter(valid_from__lte=link.day)
        .exclude(valid_until__lt=link.day)
        .first()
        if enrolment is not None
        else None
    )
    try:
        if row is None:
            raise ValidationError("no such student")
        submission, _created = duty_submit(
            actor=GUARDIAN, subject=row.pk, day=link.day, session="checkin", content=clean, client_id=client_id,
            practice=True,
        )  # fmt: skip
    except ValidationError:
        audit_record_refusal(actor=GUARDIAN, verb=VERB, target=link.school_class, detail=f"{link.day}")
        raise ValidationError(
            {"name": [_("No student of this class has this name and ID ending. Check both and try again.")]}
        ) from None
    return submission
