"""`lianfang export people|units|regions|departments|<a practice's ledger> -o FILE.xlsx [--reveal]`: a
ledger out, with the import's headers. On an empty database an export is the blank template."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.context import audit_context
from lianfang.core.ledgers.services import export_kinds, ledger_export


class Command(BaseCommand):
    help = (
        "Export a ledger (people, organisations, regions, departments or a practice's) to an .xlsx file. ID "
        "numbers and phones are masked unless --reveal is given (audited); a revealed export can be imported "
        "back unchanged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=export_kinds())
        parser.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx file to write")
        parser.add_argument("--reveal", action="store_true", help="write full ID numbers and phones (audited)")
        parser.add_argument("--reason", default="", help="why the full numbers are needed (recorded in the audit log)")

    def handle(self, *args: Any, kind: str, output: Path, reveal: bool, reason: str, **options: Any) -> None:
        with audit_context():
            data = ledger_export(actor=SystemActor("export"), kind=kind, reveal=reveal, reason=reason)
        output.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(_("wrote %(file)s") % {"file": output}))
