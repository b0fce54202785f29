"""`lianfang backup DIR`: the database, the evidence files and the audit checkpoints, with a
manifest of checksums, into a new folder. No key is ever written (docs/deploy.md, "Backups")."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.services import audit_record
from lianfang.core.backups.services import BackupError, backup_write


class Command(BaseCommand):
    help = "Write a backup (database, evidence files, audit checkpoints, manifest) into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            manifest = backup_write(target=folder.resolve())
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(count for count, _digest in manifest.tables.values())
        evidence = sum(1 for name in manifest.files if name.startswith("media/"))
        audit_record(actor=SystemActor("backup"), verb="backup.write", detail=f"{folder.resolve()}: {rows}")
        self.stdout.write(
            _("Backup written to %(folder)s: %(tables)d tables, %(rows)d rows, %(files)d evidence files.")
            % {"folder": folder, "tables": len(manifest.tables), "rows": rows, "files": evidence}
        )
