"""The audit log's filters, read from a query string the same way by the page and the API.

Each value goes through the shared parsers of core/api/params.py, so a bad one is refused with
a message that names its field. The period is a closed range of days in Asia/Shanghai.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.api.params import choice, day, number, refusal

from .labels import known_actions, record_types
from .models import Outcome
from .selectors import AuditFilters, audit_accounts

# Longer names than this are not names.
PERSON_LENGTH = 50


def audit_filters(user: Any, params: Mapping[str, Any]) -> AuditFilters:
    """The filters in `params`; a bad value raises the API's 400 naming its field.

    Someone who may not read the log is refused first, whatever the parameters.
    """
    accounts = audit_accounts(user)
    actor = None
    actor_id = number(params, "actor")
    if actor_id is not None:
        actor = accounts.filter(pk=actor_id).first()
        if actor is None:
            raise refusal("actor", _("No such account within your jurisdiction."))
    verb = choice(params, "verb", known_actions(), unknown=gettext_lazy("Unknown action: %(value)s"))
    outcome = choice(params, "outcome", Outcome.values)
    types = {key for key, _label in record_types()}
    target_type = choice(params, "target_type", types, unknown=gettext_lazy("Unknown record type: %(value)s"))
    target_id = number(params, "target_id")
    if target_id is not None and target_type is None:
        raise refusal("target_id", _("Choose the record type as well."))
    start, end = day(params, "from"), day(params, "to")
    if start is not None and end is not None and end < start:
        raise refusal("to", _("The end date comes before the start date."))
    return AuditFilters(
        actor=actor,
        person=" ".join(str(params.get("person") or "").split())[:PERSON_LENGTH],
        verb=verb,
        outcome=outcome,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        start=start,
        end=end,
    )
