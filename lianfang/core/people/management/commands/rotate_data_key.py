from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.context import audit_context
from lianfang.core.people.models import Person
from lianfang.core.people.rotation import data_key_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt identity numbers and phones under LIANFANG_DATA_KEY, reading old ciphertexts with "
        "LIANFANG_DATA_KEY_PREVIOUS. See docs/data-protection.md."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DATA_KEY_PREVIOUS:
            raise CommandError(
                "LIANFANG_DATA_KEY_PREVIOUS is not set: give the key being retired there,"
                " and the new one as LIANFANG_DATA_KEY."
            )
        with tqdm(total=Person.objects.count(), unit="人", disable=None) as bar, audit_context():
            rewritten = data_key_rotate(actor=SystemActor("rotate_data_key"), progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {rewritten} people; now unset LIANFANG_DATA_KEY_PREVIOUS"))
