"""How long care keeps its records (core/retention): kept, for want of a known period.

Care's records hold their people in the registry for as long as they exist (core/people/retention.py):
a household's members, the tags on them, the visits that saw them, their needs, services and relief.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianfang.core.people.retention import register_practice_source
from lianfang.core.retention.policies import KEEP, Policy, register_policy

from .ledger import SOURCE

register_practice_source(SOURCE)
register_policy(
    Policy(
        key="care.households",
        label=_("Households, their members, tags, visits, needs and services"),
        counts_from=_("the day the household left care"),
        default=KEEP,
        source=_(
            "No period is known to us: the civil affairs bureau's files on households in difficulty have none "
            "that the district has set. Kept until it sets one."
        ),
    )
)
register_policy(
    Policy(
        key="care.relief",
        label=_("Relief applications and payments (with bank accounts)"),
        counts_from=_("the day of the payment"),
        default=KEEP,
        source=_(
            "Accounting Archives Measures (会计档案管理办法, 2015) art. 14 and its table: payment vouchers are "
            "kept 30 years; the applications are their grounds."
        ),
    )
)
