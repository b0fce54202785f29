import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.figures.forms import PeriodRegionForm
from lianfang.core.figures.rollups import roll_up
from lianfang.core.figures.selectors import figure_values
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope


class Command(BaseCommand):
    help = "Print every registered figure for a period and region: key, label, value, unit (tab-separated)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default today)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default the first day)")
        parser.add_argument("--region", help="12-digit division code (default the district)")
        parser.add_argument(
            "--roll-up",
            action="store_true",
            help="compute the daily roll-ups of the period's days (those before today) instead of printing",
        )

    def handle(self, *args: Any, start: str | None, end: str | None, region: str | None, **options: Any) -> None:
        if options.get("roll_up"):
            self._roll_up(start, end)
            return
        district = Region.objects.filter(parent__isnull=True).order_by("code").first()
        form = PeriodRegionForm({"from": start or "", "to": end or "", "region": region or ""}, default_region=district)
        if not form.is_valid():
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.error_fields().items()))
        for value in figure_values(scope=Scope.everything(), period=form.period, region=form.cleaned_data["region"]):
            f = value.figure
            self.stdout.write(f"{f.key}\t{f.label}\t{value.display}\t{f.unit}")

    def _roll_up(self, start: str | None, end: str | None) -> None:
        form = PeriodRegionForm({"from": start or "", "to": end or ""}, default_region=None)
        form.is_valid()
        errors = {k: v for k, v in form.error_fields().items() if k != "region"}
        if errors or not start:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()) or "give --from")
        period = form.period
        days = [period.start + dt.timedelta(days=n) for n in range((period.end - period.start).days + 1)]
        self.stdout.write(f"{roll_up(days)} days rolled up ({period.start}..{period.end}, before today)")
