"""The kinds of case the markets' practice opens on the case engine. Both are closed by a later
record (kinds.SETTLED): a rectification order by the inspection that finds it put right (a red flag,
a passing acceptance) or by a review that revokes it; a review by its decision."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lianfang.core.cases.kinds import SETTLED, CaseKind, register_kind

RECTIFY_KIND = register_kind(
    CaseKind(
        key="markets.rectification",
        label=_("Shop rectification (黑旗整改)"),
        flow_key=SETTLED,
        default_days=settings.MARKETS_BLACK_RECTIFY_DAYS,
    )
)
REVIEW_KIND = register_kind(
    CaseKind(key="markets.review", label=_("Review of a flag (复核)"), flow_key=SETTLED, default_days=7)
)
