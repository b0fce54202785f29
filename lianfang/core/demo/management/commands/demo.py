from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from lianfang.core.audit.context import audit_context
from lianfang.core.demo.loading import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the Shangjie demo data (the seed period 2022-01-01..14 and the last 14 days) and exit."

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(), transaction.atomic():
            ctx = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in at http://127.0.0.1:8000 with:"))
        width = max(len(a["username"]) for a in ctx.accounts) if ctx.accounts else 8
        for account in ctx.accounts:
            self.stdout.write(f"  {account['username']:<{width}}  {account['password']:<20}  {account['role']}")
        for note in ctx.notes:
            self.stdout.write(f"  {note}")
        self.stdout.write(f"All demo passwords are {DEMO_PASSWORD!r}.")
