"""Cases are kept (core/retention): a case about a person holds them in the registry for as long as
it exists (core/people/retention.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianfang.core.retention.policies import KEEP, Policy, register_policy

register_policy(
    Policy(
        key="cases.cases",
        label=_("Cases and their evidence"),
        counts_from=_("the day the case was closed"),
        default=KEEP,
        source=_(
            "No period is known to us: cases are the district's record of problems found and put right, which "
            "the discipline inspection teams review. Kept until the district sets a period."
        ),
    )
)
