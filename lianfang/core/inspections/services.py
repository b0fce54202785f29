"""Writes of the inspection engine: checklist versions, and inspections with their answers.

Each is checked, atomic and audited. An inspection is sent from a phone with a client id: the same
id and content returns the first inspection; other content under it is a conflict (409).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor, acting_user
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.files.services import file_store
from lianfang.core.idempotency import stamp, submit_once
from lianfang.core.regions.models import Department, Role
from lianfang.core.regions.scoping import scope_for

from .models import Answer, ChecklistItem, ChecklistTemplate, ChecklistVersion, Inspection
from .selectors import version_item_list

MAX_ITEMS = 100


@dataclass(frozen=True)
class ItemData:
    text: str
    required: bool = True
    serious: bool = False


def may_keep_checklist(actor: Actor, department: Department | None) -> bool:
    """The commander, and the staff of the department that keeps the checklist."""
    if isinstance(actor, SystemActor):
        return True
    scope = scope_for(actor)
    if scope.sees_everything:
        return True
    return department is not None and any(
        g.role == Role.DEPARTMENT_STAFF and g.department_id == department.pk for g in scope.grants
    )


def clean_items(items: Iterable[Any]) -> list[ItemData]:
    """Every item checked at once; the errors name the item (第N项)."""
    out: list[ItemData] = []
    errors: list[str] = []
    for n, item in enumerate(items, start=1):
        text = " ".join(str(getattr(item, "text", "") or "").split())
        if not text:
            errors.append(_("Item %(n)d: the text is empty.") % {"n": n})
        elif len(text) > 200:
            errors.append(_("Item %(n)d: at most 200 characters.") % {"n": n})
        out.append(ItemData(text, bool(getattr(item, "required", True)), bool(getattr(item, "serious", False))))
    if not out:
        errors.append(_("A checklist has at least one item."))
    if len(out) > MAX_ITEMS:
        errors.append(_("A checklist has at most %(n)d items.") % {"n": MAX_ITEMS})
    if len({i.text for i in out}) != len(out):
        errors.append(_("Two items say the same."))
    if errors:
        raise ValidationError({"items": errors})
    return out


def latest_version(template: ChecklistTemplate) -> ChecklistVersion | None:
    return template.versions.order_by("-number").first()


def _items_of(version: ChecklistVersion | None) -> list[ItemData]:
    if version is None:
        return []
    return [ItemData(i.text, i.required, i.serious) for i in version.items.order_by("position")]


def checklist_save(
    *,
    actor: Actor,
    key: str,
    name: Any,
    items: Iterable[Any],
    department: Department | None = None,
    note: Any = "",
) -> ChecklistVersion:
    """Create a checklist, or give it a new version when its items change (an unchanged save writes
    nothing). Inspections keep the version they answered."""
    clean = clean_items(items)
    title = " ".join(str(name or "").split())
    if not title or len(title) > 100:
        raise ValidationError({"name": [_("Give the checklist's name (at most 100 characters).")]})
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().filter(key=key).first()
        keeper = template.department if template is not None else department
        if not may_keep_checklist(actor, keeper):
            audit_record_refusal(actor=actor, verb="checklist.version", detail=key)
            raise PermissionDenied(_("Only the staff of the department that keeps this checklist edit it."))
        if template is None:
            template = ChecklistTemplate.objects.create(key=key, name=title, department=department)
        elif template.name != title:
            template.name = title
            template.save(update_fields=["name"])
        current = latest_version(template)
        if current is not None and _items_of(current) == clean:
            return current
        version = ChecklistVersion.objects.create(
            template=template,
            number=(current.number + 1) if current is not None else 1,
            note=" ".join(str(note or "").split())[:200],
            created_by=acting_user(actor),
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(version=version, position=n, text=i.text, required=i.required, serious=i.serious)
            for n, i in enumerate(clean, start=1)
        )
        audit_record(
            actor=actor,
            verb="checklist.version",
            target=version,
            after={"items": [[i.text, i.required, i.serious] for i in clean], "note": version.note},
        )
    return version


@dataclass(frozen=True)
class AnswerData:
    item: ChecklistItem
    passed: bool
    note: str = ""
    photo: Any = None  # an upload, stored with the inspection


@dataclass(frozen=True)
class Verdict:
    """What the answers say, for the practice to decide on."""

    answers: tuple[AnswerData, ...]
    failed: tuple[ChecklistItem, ...] = field(default_factory=tuple)

    @property
    def failed_required(self) -> list[ChecklistItem]:
        return [i for i in self.failed if i.required]

    @property
    def failed_serious(self) -> list[ChecklistItem]:
        return [i for i in self.failed if i.serious]

    @property
    def all_required_pass(self) -> bool:
        return not self.failed_required


def clean_answers(version: ChecklistVersion, answers: Mapping[Any, Mapping[str, Any]]) -> Verdict:
    """The answers to a version's items, by item id: each required item answered, pass or fail;
    an item of another version refused. Errors name the item (第N项)."""
    items = {i.pk: i for i in version_item_list(version)}
    errors: list[str] = []
    given: dict[int, Mapping[str, Any]] = {}
    for key, value in answers.items():
        pk = int(key) if str(key).isascii() and str(key).isdigit() else None
        if pk is None or pk not in items:
            errors.append(_("An answer is for an item this checklist does not have."))
            continue
        given[pk] = value if isinstance(value, Mapping) else {}
    out: list[AnswerData] = []
    for item in sorted(items.values(), key=lambda i: i.position):
        said: Mapping[str, Any] = given.get(item.pk) or {}
        passed = said.get("passed")
        if passed is None or passed == "":
            if item.required:
                errors.append(
                    _("Item %(n)d (%(text)s): answer pass or fail.") % {"n": item.position, "text": item.text}
                )
            continue
        if str(passed).lower() not in ("true", "false", "1", "0", "yes", "no"):
            errors.append(_("Item %(n)d: answer pass or fail.") % {"n": item.position})
            continue
        note = " ".join(str(said.get("note") or "").split())
        out.append(AnswerData(item, str(passed).lower() in ("true", "1", "yes"), note[:200], said.get("photo")))
    if errors:
        raise ValidationError({"answers": errors})
    return Verdict(tuple(out), tuple(a.item for a in out if not a.passed))


def inspection_record(
    *,
    actor: Actor,
    version: ChecklistVersion,
    unit: Any,
    inspectors: Iterable[Any],
    answers: Mapping[Any, Mapping[str, Any]],
    kind: str = "",
    decide: Callable[[Verdict], str] | None = None,
    note: Any = "",
    inspected_at: dt.datetime | None = None,
    client_id: uuid.UUID | None = None,
    on_create: Callable[[Inspection, Verdict], None] | None = None,
    extra_content: Mapping[str, Any] | None = None,
) -> tuple[Inspection, bool]:
    """Record an inspection of `unit` against `version`: its answers (and photos), its inspectors,
    and the practice's decision (`decide`, from the verdict), with `on_create` for the practice's
    own writes in the same transaction, and `extra_content` for what the practice asked besides the
    answers (a stricter outcome), so that it counts in "the same content" of a resend. Returns it
    and whether this call created it."""
    if not isinstance(actor, SystemActor):
        scope = scope_for(actor)
        if not (scope.can_write and scope.covers_region(unit.region)):
            audit_record_refusal(actor=actor, verb="inspection.record", region_code=unit.region.code)
            raise PermissionDenied(_("You may not inspect in %(region)s.") % {"region": unit.region.name})
    verdict = clean_answers(version, answers)
    people = list(inspectors)
    if not people:
        raise ValidationError({"inspectors": [_("Name the inspectors present.")]})
    at = inspected_at or timezone.now()
    outcome = decide(verdict) if decide is not None else ""
    content = {
        "version": version.pk,
        "unit": unit.pk,
        "kind": kind,
        "inspectors": sorted(p.pk for p in people),
        "answers": {str(a.item.pk): [a.passed, a.note] for a in verdict.answers},
        "note": str(note or "").strip(),
        **(extra_content or {}),
    }

    def create() -> Inspection:
        inspection = Inspection(
            version=version,
            unit=unit,
            region=unit.region,
            kind=kind,
            outcome=outcome,
            inspected_at=at,
            recorded_by=acting_user(actor),
            note=content["note"][:5000],
        )
        stamp(inspection, client_id=client_id, content=content)
        inspection.save()
        through = Inspection.inspectors.through
        through.objects.bulk_create([through(inspection_id=inspection.pk, user_id=p.pk) for p in people])
        Answer.objects.bulk_create(
            Answer(
                inspection=inspection,
                item=a.item,
                passed=a.passed,
                note=a.note,
                photo=file_store(actor=actor, upload=a.photo) if a.photo is not None else None,
            )
            for a in verdict.answers
        )
        audit_record(
            actor=actor,
            verb="inspection.record",
            target=inspection,
            after={
                **snapshot(inspection, ["kind", "outcome", "inspected_at"]),
                "failed": [i.pk for i in verdict.failed],
            },
            region_code=unit.region.code,
        )
        if on_create is not None:
            on_create(inspection, verdict)
        return inspection

    with transaction.atomic():
        return submit_once(Inspection, client_id=client_id, content=content, create=create)
