"""Evidence files: accepted by content only, within the size limit, photos stripped of their
location, stored under MEDIA_ROOT with random names, audited, and served as safe downloads."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.models import AuditEvent
from lianfang.core.files.forms import EvidenceFilesField
from lianfang.core.files.models import StoredFile
from lianfang.core.files.services import file_store, file_sweep_orphans, validate_upload
from lianfang.core.files.serving import file_response
from tests.world import World

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# 郑州上街区, roughly.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (34.0, 48.0, 30.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (113.0, 17.0, 45.0),
}


def on_disk(stored: StoredFile) -> Path:
    """Where the file system storage (the default) keeps a stored file."""
    return Path(settings.MEDIA_ROOT) / stored.storage_name


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo(
    fmt: str = "JPEG", *, size: tuple[int, int] = (64, 48), orientation: int | None = None, **extra: Any
) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue: shows a rotation
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def office(main_part: str, *, content_types: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            content_types
            or '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(main_part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(name, data))
    messages = error.value.message_dict["file"]
    assert len(messages) == 1
    return messages[0]


def test_it_removes_the_gps_position_and_every_other_exif_tag_from_a_photo(world: World) -> None:
    original = photo()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has one

    stored = file_store(actor=world["jiyuan"], upload=upload("现场.jpg", original))

    kept = on_disk(stored).read_bytes()
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in kept and b"TestPhone" not in kept
    assert stored.sha256 == hashlib.sha256(kept).hexdigest() and stored.size == len(kept)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_photos_lose_their_location_too(world: World, fmt: str) -> None:
    stored = file_store(actor=world["jiyuan"], upload=upload(f"photo.{fmt.lower()}", photo(fmt)))
    image = Image.open(on_disk(stored))
    assert image.format == fmt and stored.content_type == f"image/{fmt.lower()}"
    assert not image.getexif() and b"TestPhone" not in on_disk(stored).read_bytes()


def test_a_photo_taken_sideways_is_stored_upright_without_its_orientation_tag(world: World) -> None:
    stored = file_store(actor=world["jiyuan"], upload=upload("side.jpg", photo(orientation=6)))
    image = Image.open(on_disk(stored))
    assert image.size == (48, 64)  # turned, as the phone meant it to be seen
    assert ExifTags.Base.Orientation not in image.getexif()


def test_bytes_hidden_after_a_picture_are_not_kept(world: World) -> None:
    stored = file_store(actor=world["jiyuan"], upload=upload("p.png", photo("PNG") + b"<script>alert(1)</script>"))
    assert b"<script>" not in on_disk(stored).read_bytes()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.html", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("photo.jpg", b"<html><body>not a photo</body></html>"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        ("archive.zip", office("readme.txt")),
        ("notes.txt", "只是文字".encode()),
    ],
    ids=lambda value: value if isinstance(value, str) else "content",
)
def test_anything_but_photos_pdf_word_and_excel_is_refused_by_its_content(name: str, data: bytes) -> None:
    message = refusal(name, data)
    assert name in message and CHINESE.search(message), message


def test_word_and_excel_files_are_accepted_when_they_are_what_they_claim(world: World) -> None:
    docx = file_store(actor=world["jiyuan"], upload=upload("整改报告.docx", office("word/document.xml")))
    xlsx = file_store(actor=world["jiyuan"], upload=upload("台账", office("xl/workbook.xml")))
    pdf = file_store(actor=world["jiyuan"], upload=upload("通知.pdf", PDF))
    assert (docx.kind, xlsx.kind, pdf.kind) == ("docx", "xlsx", "pdf")
    assert xlsx.original_name == "台账.xlsx"  # the extension follows the content


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("macro.docx", office("word/document.xml", extra={"word/vbaProject.bin": b"\x00" * 10})),
        (
            "macro.xlsx",
            office(
                "xl/workbook.xml",
                content_types=f'<Types><Override ContentType="{MACRO_WORKBOOK}"/></Types>',
            ),
        ),
        ("bomb.xlsx", office("xl/workbook.xml", extra={"xl/huge.xml": b"\x00" * (20 * 1024 * 1024)})),
        ("cut.pdf", PDF[:-8]),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200),
    ],
    # Zip entries carry the time they were made: ids from the bytes would differ between workers.
    ids=lambda value: value if isinstance(value, str) else "content",
)
def test_macros_zip_bombs_and_damaged_files_are_refused(name: str, data: bytes) -> None:
    message = refusal(name, data)
    assert name in message and CHINESE.search(message), message


def test_a_picture_declaring_a_huge_canvas_is_refused_before_it_is_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # a few kilobytes, 144 megapixels
    assert len(out.getvalue()) < 100_000
    message = refusal("huge.png", out.getvalue())
    assert "12000" in message and CHINESE.search(message)


def test_the_size_limit_is_the_setting_and_the_message_names_it(settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = len(PDF)
    assert validate_upload(upload("ok.pdf", PDF)).kind == "pdf"  # exactly at the limit
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    message = refusal("big.pdf", PDF[:-7] + b"\x00" * (1024 * 1024) + b"\n%%EOF\n")
    assert "big.pdf" in message and "1" in message and CHINESE.search(message)


def test_an_empty_or_missing_file_is_refused_under_the_field_name() -> None:
    assert "empty.pdf" in refusal("empty.pdf", b"")
    with pytest.raises(ValidationError) as error:
        validate_upload(None, field="evidence")
    assert list(error.value.message_dict) == ["evidence"]


def test_the_file_is_stored_under_media_root_with_a_random_name_and_audited(world: World, _media: Path) -> None:
    stored = file_store(actor=world["jiyuan"], upload=upload("../../etc/密码.pdf", PDF))
    path = on_disk(stored)
    assert path.is_relative_to(_media) and path.read_bytes() == PDF
    assert "密码" not in str(path) and "etc" not in stored.storage_name
    assert re.fullmatch(r"evidence/[0-9a-f]{2}/[0-9a-f]{32}", stored.storage_name)
    assert stored.original_name == "密码.pdf" and stored.uploaded_by == world["jiyuan"]
    event = AuditEvent.objects.get(verb="file.store")
    assert event.actor_id == world["jiyuan"].pk and event.after["sha256"] == stored.sha256  # type: ignore[index]


def test_the_same_upload_twice_is_two_files_with_two_names(world: World) -> None:
    first = file_store(actor=world["jiyuan"], upload=upload("a.pdf", PDF))
    second = file_store(actor=world["jiyuan"], upload=upload("a.pdf", PDF))
    assert first.storage_name != second.storage_name and first.sha256 == second.sha256


@pytest.mark.parametrize("username", ["auditor", "nobody", "admin"])
def test_roles_that_do_not_write_may_not_upload_and_the_refusal_is_audited(world: World, username: str) -> None:
    with pytest.raises(PermissionDenied):
        file_store(actor=world[username], upload=upload("a.pdf", PDF))
    assert not StoredFile.objects.exists()
    assert AuditEvent.objects.filter(verb="file.store", outcome="denied").exists()


def test_a_console_job_may_store_a_file() -> None:
    stored = file_store(actor=SystemActor("demo"), upload=upload("a.pdf", PDF))
    assert stored.uploaded_by is None


def test_a_file_is_served_as_a_download_that_cannot_run_as_a_page(world: World) -> None:
    stored = file_store(actor=world["jiyuan"], upload=upload('整改 通知"1".pdf', PDF))
    response = file_response(stored)
    body = b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert body == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "filename*=UTF-8''%E6%95%B4%E6%94%B9%20%E9%80%9A%E7%9F%A5" in disposition
    assert '"1"' not in disposition and "\n" not in disposition
    renamed = file_response(stored, download_name="报告")
    assert renamed["Content-Disposition"].endswith("%E6%8A%A5%E5%91%8A.pdf")


def test_a_file_whose_bytes_are_gone_answers_not_found(world: World) -> None:
    from django.http import Http404

    stored = file_store(actor=world["jiyuan"], upload=upload("a.pdf", PDF))
    on_disk(stored).unlink()
    with pytest.raises(Http404):
        file_response(stored)


def test_the_form_field_reports_each_bad_file_beside_the_field() -> None:
    field = EvidenceFilesField()
    good = upload("a.pdf", PDF)
    checked = field.clean([good, upload("b.jpg", photo())])
    assert [c.kind for c in checked] == ["pdf", "jpeg"]
    with pytest.raises(ValidationError) as error:
        field.clean([upload("a.pdf", PDF), upload("evil.svg", b"<svg/>"), upload("x.html", b"<html>")])
    assert len(error.value.messages) == 2 and "evil.svg" in error.value.messages[0]
    assert field.clean([]) == []


def test_the_upload_api_stores_a_photo_without_its_location(world: World, client: Client) -> None:
    client.force_login(world["worker"])
    response = client.post("/api/v1/files/", {"file": upload("现场.jpg", photo())})
    assert response.status_code == 201, response.content
    body = response.json()
    stored = StoredFile.objects.get(public_id=body["id"])
    assert body["name"] == "现场.jpg" and body["kind"] == "jpeg" and body["sha256"] == stored.sha256
    assert not Image.open(on_disk(stored)).getexif()

    refused = client.post("/api/v1/files/", {"file": upload("x.svg", b"<svg/>")})
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["file"]
    assert client.post("/api/v1/files/", {}).status_code == 400
    client.force_login(world["nobody"])
    assert client.post("/api/v1/files/", {"file": upload("a.pdf", PDF)}).status_code == 403


def test_bytes_left_by_a_rolled_back_upload_are_swept_the_next_day(world: World, _media: Path) -> None:
    kept = file_store(actor=world["jiyuan"], upload=upload("a.pdf", PDF))
    orphan = _media / "evidence" / "ab" / ("ab" + "0" * 30)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PDF)
    fresh = _media / "evidence" / "ab" / ("ab" + "1" * 30)
    fresh.write_bytes(PDF)
    old = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    os.utime(orphan, (old, old))
    os.utime(on_disk(kept), (old, old))

    assert file_sweep_orphans() == 1
    assert not orphan.exists() and fresh.exists() and on_disk(kept).exists()
