"""The audit log is exempt from retirement (docs/data-protection.md, "The audit log")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianfang.core.retention.policies import KEEP, Policy, register_policy

register_policy(
    Policy(
        key="audit.log",
        label=_("The audit log (names in its snapshots; numbers and phones only masked)"),
        counts_from=_("the day of the entry"),
        default=KEEP,
        source=_(
            "Cybersecurity Law art. 21(3): network logs kept at least six months; PIPL art. 47(2): where a law "
            "requires keeping, only storage and protection continue. Exempt, then archived with the backups."
        ),
    )
)
