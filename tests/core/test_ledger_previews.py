"""A previewed ledger file is kept only encrypted, and only until it is confirmed, replaced or
expired: no identity number or phone of the sheet is left readable under the media folder."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianfang.core.ledgers.previews import PREVIEW_LIFETIME, preview_sweep
from lianfang.core.people.models import Person
from tests.core.test_ledgers import ID_A, ID_B, people_file
from tests.world import World

pytestmark = pytest.mark.django_db

PHONES = ("13812345678", "13912345678")


def _sheet() -> bytes:
    return people_file(
        ["张三", "居民身份证", ID_A, PHONES[0], "济源路1号", "410106001001"],
        ["李四", "居民身份证", ID_B, PHONES[1], "济源路2号", "410106001001"],
    )


def _preview(client: Client) -> str:
    upload = SimpleUploadedFile("台账.xlsx", _sheet())
    answer = client.post("/registry/ledgers/", {"kind": "people", "file": upload, "preview": "1"})
    assert answer.status_code == 200
    return str(answer.context["token"])


def _readable_bytes(root: Path) -> list[bytes]:
    """Every file under the folder, and every member of each one that is a zip, inflated."""
    found = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        found.append(data)
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                found.extend(archive.read(name) for name in archive.namelist())
    return found


def _numbers_left(root: Path) -> list[str]:
    contents = _readable_bytes(root)
    return [n for n in (ID_A, ID_B, *PHONES) if any(n.encode() in data for data in contents)]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def test_a_preview_leaves_no_readable_number_under_the_media_folder(world: World, media: Path) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    _preview(client)
    assert any(media.rglob("*.sealed"))  # the file is kept, for the confirmation
    assert _numbers_left(media) == []


def test_confirming_a_preview_imports_the_kept_file_and_removes_it(world: World, media: Path) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    token = _preview(client)
    answer = client.post("/registry/ledgers/", {"confirm": token, "kind": "people"})
    assert answer.status_code == 200 and Person.objects.count() == 2
    assert not any(media.rglob("*.sealed"))


def test_a_newer_preview_replaces_the_one_not_confirmed(world: World, media: Path) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    first = _preview(client)
    second = _preview(client)
    assert [p.stem for p in media.rglob("*.sealed")] == [second]
    answer = client.post("/registry/ledgers/", {"confirm": first, "kind": "people"})
    assert answer.status_code == 400 and not Person.objects.exists()


def test_an_expired_preview_is_swept_and_cannot_be_confirmed(world: World, media: Path) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    token = _preview(client)
    [kept] = media.rglob("*.sealed")
    old = time.time() - PREVIEW_LIFETIME.total_seconds() - 60
    os.utime(kept, (old, old))
    answer = client.post("/registry/ledgers/", {"confirm": token, "kind": "people"})
    assert answer.status_code == 400 and not Person.objects.exists()
    _preview(client)
    [kept] = media.rglob("*.sealed")
    os.utime(kept, (old, old))
    assert preview_sweep() == 1 and not any(media.rglob("*.sealed"))


def test_previews_and_refused_imports_are_audited_with_their_counts(world: World, media: Path) -> None:
    from lianfang.core.audit.models import AuditEvent

    client = Client()
    client.force_login(world["jiyuan"])
    _preview(client)
    preview = AuditEvent.objects.get(verb="ledger.preview", actor_id=world["jiyuan"].pk)
    assert preview.outcome == "ok" and "2 rows, 2 created" in preview.detail
    bad = people_file(["张三", "居民身份证", "123", "", "", ""])
    client.post("/registry/ledgers/", {"kind": "people", "file": SimpleUploadedFile("坏.xlsx", bad)})
    refused = AuditEvent.objects.get(verb="ledger.import", outcome="failed")
    assert "1 rows, 1 errors" in refused.detail


def test_a_ledger_as_large_as_the_import_limit_is_read_in_memory_not_spooled_to_a_temporary_file(
    world: World, media: Path, settings: Any
) -> None:
    from django.core.files.uploadedfile import InMemoryUploadedFile
    from django.test import RequestFactory

    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.IMPORT_MAX_BYTES
    big = SimpleUploadedFile("台账.xlsx", _sheet() + b"\0" * (3 * 2**20))  # past Django's default 2.5 MB
    request = RequestFactory().post("/registry/ledgers/", {"kind": "people", "file": big})
    assert isinstance(request.FILES["file"], InMemoryUploadedFile)


def test_two_confirmations_of_one_preview_import_it_once(world: World, media: Path) -> None:
    from lianfang.core.ledgers.previews import preview_take

    client = Client()
    client.force_login(world["jiyuan"])
    token = _preview(client)
    first, second = preview_take(token), preview_take(token)
    assert first is not None and second is None
    assert not any(media.rglob("*.sealed")) and not any(media.rglob("*.claimed"))
