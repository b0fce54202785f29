import datetime as dt
import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lianfang.core.accounts.permissions import SystemActor
from lianfang.core.accounts.services import user_create
from lianfang.core.audit.context import audit_context
from lianfang.core.regions.models import Department, Membership, Region, Role
from lianfang.core.regions.services import membership_save


class Command(BaseCommand):
    help = "Create a user with one membership (role over a region, optionally a department and a period)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", required=True, help="12-digit division code of the region scope")
        parser.add_argument("--department", help="short code of the department")
        parser.add_argument("--valid-from", type=dt.date.fromisoformat)
        parser.add_argument("--valid-until", type=dt.date.fromisoformat)
        parser.add_argument("--sent-down", action="store_true", help="a posting of sent-down staff (needs both dates)")
        parser.add_argument("--password", help="taken from a prompt when omitted")

    def handle(self, *args: Any, **o: Any) -> None:
        region = Region.objects.filter(code=o["region"]).first()
        if region is None:
            raise CommandError(f"region: no region has the code {o['region']}")
        department = None
        if o["department"]:
            department = Department.objects.filter(code=o["department"]).first()
            if department is None:
                raise CommandError(f"department: no department has the code {o['department']}")
        password = o["password"]
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("password: the two entries differ")
        actor = SystemActor("createuser")
        try:
            with audit_context(), transaction.atomic():
                user = user_create(actor=actor, username=o["username"], full_name=o["full_name"], password=password)
                membership_save(
                    actor=actor,
                    membership=Membership(
                        user=user,
                        role=o["role"],
                        region=region,
                        department=department,
                        sent_down=o["sent_down"],
                        valid_from=o["valid_from"],
                        valid_until=o["valid_until"],
                    ),
                )
        except ValidationError as error:
            messages = (
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
                if hasattr(error, "error_dict")
                else " ".join(error.messages)
            )
            raise CommandError(messages) from error
        self.stdout.write(self.style.SUCCESS(f"created {user.username} as {Role(o['role']).label} of {region.name}"))
