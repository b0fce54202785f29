"""Backups that restore: every table and file comes back as it was, the audit chain verifies on the
copy, and the copy is no use for identity numbers and phones without the data key, which a backup
never holds. On SQLite and on PostgreSQL (the suite runs on both)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from lianfang.core.audit.services import audit_seal_pending
from lianfang.core.backups.fingerprints import postgresql_fingerprints, sqlite_fingerprints
from lianfang.core.backups.services import BackupError, backup_restore, backup_write, connection_keywords
from lianfang.core.files.services import file_store
from lianfang.core.people.indexes import DOCUMENT_COLUMN, PHONE_COLUMN
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.privacy.cipher import DecryptionError, decrypt
from tests.ids import resident_id
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = resident_id(dt.date(1979, 3, 8))
PHONE = "13912345678"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def places(tmp_path: Path, settings: Any) -> dict[str, Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    return {"backup": tmp_path / "backup", "media": tmp_path / "restored-media", "log": tmp_path / "restored.log"}


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An empty database of the suite's engine, beside the test database."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{source['NAME']}_restored"
    admin = {**connection_keywords(source), "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as server:  # type: ignore[arg-type]
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    with psycopg.connect(**admin, autocommit=True) as server:  # type: ignore[arg-type]
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fingerprints(database: dict[str, Any]) -> dict[str, tuple[int, str]]:
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(database["NAME"])) as lite:
            return sqlite_fingerprints(lite)
    with psycopg.connect(**connection_keywords(database)) as server, server.cursor() as cursor:  # type: ignore[arg-type]
        return postgresql_fingerprints(cursor)


def _url(database: dict[str, Any]) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def _records(world: World) -> None:
    data = clean_person(
        name="李秀英", document_number=NUMBER, phone=PHONE, address="济源路8号", home_region=world.jiyuan_a
    )
    person_register(actor=world["jiyuan"], data=data, region=world.jiyuan)
    file_store(actor=world["jiyuan"], upload=SimpleUploadedFile("整改照片.pdf", PDF, content_type="application/pdf"))
    audit_seal_pending()


def _person_row(database: dict[str, Any]) -> tuple[str, str, str]:
    sql = "SELECT name, document_cipher, phone_cipher FROM people_person WHERE name = '李秀英'"
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(database["NAME"])) as db:
            row = db.execute(sql).fetchone()
    else:
        with psycopg.connect(**connection_keywords(database)) as server:  # type: ignore[arg-type]
            row = server.execute(sql).fetchone()
    assert row is not None
    return str(row[0]), str(row[1]), str(row[2])


def test_a_backup_restores_into_a_new_database_table_for_table_and_file_for_file(
    world: World, places: dict[str, Path], new_database: dict[str, Any]
) -> None:
    _records(world)
    manifest = backup_write(target=places["backup"])
    source = _fingerprints(connection.settings_dict)
    assert manifest.tables == source and source["people_person"][0] >= 1

    report = backup_restore(
        source=places["backup"], database=new_database, media_root=places["media"], checkpoint_file=places["log"]
    )
    assert _fingerprints(new_database) == source
    assert report.tables == len(source) and report.files == 1
    originals = {
        p.relative_to(settings.MEDIA_ROOT): p.read_bytes() for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()
    }
    restored = {p.relative_to(places["media"]): p.read_bytes() for p in places["media"].rglob("*") if p.is_file()}
    assert restored == originals and PDF in restored.values()
    assert places["log"].read_bytes() == Path(settings.AUDIT_CHECKPOINT_FILE).read_bytes()

    # The audit chain verifies on the copy, against the copy's checkpoints.
    verify = subprocess.run(
        [str(Path(sys.executable).with_name("lianfang")), "audit", "verify"],
        env={**os.environ, "DATABASE_URL": _url(new_database), "LIANFANG_AUDIT_CHECKPOINTS": str(places["log"])},
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "intact" in verify.stdout


def test_a_restored_copy_shows_names_but_numbers_and_phones_only_with_the_data_key(
    world: World, places: dict[str, Path], new_database: dict[str, Any]
) -> None:
    _records(world)
    backup_write(target=places["backup"])
    for secret in (settings.DATA_KEY, settings.AUDIT_KEY, settings.SECRET_KEY):
        for path in places["backup"].rglob("*"):
            assert not path.is_file() or secret.encode() not in path.read_bytes(), path
    backup_restore(
        source=places["backup"], database=new_database, media_root=places["media"], checkpoint_file=places["log"]
    )
    name, document, phone = _person_row(new_database)
    assert name == "李秀英"
    assert NUMBER not in document and PHONE not in phone
    with override_settings(DATA_KEY="b3RoZXIta2V5LW9mLXRoaXJ0eS10d28tYnl0ZXMtISE="), pytest.raises(DecryptionError):
        decrypt(document, column=DOCUMENT_COLUMN)
    assert decrypt(document, column=DOCUMENT_COLUMN) == NUMBER
    assert decrypt(phone, column=PHONE_COLUMN) == PHONE


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    world: World, places: dict[str, Path], new_database: dict[str, Any]
) -> None:
    _records(world)
    backup_write(target=places["backup"])
    evidence = next(p for p in (places["backup"] / "media").rglob("*") if p.is_file())
    evidence.write_bytes(evidence.read_bytes() + b"x")
    with pytest.raises(BackupError, match="与其清单不符"):
        backup_restore(
            source=places["backup"], database=new_database, media_root=places["media"], checkpoint_file=places["log"]
        )
    assert not places["media"].exists() and not places["log"].exists()
    assert _fingerprints(new_database) == {}


def test_it_restores_only_into_an_empty_database_and_backs_up_only_into_a_new_folder(
    world: World, places: dict[str, Path]
) -> None:
    _records(world)
    backup_write(target=places["backup"])
    with pytest.raises(BackupError, match="已存在"):
        backup_write(target=places["backup"])
    with pytest.raises(BackupError, match="不是空"):
        backup_restore(
            source=places["backup"],
            database=dict(connection.settings_dict),
            media_root=places["media"],
            checkpoint_file=places["log"],
        )


def test_a_manifest_naming_a_file_outside_the_backup_is_refused(
    world: World, places: dict[str, Path], new_database: dict[str, Any]
) -> None:
    _records(world)
    backup_write(target=places["backup"])
    manifest = json.loads((places["backup"] / "manifest.json").read_text("utf-8"))
    name, entry = next((n, e) for n, e in manifest["files"].items() if n.startswith("media/"))
    manifest["files"]["media//tmp/" + name.rsplit("/", 1)[1]] = entry
    manifest["files"]["media/../escaped"] = entry
    (places["backup"] / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(BackupError, match="不是备份中的文件名"):
        backup_restore(
            source=places["backup"], database=new_database, media_root=places["media"], checkpoint_file=places["log"]
        )
    assert not places["media"].exists() and _fingerprints(new_database) == {}


def test_a_backup_is_private_to_its_owner(world: World, places: dict[str, Path]) -> None:
    _records(world)
    backup_write(target=places["backup"])
    modes = {p.stat().st_mode & 0o777 for p in [places["backup"], *places["backup"].rglob("*")]}
    assert all(mode & 0o077 == 0 for mode in modes), sorted(oct(m) for m in modes)
