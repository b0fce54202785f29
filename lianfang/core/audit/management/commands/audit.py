from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.audit.services import audit_seal_pending, audit_verify


class Command(BaseCommand):
    help = "Seal pending audit rows into the chain (seal) or check the whole chain for tampering (verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seal", "verify"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "seal":
            self.stdout.write(f"sealed {audit_seal_pending()} audit rows")
            return
        report = audit_verify()
        for problem in report.problems:
            self.stderr.write(f"TAMPERED: {problem}")
        if not report.ok:
            raise CommandError(f"audit chain broken: {len(report.problems)} problems in {report.checked} sealed rows")
        self.stdout.write(f"audit chain intact: {report.checked} sealed rows, {report.unsealed} waiting to be sealed")
