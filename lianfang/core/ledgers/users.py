"""The staff ledger (用户台账): bulk onboarding of accounts with their memberships.

One row is one membership (a role over a region, optionally for a department, a unit and a
period); a user serving in two roles has two rows with the same user name. Accounts are created
with user_create and memberships granted with membership_save, so only a system administrator
(or the console) may import, and every account and grant is audited.

A user name that already exists gets the row's membership if it lacks it; its password is never
changed by an import, and a row whose full name differs from the existing account's is refused,
because it is more likely a different person given a taken user name than a renaming.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from lianfang.core.accounts.models import User
from lianfang.core.accounts.services import user_create
from lianfang.core.regions.models import Department, Membership, Region, Role
from lianfang.core.regions.services import membership_save
from lianfang.core.units.models import Unit

from . import cells
from .columns import Column, ColumnMap
from .importing import ImportContext, RegistryLedger, messages_of, region_cell
from .reports import ImportReport
from .workbooks import Cell

USERNAME = Column("用户名", "username", required=True, text=True, aliases=("账号", "登录名"))
FULL_NAME = Column("姓名", "full_name", required=True)
ROLE = Column("角色", "role", required=True)
REGION = Column("管辖区划代码", "region", required=True, text=True, aliases=("区划代码",))
DEPARTMENT = Column("部门", "department")
UNIT = Column("单位统一社会信用代码", "unit", text=True, aliases=("单位信用代码",))
VALID_FROM = Column("起始日期", "valid_from", aliases=("开始日期",))
VALID_UNTIL = Column("截止日期", "valid_until", aliases=("结束日期",))
SENT_DOWN = Column("下沉", "sent_down", aliases=("是否下沉",))
PASSWORD = Column("初始密码", "password", aliases=("密码",))
COLUMNS = (USERNAME, FULL_NAME, ROLE, REGION, DEPARTMENT, UNIT, VALID_FROM, VALID_UNTIL, SENT_DOWN, PASSWORD)
_FIELD_COLUMNS = {c.key: c for c in COLUMNS}


@dataclass(frozen=True)
class UserRow:
    row: int
    username: str
    full_name: str
    password: str
    role: str
    region: Region
    department: Department | None
    unit: Unit | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    sent_down: bool

    def grant(self) -> dict[str, Any]:
        """What this row grants, as Membership fields."""
        return {
            "role": self.role,
            "region": self.region,
            "department": self.department,
            "unit": self.unit,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "sent_down": self.sent_down,
        }


def _username(value: Cell) -> str:
    """Trimmed and NFKC-normalised; a space inside stays, for the user name validator to refuse."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def _credit_code(value: Cell) -> str:
    try:
        return cells.long_number(value).upper()
    except cells.CellError:
        return ""


def shown(key: str, raw: Cell) -> str:
    if key == "password":
        return "******" if cells.text(raw) else ""  # never echo a password into a report
    return cells.text(raw)[:100]


class UsersLedger(RegistryLedger):
    kind = "users"
    title = "用户台账"
    columns: Sequence[Column] = COLUMNS

    def check(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> list[UserRow]:
        roles = cells.Choices(Role)
        departments: dict[str, Department] = {}
        for each in Department.objects.all():
            departments[cells.normalise_label(each.code)] = each
            departments[cells.normalise_label(each.name)] = each
        raw_rows = [(row, {key: columns.cell(cells_, key) for key in _FIELD_COLUMNS}) for row, cells_ in rows]
        units = {
            unit.credit_code: unit
            for unit in Unit.objects.filter(credit_code__in=[_credit_code(raw["unit"]) for _row, raw in raw_rows])
        }
        username_field = User._meta.get_field("username")
        full_name_of: dict[str, tuple[str, int]] = {}
        checked: list[UserRow] = []
        for done, (row, raw) in enumerate(raw_rows, start=1):
            ctx.tick(done)
            problems: dict[str, str] = {}
            username = _username(raw["username"])
            try:
                if not username:
                    raise ValidationError(_("it is empty"))
                username_field.clean(username, None)
            except ValidationError as error:
                problems["username"] = " ".join(error.messages)
            full_name = cells.text(raw["full_name"])
            if not full_name:
                problems["full_name"] = _("it is empty")
            elif len(full_name) > 64:
                problems["full_name"] = _("it is longer than 64 characters")
            elif username:
                first = full_name_of.setdefault(username.lower(), (full_name, row))
                if first[0] != full_name:
                    problems["full_name"] = _("Row %(row)d gives this user the name %(name)s.") % {
                        "row": first[1],
                        "name": first[0],
                    }
            role = roles.get(raw["role"]) if cells.text(raw["role"]) else None
            if role is None:
                problems["role"] = _("Unknown role; use one of: %(roles)s.") % {"roles": roles.listed}
            region: Region | None = None
            department: Department | None = None
            unit: Unit | None = None
            try:
                region = region_cell(ctx.regions, raw["region"], required=True)
            except ValidationError as error:
                problems["region"] = " ".join(error.messages)
            if cells.text(raw["department"]):
                department = departments.get(cells.normalise_label(raw["department"]))
                if department is None:
                    problems["department"] = _("No department has this name or short code.")
            if cells.text(raw["unit"]):
                try:
                    unit = units.get(cells.long_number(raw["unit"]).upper())
                    if unit is None:
                        problems["unit"] = _("No organisation has this credit code; import the organisations first.")
                except cells.CellError as error:
                    problems["unit"] = str(error)
            dates: dict[str, dt.date | None] = {}
            for key in ("valid_from", "valid_until"):
                try:
                    dates[key] = cells.date(raw[key])
                except cells.CellError as error:
                    problems[key] = str(error)
            try:
                sent_down = cells.yes_no(raw["sent_down"])
            except cells.CellError as error:
                problems["sent_down"] = str(error)
                sent_down = False
            password = raw["password"] if isinstance(raw["password"], str) else cells.text(raw["password"])
            if password and username and "username" not in problems:
                try:
                    validate_password(password, User(username=username, full_name=full_name))
                except ValidationError as error:
                    problems["password"] = " ".join(error.messages)
            if role is not None and region is not None:
                grant = Membership(
                    role=role,
                    region=region,
                    department=department,
                    unit=unit,
                    valid_from=dates.get("valid_from"),
                    valid_until=dates.get("valid_until"),
                    sent_down=sent_down,
                )
                try:
                    grant.clean()
                except ValidationError as error:
                    for key, messages in messages_of(error).items():
                        problems.setdefault(key if key in _FIELD_COLUMNS else "role", " ".join(messages))
            if problems:
                for key, reason in problems.items():
                    report.add_error(row, _FIELD_COLUMNS[key].header, shown(key, raw[key]), reason)
                continue
            assert role is not None and region is not None
            checked.append(
                UserRow(
                    row=row,
                    username=username,
                    full_name=full_name,
                    password=password,
                    role=role,
                    region=region,
                    department=department,
                    unit=unit,
                    valid_from=dates.get("valid_from"),
                    valid_until=dates.get("valid_until"),
                    sent_down=sent_down,
                )
            )
        self._check_existing(checked, report)
        return checked

    @staticmethod
    def _existing(names: list[str]) -> dict[str, User]:
        lowered = sorted({name.lower() for name in names})
        users = User.objects.annotate(lowered=Lower("username")).filter(lowered__in=lowered)
        return {user.username.lower(): user for user in users}

    def _check_existing(self, rows: list[UserRow], report: ImportReport) -> None:
        existing = self._existing([r.username for r in rows])
        warned = False
        for r in rows:
            user = existing.get(r.username.lower())
            if user is None:
                continue
            if user.full_name and user.full_name != r.full_name:
                report.add_error(
                    r.row,
                    FULL_NAME.header,
                    r.full_name,
                    _("The user name %(username)s already belongs to %(name)s; choose another user name.")
                    % {"username": user.username, "name": user.full_name},
                )
            elif r.password and not warned:
                report.warnings.append(_("Passwords of existing users are not changed by an import."))
                warned = True

    def write(self, ctx: ImportContext, rows: list[UserRow], report: ImportReport) -> None:
        existing = self._existing([r.username for r in rows])
        created: dict[str, User] = {}
        for done, r in enumerate(rows, start=1):
            key = r.username.lower()
            try:
                outcome = "unchanged"
                user = created.get(key) or existing.get(key)
                if user is None:
                    user = user_create(
                        actor=ctx.actor, username=r.username, full_name=r.full_name, password=r.password or None
                    )
                    created[key] = user
                same = Membership.objects.filter(user=user, **r.grant())
                if not same.exists():
                    membership_save(actor=ctx.actor, membership=Membership(user=user, **r.grant()))
                    outcome = "updated"
                if key in created:
                    outcome = "created"
            except ValidationError as error:
                for field, messages in messages_of(error).items():
                    column = _FIELD_COLUMNS.get(field, USERNAME)
                    report.add_error(
                        r.row, column.header, shown(column.key, getattr(r, column.key, "")), " ".join(messages)
                    )
            except PermissionDenied as error:
                report.add_error(r.row, USERNAME.header, r.username, str(error))
            else:
                report.count(outcome)
            ctx.tick(done)


LEDGER = UsersLedger()
