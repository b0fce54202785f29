"""`lianfang bulletin draft|export`: draft an issue from the records, or write one as a document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.command.documents import FontsMissing
from lianfang.command.exports import FORMATS, export
from lianfang.command.models import Bulletin
from lianfang.command.services import bulletin_draft
from lianfang.command.text import plain
from lianfang.core.accounts.actors import SystemActor


class Command(BaseCommand):
    help = "Draft a bulletin issue (上街信息) for a period, or export an issue as DOCX, PDF or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        draft = sub.add_parser("draft", help="draft a new issue from the records and print it")
        draft.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        draft.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        draft.add_argument("--date", dest="issued_on", help="the date of issue, YYYY-MM-DD (default today)")
        out = sub.add_parser("export", help="write an issue as a document")
        out.add_argument("number", type=int, help="the issue number (第N期)")
        out.add_argument("--year", type=int, help="the issue's year (default the latest year with that number)")
        out.add_argument("--format", choices=FORMATS, default="docx")
        out.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "draft":
            self._draft(options)
        else:
            self._export(options)

    def _draft(self, options: dict[str, Any]) -> None:
        try:
            issue = bulletin_draft(
                actor=SystemActor("bulletin"),
                start=options["start"],
                end=options["end"],
                issued_on=options.get("issued_on"),
            )
        except ValidationError as refused:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in refused.message_dict.items())) from None
        self.stdout.write(f"{issue.year}年第{issue.number}期 (id {issue.pk})")
        self.stdout.write(issue.title)
        self.stdout.write(f"{issue.office}    {issue.issued_on.year}年{issue.issued_on.month}月{issue.issued_on.day}日")
        if issue.editor_note:
            self.stdout.write(f"编者按：{issue.editor_note}")
        for section in issue.sections.all():
            self.stdout.write("")
            self.stdout.write(section.headline)
            self.stdout.write(f"{plain(section.text)}（{section.unit}）")

    def _export(self, options: dict[str, Any]) -> None:
        rows = Bulletin.objects.filter(number=options["number"])
        if options.get("year"):
            rows = rows.filter(year=options["year"])
        issue = rows.order_by("-year").first()
        if issue is None:
            raise CommandError(
                f"No issue numbered {options['number']}" + (f" in {options['year']}" if options.get("year") else "")
            )
        try:
            content = export(issue, options["format"])
        except FontsMissing as missing:
            raise CommandError(str(missing)) from None
        Path(options["output"]).write_bytes(content)
        self.stdout.write(f"{issue} → {options['output']} ({len(content)} bytes)")
