"""The inspection engine stands alone: a construction site's gate checklist (not a market's) is
declared, versioned and answered here without any practice app."""

from __future__ import annotations

import ast
import uuid
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lianfang.core import inspections
from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.models import AuditEvent
from lianfang.core.idempotency import SubmissionConflict
from lianfang.core.inspections.models import Answer, ChecklistVersion, Inspection
from lianfang.core.inspections.services import ItemData, Verdict, checklist_save, inspection_record
from lianfang.core.regions.models import Department, DepartmentKind, Membership, Role
from lianfang.core.units.models import Unit, UnitKind, UnitProfile
from tests.world import World, make_user

pytestmark = pytest.mark.django_db

GATE = [
    ItemData("门岗测温"),
    ItemData("查验健康码", serious=True),
    ItemData("一人一登记"),
    ItemData("车辆消毒", required=False),
]


@pytest.fixture
def site(world: World) -> dict[str, Any]:
    housing = Department.objects.create(code="zjj", name="区住建局", kind=DepartmentKind.BUREAU, region=world.district)
    staff = make_user("zhujian", full_name="住建检查员")
    Membership.objects.create(user=staff, role=Role.DEPARTMENT_STAFF, region=world.district, department=housing)
    unit = Unit.objects.create(name="金华路安置房项目", region=world.jiyuan_a)
    UnitProfile.objects.create(unit=unit, kind=UnitKind.CONSTRUCTION_PROJECT, department=housing)
    version = checklist_save(actor=staff, key="sites-gate", name="工地门岗检查", items=GATE, department=housing)
    return {"housing": housing, "staff": staff, "unit": unit, "version": version}


def _answers(version: ChecklistVersion, **failed: bool) -> dict[str, dict[str, Any]]:
    items = {i.text: i for i in version.items.all()}
    return {str(item.pk): {"passed": not failed.get(text, False)} for text, item in items.items()}


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return found | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}


def test_a_construction_sites_gate_checklist_is_declared_without_any_practice_app(site: dict[str, Any]) -> None:
    # Neither this test nor the engine imports the markets app (.importlinter keeps the core below
    # every practice); the gate checklist is the engine's data alone.
    engine_and_test = [Path(__file__), *Path(inspections.__file__).parent.glob("*.py")]
    assert not [p.name for p in engine_and_test if any(m.startswith("lianfang.markets") for m in _imported(p))]
    version = site["version"]
    assert version.number == 1
    assert [(i.position, i.text, i.required, i.serious) for i in version.items.all()] == [
        (1, "门岗测温", True, False),
        (2, "查验健康码", True, True),
        (3, "一人一登记", True, False),
        (4, "车辆消毒", False, False),
    ]


def test_a_change_of_items_is_a_new_version_and_an_old_inspection_keeps_its_own(site: dict[str, Any]) -> None:
    first = site["version"]
    inspection, _created = inspection_record(
        actor=site["staff"], version=first, unit=site["unit"], inspectors=[site["staff"]], answers=_answers(first)
    )
    same = checklist_save(actor=site["staff"], key="sites-gate", name="工地门岗检查", items=GATE)
    assert same.pk == first.pk
    second = checklist_save(
        actor=site["staff"], key="sites-gate", name="工地门岗检查", items=[*GATE, ItemData("场所码张贴")], note="加一项"
    )
    assert second.number == 2 and second.items.count() == 5
    inspection.refresh_from_db()
    assert inspection.version_id == first.pk and Answer.objects.filter(inspection=inspection).count() == 4
    assert AuditEvent.objects.filter(verb="checklist.version").count() == 2


def test_only_the_departments_staff_edit_its_checklist(site: dict[str, Any], world: World) -> None:
    with pytest.raises(PermissionDenied):
        checklist_save(actor=world["market"], key="sites-gate", name="工地门岗检查", items=GATE[:2])
    with pytest.raises(ValidationError) as refused:
        checklist_save(actor=site["staff"], key="sites-gate", name="工地门岗检查", items=[ItemData(" "), GATE[0]])
    assert any("1" in m for m in refused.value.message_dict["items"])


def test_the_verdict_names_the_failed_items_required_and_serious(site: dict[str, Any]) -> None:
    seen: list[Verdict] = []

    def decide(verdict: Verdict) -> str:
        seen.append(verdict)
        return "serious" if verdict.failed_serious else "fail" if verdict.failed_required else "pass"

    version = site["version"]
    ok, _c = inspection_record(
        actor=site["staff"],
        version=version,
        unit=site["unit"],
        inspectors=[site["staff"]],
        answers=_answers(version, 车辆消毒=True),
        decide=decide,
    )
    assert ok.outcome == "pass" and [i.text for i in seen[0].failed] == ["车辆消毒"]
    bad, _c = inspection_record(
        actor=site["staff"],
        version=version,
        unit=site["unit"],
        inspectors=[site["staff"]],
        answers=_answers(version, 查验健康码=True),
        decide=decide,
    )
    assert bad.outcome == "serious" and [i.text for i in seen[1].failed_serious] == ["查验健康码"]


def test_a_missing_required_answer_is_refused_naming_the_item_and_nothing_is_written(site: dict[str, Any]) -> None:
    version = site["version"]
    answers = _answers(version)
    answers.pop(str(version.items.get(position=2).pk))
    answers["999999"] = {"passed": True}
    with pytest.raises(ValidationError) as refused:
        inspection_record(
            actor=site["staff"], version=version, unit=site["unit"], inspectors=[site["staff"]], answers=answers
        )
    messages = refused.value.message_dict["answers"]
    assert any("查验健康码" in m for m in messages) and len(messages) == 2
    assert not Inspection.objects.exists()


def test_a_resend_returns_the_first_inspection_and_other_content_is_a_conflict(site: dict[str, Any]) -> None:
    version, client_id = site["version"], uuid.uuid4()
    args: dict[str, Any] = {
        "actor": site["staff"],
        "version": version,
        "unit": site["unit"],
        "inspectors": [site["staff"]],
        "client_id": client_id,
    }
    first, created = inspection_record(**args, answers=_answers(version))
    again, created_again = inspection_record(**args, answers=_answers(version))
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(SubmissionConflict):
        inspection_record(**args, answers=_answers(version, 门岗测温=True))
    assert Inspection.objects.count() == 1


def test_an_answer_carries_a_photo_and_an_inspection_outside_the_region_is_refused(
    site: dict[str, Any], world: World
) -> None:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (30, 30), (200, 30, 30)).save(out, "JPEG")
    version = site["version"]
    answers = _answers(version, 门岗测温=True)
    answers[str(version.items.get(position=1).pk)]["photo"] = SimpleUploadedFile("测温.jpg", out.getvalue())
    inspection, _c = inspection_record(
        actor=SystemActor("test"), version=version, unit=site["unit"], inspectors=[site["staff"]], answers=answers
    )
    assert Answer.objects.get(inspection=inspection, item__position=1).photo is not None
    far = Unit.objects.create(name="别处工地", region=world.zhongxin_a)
    with pytest.raises(PermissionDenied):
        inspection_record(
            actor=world["jiyuan"], version=version, unit=far, inspectors=[world["jiyuan"]], answers=_answers(version)
        )
