"""Writing a backup and restoring one.

A backup folder holds a consistent dump of the database (pg_dump's custom format, taken in one
snapshot; or SQLite's online backup), the evidence files, the audit checkpoint file, and a
manifest (manifest.py) with every file's checksum and every table's row count and checksum, taken
in the dump's own snapshot. It never holds a key: the data key, the audit key and the secret key
stay where settings read them from (docs/deploy.md, "Backups").

A restore goes into an empty database, an empty media folder and no checkpoint file, and only
after every file has matched the manifest; afterwards every table must match it too.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .fingerprints import Fingerprints, postgresql_fingerprints, sqlite_fingerprints
from .manifest import CHECKPOINTS, DATABASE_FILES, MEDIA, Manifest

# Transient uploads waiting for their 导入 (core/ledgers/previews.py): never worth restoring.
SKIPPED_MEDIA = ("ledger-uploads",)


class BackupError(Exception):
    """Said to the operator as it stands (in Chinese); nothing was written or restored."""


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: int


def _engine(database: dict[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(_("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine})


def connection_keywords(database: dict[str, Any]) -> dict[str, str]:
    """psycopg's connection keywords for a PostgreSQL entry of settings.DATABASES."""
    keywords = {
        "dbname": str(database["NAME"]),
        "host": str(database.get("HOST") or ""),
        "port": str(database.get("PORT") or ""),
        "user": str(database.get("USER") or ""),
        "password": str(database.get("PASSWORD") or ""),
    }
    return {k: v for k, v in keywords.items() if v}


def _libpq(database: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Connection keywords for psycopg, and the same as the environment of pg_dump and pg_restore."""
    keywords = connection_keywords(database)
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    return keywords, {**os.environ, **{names[k]: v for k, v in keywords.items()}}


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(_("%(tool)s is not installed (Debian: postgresql-client).") % {"tool": name})
    return found


def _empty_folder(path: Path) -> bool:
    return not path.exists() or not any(p.is_file() for p in path.rglob("*"))


# Writing ------------------------------------------------------------------------------------------


def backup_write(*, target: Path, database: dict[str, Any] | None = None) -> Manifest:
    """Write a backup of the database, the evidence files and the audit checkpoints into `target`
    (a new or empty folder)."""
    source: dict[str, Any] = dict(database or settings.DATABASES["default"])
    engine = _engine(source)
    if target.exists():
        raise BackupError(_("%(folder)s already exists: a backup goes into a new folder.") % {"folder": target})
    # Written beside its place and renamed at the end: a failed backup leaves no folder that looks
    # like one. Private (0700): the dump holds the people's records, sessions and TOTP seeds.
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    previous = os.umask(0o077)
    try:
        partial.mkdir(parents=True)
        manifest = _write(partial, source, engine)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        os.umask(previous)
    partial.rename(target)
    return manifest


def _write(target: Path, source: dict[str, Any], engine: str) -> Manifest:
    manifest = Manifest(engine=engine, created_at=timezone.now().isoformat())
    # The checkpoints first: copied after the dump, they could name seals the dump does not hold,
    # and `audit verify` on a restored copy would report the newest rows deleted.
    checkpoints = Path(settings.AUDIT_CHECKPOINT_FILE)
    if checkpoints.is_file():
        shutil.copyfile(checkpoints, target / CHECKPOINTS)  # content only: the folder's private modes
        manifest.add_file(target, target / CHECKPOINTS)
    dump = target / DATABASE_FILES[engine]
    if engine == "postgresql":
        manifest.tables = _dump_postgresql(source, dump)
    else:
        manifest.tables = _dump_sqlite(Path(source["NAME"]), dump)
    manifest.add_file(target, dump)
    # Evidence files on the file system storage (docs/deploy.md: an object store keeps its own).
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        for path in sorted(media.rglob("*")):
            relative = path.relative_to(media)
            if path.is_file() and not path.is_symlink() and relative.parts[0] not in SKIPPED_MEDIA:
                copy = target / MEDIA / relative
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
                manifest.add_file(target, copy)
    manifest.write(target)
    return manifest


def _dump_postgresql(database: dict[str, Any], dump: Path) -> Fingerprints:
    """pg_dump in the snapshot of a transaction that describes the same rows meanwhile."""
    keywords, env = _libpq(database)
    # autocommit, so that this BEGIN opens the transaction (psycopg would otherwise have opened a
    # READ COMMITTED one already, and the checksums would be read at a later moment than the dump).
    with psycopg.connect(**keywords, autocommit=True) as connection:  # type: ignore[arg-type]
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = connection.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        done = subprocess.run(  # noqa: S603 (our arguments, no shell)
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={row[0]}",
                "-f",
                str(dump),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(_("pg_dump failed: %(error)s") % {"error": done.stderr.strip()})
        with connection.cursor() as cursor:
            tables = postgresql_fingerprints(cursor)
        connection.execute("ROLLBACK")
    return tables


def _dump_sqlite(source: Path, dump: Path) -> Fingerprints:
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(dump)) as copy:
        live.backup(copy)
        # One self-contained file: the copy keeps no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return sqlite_fingerprints(copy)


# Restoring ----------------------------------------------------------------------------------------


def backup_check(*, source: Path) -> Manifest:
    """The backup's manifest, once every file in the folder has matched it."""
    try:
        manifest = Manifest.read(source)
    except (OSError, ValueError, KeyError) as error:
        message = _("%(folder)s holds no readable manifest: %(error)s") % {"folder": source, "error": error}
        raise BackupError(message) from error
    unsafe = [_("%(name)s: not a file name of a backup") % {"name": n} for n in manifest.files if not _safe_name(n)]
    problems = unsafe or manifest.damaged_files(source)
    if problems:
        raise BackupError(_("The backup does not match its manifest: %(problems)s") % {"problems": "; ".join(problems)})
    return manifest


def _safe_name(name: str) -> bool:
    """A relative path of plain parts: nothing a crafted manifest could use to write elsewhere."""
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and all(p not in {"", ".", ".."} and "\\" not in p for p in parts)


def backup_restore(
    *,
    source: Path,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
    checkpoint_file: Path | None = None,
) -> RestoreReport:
    """Restore a checked backup into an empty database, media folder and checkpoint file (the
    configured ones unless named), then compare every table with the manifest."""
    manifest = backup_check(source=source)
    target: dict[str, Any] = dict(database or settings.DATABASES["default"])
    engine = _engine(target)
    media_root = media_root or Path(settings.MEDIA_ROOT)
    checkpoint_file = checkpoint_file or Path(settings.AUDIT_CHECKPOINT_FILE)
    if manifest.engine != engine:
        raise BackupError(
            _("This is a backup of a %(backup)s database; it restores only into %(backup)s, not %(target)s.")
            % {"backup": manifest.engine, "target": engine}
        )
    if not _empty_folder(media_root):
        raise BackupError(_("%(folder)s already holds files: restore into an empty one.") % {"folder": media_root})
    if checkpoint_file.exists() and checkpoint_file.stat().st_size:
        raise BackupError(_("%(file)s already exists: restore into a new one.") % {"file": checkpoint_file})
    dump = source / DATABASE_FILES[engine]
    restored = _restore_postgresql(target, dump) if engine == "postgresql" else _restore_sqlite(target, dump)
    different = sorted(
        set(manifest.tables) ^ set(restored) | {t for t in manifest.tables if restored.get(t) != manifest.tables[t]}
    )
    if different:
        raise BackupError(
            _("The restored tables differ from the backup: %(tables)s") % {"tables": ", ".join(different)}
        )
    files = 0
    for name in manifest.files:
        if name.startswith(f"{MEDIA}/"):
            copy = media_root / name.removeprefix(f"{MEDIA}/")
            copy.parent.mkdir(parents=True, exist_ok=True)
            if not copy.resolve().is_relative_to(media_root.resolve()):  # checked by backup_check too
                raise BackupError(_("%(name)s: not a file name of a backup") % {"name": name})
            shutil.copyfile(source / name, copy)
            copy.chmod(0o640)  # as the file storage writes them (settings.STORAGES)
            files += 1
    if CHECKPOINTS in manifest.files:
        checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / CHECKPOINTS, checkpoint_file)
    return RestoreReport(tables=len(restored), rows=sum(n for n, _ in restored.values()), files=files)


def _restore_postgresql(database: dict[str, Any], dump: Path) -> Fingerprints:
    keywords, env = _libpq(database)
    with psycopg.connect(**keywords) as connection:  # type: ignore[arg-type]
        row = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    if row is None or row[0]:
        raise BackupError(_("The database %(name)s is not empty: restore into a new one.") % {"name": database["NAME"]})
    done = subprocess.run(  # noqa: S603 (our arguments, no shell)
        [_pg_tool("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", "-d",
         keywords["dbname"], str(dump)],
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(_("pg_restore failed: %(error)s") % {"error": done.stderr.strip()})
    with psycopg.connect(**keywords) as connection, connection.cursor() as cursor:  # type: ignore[arg-type]
        return postgresql_fingerprints(cursor)


def _restore_sqlite(database: dict[str, Any], dump: Path) -> Fingerprints:
    target = Path(database["NAME"])
    if target.exists():
        with closing(sqlite3.connect(target)) as existing:
            if existing.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
                raise BackupError(_("The database %(name)s is not empty: restore into a new one.") % {"name": target})
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(dump)) as copy, closing(sqlite3.connect(target)) as restored:
        copy.backup(restored)
        return sqlite_fingerprints(restored)
