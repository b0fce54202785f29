"""`lianfang retention --dry-run|--apply`: retire the personal records whose retention period has
ended (docs/data-protection.md, "Retention periods"). A dry run counts them and changes nothing."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lianfang.core.retention.services import retention_run


class Command(BaseCommand):
    help = "Retire personal data whose retention period has ended (--dry-run counts, --apply retires)."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="count what is due and change nothing")
        mode.add_argument("--apply", action="store_true", help="retire what is due")
        parser.add_argument("--today", help="the day to count the periods back from, YYYY-MM-DD (default today)")

    def handle(self, *args: Any, apply: bool, today: str | None, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(_("--today: give a date as YYYY-MM-DD.")) from error
        outcomes = retention_run(apply=apply, today=day)
        done = _("retired") if apply else _("due")
        for o in outcomes:
            if o.cutoff is None:
                period = _("kept")
                line = f"{o.policy.key}\t{o.policy.label}\t{period}"
            else:
                period = _("%(days)d days") % {"days": o.days}
                before = _("ended before %(day)s") % {"day": o.cutoff.isoformat()}
                line = f"{o.policy.key}\t{o.policy.label}\t{period}\t{before}\t{done} {o.rows}"
            self.stdout.write(line)
            if options["verbosity"] >= 2:  # -v 2: what each policy erases, from when, and on what grounds
                for said in (o.policy.counts_from, o.policy.retires, o.policy.source):
                    if said:
                        self.stdout.write(f"    {said}")
        total = sum(o.rows for o in outcomes)
        if apply:
            self.stdout.write(_("Retired %(n)d records.") % {"n": total})
        else:
            self.stdout.write(_("Dry run: %(n)d records are due; nothing was changed.") % {"n": total})
