"""`lianfang restore DIR`: check a backup against its manifest, restore it into the configured
(empty) database, media folder and checkpoint file, and compare every table with the manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.services import audit_record
from lianfang.core.backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database, after checking every file against its manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            report = backup_restore(source=folder.resolve())
        except BackupError as error:
            raise CommandError(str(error)) from error
        audit_record(actor=SystemActor("backup"), verb="backup.restore", detail=f"{folder.resolve()}: {report.rows}")
        self.stdout.write(
            _(
                "Restored from %(folder)s: %(tables)d tables and %(rows)d rows as in the manifest, "
                "%(files)d evidence files."
            )
            % {"folder": folder, "tables": report.tables, "rows": report.rows, "files": report.files}
        )
