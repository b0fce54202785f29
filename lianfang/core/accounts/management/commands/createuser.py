"""`lianfang createuser NAME --full-name … --role … (--region CODE | --unit CREDIT_CODE) [--password …]`.

Without a terminal and without --password (a set-up script, a provisioning tool), the account
gets a one-time password, printed once and stored hashed; the first sign-in must replace it.
"""

import datetime as dt
import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.services import one_time_password, user_create
from lianfang.core.audit.context import audit_context
from lianfang.core.regions.models import Department, Membership, Region, Role
from lianfang.core.regions.services import membership_save
from lianfang.core.units.credit_code import validate_credit_code
from lianfang.core.units.models import Unit


class Command(BaseCommand):
    help = (
        "Create a user with one membership (role over a region, optionally a department, an organisation "
        "and a period). Without a terminal and without --password, prints a one-time password."
    )
    # Tests and scripts may hand the command its own standard input (as createsuperuser allows).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--region", help="12-digit division code of the region scope (a unit contact: the unit's by default)"
        )
        parser.add_argument("--department", help="short code of the department")
        parser.add_argument("--unit", help="unified social credit code of the organisation a unit contact stands for")
        parser.add_argument("--valid-from", type=dt.date.fromisoformat)
        parser.add_argument("--valid-until", type=dt.date.fromisoformat)
        parser.add_argument("--sent-down", action="store_true", help="a posting of sent-down staff (needs both dates)")
        parser.add_argument(
            "--password", help="taken from a prompt at a terminal; without a terminal a one-time password is printed"
        )

    def handle(self, *args: Any, **o: Any) -> None:
        unit = self._unit(o["unit"], o["role"])
        region = self._region(o["region"], unit)
        department = None
        if o["department"]:
            department = Department.objects.filter(code=o["department"]).first()
            if department is None:
                raise CommandError(f"department: no department has the code {o['department']}")
        password, one_time = self._password(o["password"], o.get("stdin") or sys.stdin)
        actor = SystemActor("createuser")
        try:
            with audit_context(), transaction.atomic():
                user = user_create(
                    actor=actor,
                    username=o["username"],
                    full_name=o["full_name"],
                    password=password,
                    must_change_password=one_time,
                )
                membership_save(
                    actor=actor,
                    membership=Membership(
                        user=user,
                        role=o["role"],
                        region=region,
                        department=department,
                        unit=unit,
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
        where = f"{unit.name}（{region.name}）" if unit else region.name
        done = {"username": user.username, "role": Role(o["role"]).label, "where": where}
        self.stdout.write(self.style.SUCCESS(_("Created %(username)s as %(role)s of %(where)s.") % done))
        if one_time:
            shown = {"username": user.username, "password": password}
            self.stdout.write(_("One-time password for %(username)s: %(password)s") % shown)
            self.stdout.write(_("It is shown only now; the first sign-in must replace it with the user's own."))

    @staticmethod
    def _unit(credit_code: str | None, role: str) -> Unit | None:
        if not credit_code:
            return None
        if role != Role.UNIT_CONTACT:
            raise CommandError("unit: " + _("only a unit contact stands for an organisation"))
        try:
            code = validate_credit_code(credit_code)
        except ValidationError as error:
            raise CommandError("unit: " + " ".join(error.messages)) from error
        unit = Unit.objects.select_related("region").filter(credit_code=code).first()
        if unit is None:
            message = _("no organisation has the credit code %(code)s; import the organisations first")
            raise CommandError("unit: " + message % {"code": code})
        return unit

    @staticmethod
    def _region(code: str | None, unit: Unit | None) -> Region:
        if not code:
            if unit is None:
                raise CommandError("region: " + _("give --region, the 12-digit division code of the region scope"))
            return unit.region
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"region: no region has the code {code}")
        return region

    @staticmethod
    def _password(given: str | None, stdin: Any) -> tuple[str, bool]:
        """The password, and whether it is a one-time one (no terminal to ask at)."""
        if given is not None:
            return given, False
        if not (hasattr(stdin, "isatty") and stdin.isatty()):
            return one_time_password(), True
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("password: the two entries differ")
        return password, False
