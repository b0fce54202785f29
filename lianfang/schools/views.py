"""The schools' pages: a teacher's classes and own check-in, a class's day (the guardians' link,
who has not checked in, 晨检 and 午检), a 晨午检 report, a school's day for its keepers and the
bureau, absences for illness, and the guardians' public check-in page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.calendar.days import district_calendar
from lianfang.core.cases.selectors import case_list
from lianfang.core.edits import add_refusal
from lianfang.core.idempotency import SubmissionConflict
from lianfang.core.page_actions import Done, form_action, page_action
from lianfang.core.people.services import clean_person
from lianfang.core.regions.scoping import scope_for

from . import guardian, selectors, services
from .clusters import symptom_label
from .duties import MORNING_NOON_CHECK
from .exports import lesson_ledger_export
from .forms import (
    AbsenceStepForm,
    AidForm,
    CertificateForm,
    ClassForm,
    EnrolForm,
    EntryFormSet,
    GapForm,
    GuardianCheckinForm,
    HomeVisitForm,
    LessonForm,
    MorningCheckForm,
    TeacherCheckinForm,
)
from .models import Absence, School, SchoolClass


def _key(value: Any) -> int | None:
    """A positive whole number as a form or path may give one (ASCII digits, within a database key)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text) or None


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _totals(rows: list[selectors.ClassDay]) -> dict[str, Any]:
    enrolled = sum(r.enrolled - r.exempt for r in rows)
    checked = sum(r.checked_in for r in rows)
    return {
        "enrolled": enrolled,
        "checked_in": checked,
        "absent": sum(r.absent for r in rows),
        "unwell": sum(r.unwell for r in rows),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    taught = list(selectors.classes_taught(request.user))
    rows = selectors.class_days(request.user, day)  # a teacher's classes are among those they may see
    days = {row.school_class.pk: row for row in rows}
    schools = []
    for school in selectors.school_list(request.user):
        mine = [r for r in rows if r.school_class.school_id == school.pk]
        schools.append((school, _totals(mine), sum(len(r.sessions) for r in mine), 2 * len(mine)))
    context = {
        "day": day,
        "taught": [(c, days.get(c.pk)) for c in taught],
        "teacher_rows": selectors.teacher_rows(request.user, day),
        "teacher_form": TeacherCheckinForm(),
        "schools": schools,
        "alerts": selectors.alerts(request.user)[:10],
        "school_day": district_calendar().is_school_day(day),
    }
    return render(request, "schools/index.html", context)


@login_required
@require_POST
def teacher_checkin(request: HttpRequest) -> HttpResponse:
    form = TeacherCheckinForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        services.teacher_checkin(
            actor=request.user,
            day=timezone.localdate(),
            client_id=data["client_id"],
            content={"temperature": data["temperature"], "symptoms": data["symptoms"]},
        )
        return _("Checked in for today.")

    return page_action(request, back=reverse("schools:index"), run=run)


def _school(request: HttpRequest, pk: int) -> School:
    return get_object_or_404(selectors.school_list(request.user), pk=pk)


@login_required
def school(request: HttpRequest, pk: int) -> HttpResponse:
    found = _school(request, pk)
    day = _day(request)
    rows = selectors.class_days(request.user, day, found)
    keeps = services.may_keep_school(request.user, found)
    context = {
        "school": found,
        "day": day,
        "rows": rows,
        "totals": _totals(rows),
        "missing": selectors.unreported(rows, day),
        "alerts": selectors.alerts(request.user).filter(school_class__school=found)[:20],
        "keeps": keeps,
        # Whose students the viewer may open: all the school's (its health officer, a sensitive
        # role), or the classes they teach.
        "opens_all": found.health_officer_id == request.user.pk or scope_for(request.user).sees_sensitive,
        "taught": set(selectors.classes_taught(request.user).filter(school=found).values_list("pk", flat=True)),
        "school_day": district_calendar().is_school_day(day),
        "class_form": ClassForm(teachers=services.school_teachers(found)) if keeps else None,
    }
    return render(request, "schools/school.html", context)


@login_required
@require_POST
def class_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _school(request, pk)
    teachers = {str(u.pk): u for u in services.school_teachers(found)}
    form = ClassForm(request.POST, teachers=list(teachers.values()))

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        made = services.class_save(
            actor=request.user,
            school=found,
            grade=data["grade"],
            number=data["number"],
            head_teacher=teachers.get(data["head_teacher"]),
        )
        return _("Class %(name)s saved.") % {"name": made.name}

    return page_action(request, back=reverse("schools:school", args=[found.pk]), run=run)


def _class(request: HttpRequest, pk: int) -> SchoolClass:
    """A class whose students the user may see: its teachers, its school's health officer, or a
    membership that sees sensitive records over it."""
    found = get_object_or_404(selectors.class_list(request.user), pk=pk)
    if not (services.is_class_staff(request.user, found) or scope_for(request.user).sees_sensitive):
        raise PermissionDenied(_("Only the class's teachers see its students."))
    return found


@login_required
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = _class(request, pk)
    day = timezone.localdate()
    token = guardian.link_token(found, day)
    context = {
        "school_class": found,
        "day": day,
        "link": request.build_absolute_uri(reverse("schools:guardian", args=[token])),
        "row": next(iter(selectors.class_days(request.user, day, only=found)), None),
        "not_checked_in": selectors.checkin_missing(request.user, found, day),
        "findings": selectors.findings_by_class(request.user, found, day),
        "absences": selectors.absences(request.user).filter(school_class=found).exclude(state="returned"),
        "sessions": MORNING_NOON_CHECK.sessions,
        "staff": services.is_class_staff(request.user, found),
        "school_day": district_calendar().is_school_day(day),
        "gaps": selectors.gaps(request.user).filter(school_class=found, solved_on__isnull=True),
        "gap_form": GapForm(students=list(selectors.students(request.user, found, day))),
        "aid_form": AidForm(),
        "visits": selectors.visits(request.user).filter(school_class=found)[:20],
    }
    return render(request, "schools/class.html", context)


@login_required
@require_POST
def class_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    found = _class(request, pk)

    def run() -> str:
        ids = [n for n in (_key(v) for v in request.POST.getlist("enrolment")) if n is not None]
        if not ids:
            raise ValidationError({"enrolment": [_("Choose the students to check in.")]})
        n = services.class_checkin(actor=request.user, school_class=found, day=timezone.localdate(), enrolments=ids)
        return _("%(n)d students checked in.") % {"n": n}

    return page_action(request, back=reverse("schools:class", args=[found.pk]), run=run)


@login_required
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(selectors.class_list(request.user), pk=pk)
    if not services.may_keep_school(request.user, found.school):
        raise PermissionDenied(_("You may not keep this school's records."))
    form = EnrolForm(request.POST or None)

    def run(values: dict[str, Any]) -> Done:
        students = _students(values["rows"])
        made = services.students_enrol(actor=request.user, school_class=found, students=students)
        return _("%(n)d students enrolled.") % {"n": len(made)}, reverse("schools:school", args=[found.school_id])

    done = form_action(request, form, run)
    if done is not None:
        return done
    return render(request, "schools/enrol.html", {"form": form, "school_class": found})


def _students(text: str) -> list[services.Student]:
    """Lines of number, name and ID number (tabs, commas or spaces between), each checked; the
    errors name the line."""
    students: list[services.Student] = []
    errors: list[str] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        parts = [p for p in line.replace("，", ",").replace(",", " ").replace("\t", " ").split(" ") if p]
        if not parts:
            continue
        if len(parts) != 3 or _key(parts[0]) is None:
            errors.append(_("Line %(n)d: give the number, the name and the ID number.") % {"n": line_no})
            continue
        try:
            person = clean_person(name=parts[1], document_number=parts[2])
        except ValidationError as error:
            errors.append(_("Line %(n)d: %(why)s") % {"n": line_no, "why": " ".join(error.messages)})
            continue
        students.append(services.Student(_key(parts[0]) or 0, person))
    if errors:
        raise ValidationError({"rows": errors})
    if not students:
        raise ValidationError({"rows": [_("No student given.")]})
    return students


@login_required
def morning_check(request: HttpRequest, pk: int, session: str) -> HttpResponse:
    found = _class(request, pk)
    named = MORNING_NOON_CHECK.session(session)
    if named is None:
        raise PermissionDenied(_("This duty has no such session."))
    day = timezone.localdate()
    enrolled = list(selectors.students(request.user, found, day))
    data = request.POST.copy() if request.method == "POST" else None
    adding = data is not None and "add_row" in data
    if adding and data is not None:
        data["entries-TOTAL_FORMS"] = str(min((_key(data.get("entries-TOTAL_FORMS")) or 1) + 1, 60))
    form = MorningCheckForm(data, headcount=len(enrolled))
    entries = EntryFormSet(data, prefix="entries", form_kwargs={"students": enrolled})
    if data is not None and not adding and form.is_valid() and entries.is_valid():
        values = form.cleaned_data
        content = {
            "present": values["present"],
            "absent": values["absent"],
            "entries": [e for e in (f.entry() for f in entries.forms) if e is not None],
        }
        try:
            _submission, created = services.morning_check_submit(
                actor=request.user,
                school_class=found,
                day=values["day"],
                session=session,
                content=content,
                client_id=values["client_id"],
            )
        except (ValidationError, PermissionDenied, SubmissionConflict) as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Reported.") if created else _("This report was already received."))
            return redirect("schools:class", pk=found.pk)
    context = {"school_class": found, "session": named, "form": form, "entries": entries, "headcount": len(enrolled)}
    return render(request, "schools/morning_check.html", context)


@login_required
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    """A cluster alert, class-level (school, class, count, symptom, rule, due time), with its case
    where the viewer may open it."""
    found = get_object_or_404(selectors.alerts(request.user), pk=pk)
    context = {
        "alert": found,
        "symptom": symptom_label(found.symptom),
        "case_visible": case_list(request.user).filter(pk=found.case_id).exists(),
    }
    return render(request, "schools/alert.html", context)


@login_required
def absences(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.absences(request.user).order_by("-first_day", "pk"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "schools/absences.html", {"absences": page.object_list, "page": page})


def _absence(request: HttpRequest, pk: int) -> Absence:
    return get_object_or_404(selectors.absences(request.user), pk=pk)


@login_required
def absence(request: HttpRequest, pk: int) -> HttpResponse:
    found = _absence(request, pk)
    context = {
        "absence": found,
        "form": AbsenceStepForm(initial={"version": found.version}),
        "certificate_form": CertificateForm(),
        "is_officer": request.user.pk == found.school_class.school.health_officer_id,
        "history": services.absence_history(found),
    }
    return render(request, "schools/absence.html", context)


@login_required
@require_POST
def absence_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    found = _absence(request, pk)
    form = AbsenceStepForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        services.absence_move(
            actor=request.user,
            absence=found,
            transition=step,
            version=data["version"],
            note=data["note"] or "",
            diagnosis=data["diagnosis"],
            infectious=data["infectious"],
            returned_on=data["returned_on"],
        )
        return _("Saved.")

    return page_action(request, back=reverse("schools:absence", args=[found.pk]), run=run)


@login_required
@require_POST
def absence_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    found = _absence(request, pk)
    form = CertificateForm(request.POST, request.FILES)

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.absence_certificate(actor=request.user, absence=found, upload=form.cleaned_data["certificate"])
        return _("Certificate checked and kept.")

    return page_action(request, back=reverse("schools:absence", args=[found.pk]), run=run)


def guardian_page(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the class's link of the day (no account). Valid today only."""
    try:
        link = guardian.open_link(token)
    except guardian.LinkExpired:
        return render(request, "schools/guardian_expired.html", status=410)
    form = GuardianCheckinForm(request.POST or None)
    done = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guardian.guardian_checkin(
                token=token,
                name=data["name"],
                id_ending=data["id_ending"],
                client_id=data["client_id"],
                content={"temperature": data["temperature"], "symptoms": data["symptoms"]},
            )
        except guardian.LinkExpired:
            return render(request, "schools/guardian_expired.html", status=410)
        except (ValidationError, PermissionDenied, SubmissionConflict) as refused:
            add_refusal(form, refused)
        else:
            done = True
    context = {"form": form, "link": link, "done": done}
    return render(request, "schools/guardian.html", context)


# Online teaching and home visits (the class's teachers)


@login_required
@require_POST
def gap_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _class(request, pk)
    students = {str(e.pk): e for e in selectors.students(request.user, found, timezone.localdate())}
    form = GapForm(request.POST, students=list(students.values()))

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        services.teaching_gap_record(
            actor=request.user,
            enrolment=students[data["enrolment"]],
            lack=data["lack"],
            recorded_on=data["recorded_on"],
            note=data["note"],
        )
        return _("Recorded.")

    return page_action(request, back=reverse("schools:class", args=[found.pk]) + "#online", run=run)


@login_required
@require_POST
def aid_new(request: HttpRequest, pk: int) -> HttpResponse:
    gap = get_object_or_404(selectors.gaps(request.user), pk=pk)
    form = AidForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.teaching_aid_give(
            actor=request.user, gap=gap, kind=form.cleaned_data["kind"], given_on=form.cleaned_data["given_on"]
        )
        return _("Aid recorded.")

    return page_action(request, back=reverse("schools:class", args=[gap.school_class_id]) + "#online", run=run)


@login_required
@require_POST
def aid_return(request: HttpRequest, pk: int) -> HttpResponse:
    aid = get_object_or_404(selectors.aids(request.user), pk=pk)

    def run() -> str:
        services.teaching_aid_return(actor=request.user, aid=aid, returned_on=timezone.localdate())
        return _("The phone is back.")

    return page_action(request, back=reverse("schools:class", args=[aid.gap.school_class_id]) + "#online", run=run)


@login_required
@require_POST
def gap_solve(request: HttpRequest, pk: int) -> HttpResponse:
    gap = get_object_or_404(selectors.gaps(request.user), pk=pk)

    def run() -> str:
        services.teaching_gap_solve(actor=request.user, gap=gap, solved_on=timezone.localdate())
        return _("Solved: the student attends online on their own.")

    return page_action(request, back=reverse("schools:class", args=[gap.school_class_id]) + "#online", run=run)


@login_required
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _class(request, pk)
    students = {str(e.pk): e for e in selectors.students(request.user, found, timezone.localdate())}
    form = HomeVisitForm(request.POST or None, students=list(students.values()))

    def run(values: dict[str, Any]) -> Done:
        _visit, created = services.home_visit_record(
            actor=request.user,
            enrolment=students[values["enrolment"]],
            visited_on=values["visited_on"],
            family=values["family"],
            purpose=values["purpose"],
            findings=values["findings"],
            measures=values["measures"],
            client_id=values["client_id"],
        )
        said = _("Home visit recorded.") if created else _("This home visit was already recorded.")
        return said, reverse("schools:class", args=[found.pk]) + "#visits"

    done = form_action(request, form, run)
    if done is not None:
        return done
    return render(request, "schools/visit_form.html", {"form": form, "school_class": found})


# 听评课: the lesson ledger


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today - dt.timedelta(days=13)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@login_required
def lessons(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    rows = selectors.lessons(request.user).filter(observed_on__gte=start, observed_on__lte=end)
    researcher_schools = [s for s in selectors.school_list(request.user) if services.may_observe(request.user, s)]
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    visible = set(
        case_list(request.user).filter(pk__in=[r.case_id for r in shown if r.case_id]).values_list("pk", flat=True)
    )
    context = {
        "rows": shown,
        "page": page,
        "visible_cases": visible,
        "count": page.paginator.count,
        "start": start,
        "end": end,
        "schools": researcher_schools,
        "observes": bool(researcher_schools),
    }
    return render(request, "schools/lessons.html", context)


@login_required
def lessons_export(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    rows = selectors.lessons(request.user).filter(observed_on__gte=start, observed_on__lte=end)
    body = lesson_ledger_export(actor=request.user, lessons=rows, period=f"{start}..{end}")
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=lesson-ledger-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return response


@login_required
def lesson_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _school(request, pk)
    if not services.may_observe(request.user, found):
        raise PermissionDenied(_("Only the bureau's teaching researchers observe lessons."))
    teachers = {str(u.pk): u for u in services.school_teachers(found)}
    form = LessonForm(request.POST or None, request.FILES or None, teachers=list(teachers.values()))

    def run(values: dict[str, Any]) -> Done:
        services.lesson_observe(
            actor=request.user,
            school=found,
            teacher=teachers.get(values["teacher"]),
            subject=values["subject"],
            observed_on=values["observed_on"],
            score=values["score"],
            suggestions=values["suggestions"],
            sheet=values["sheet"],
        )
        return _("Lesson observation recorded."), reverse("schools:lessons")

    done = form_action(request, form, run)
    if done is not None:
        return done
    return render(request, "schools/lesson_form.html", {"form": form, "school": found})


@login_required
@require_POST
def lesson_improve(request: HttpRequest, pk: int) -> HttpResponse:
    observation = get_object_or_404(selectors.lessons(request.user), pk=pk)

    def run() -> str:
        services.lesson_improvement_case(actor=request.user, observation=observation)
        return _("Improvement case opened for the school.")

    return page_action(request, back=reverse("schools:lessons"), run=run)
