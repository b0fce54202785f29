"""Unusual access to personal data (core/notices/alerts.py): many full numbers revealed, many
unmasked exports, many existing people linked. Auditors are told; whoever revealed or exported
must pass the second factor again."""

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import User
from lianfang.core.accounts.services import second_factor_ask_again
from lianfang.core.notices.alerts import AUDITORS, PER_ACCOUNT, Threshold, register_threshold


def _ask_again(row: dict[str, Any]) -> None:
    user = User.objects.filter(pk=int(row["actor_id"])).first()
    if user is not None:
        second_factor_ask_again(actor=SystemActor("alerts"), user=user, reason=str(row.get("verb", "")))


register_threshold(
    Threshold(
        "reveals",
        _("many full numbers revealed"),
        verbs=("person.reveal",),
        per=PER_ACCOUNT,
        window=timedelta(hours=1),
        limit_setting="LIANFANG_ALERT_REVEALS",
        recipients=AUDITORS,
        then=_ask_again,
    )
)
register_threshold(
    Threshold(
        "unmasked-exports",
        _("many exports with full numbers"),
        verbs=("ledger.export_unmasked",),
        per=PER_ACCOUNT,
        window=timedelta(hours=1),
        limit_setting="LIANFANG_ALERT_UNMASKED_EXPORTS",
        recipients=AUDITORS,
        then=_ask_again,
    )
)
# Registering numbers on file where one may not look (each waits for its home jurisdiction) is
# how one would probe which numbers exist: many in a day tell the auditors.
register_threshold(
    Threshold(
        "pending-registrations",
        _("many registrations of people on file elsewhere"),
        verbs=("person.pending",),
        per=PER_ACCOUNT,
        window=timedelta(days=1),
        limit_setting="LIANFANG_ALERT_PENDING",
        recipients=AUDITORS,
    )
)
