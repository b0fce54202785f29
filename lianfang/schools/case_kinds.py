"""The kinds of case the schools' practice opens on the case engine."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianfang.core.cases.kinds import CaseKind, register_kind

# An illness gathering in a class, for the school's health officer (clusters.py).
CLUSTER_KIND = register_kind(CaseKind(key="schools.cluster", label=_("Cluster alert in a class"), default_days=1))
# A teaching researcher's suggestions, handed to the school as a closed loop (听评课).
IMPROVEMENT_KIND = register_kind(CaseKind(key="schools.improvement", label=_("Lesson improvement"), default_days=14))
