"""The people registry's menu entry: staff (a field worker: his community's people) and auditors."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import REGISTRY, MenuItem, register
from lianfang.core.regions.models import Role

register(MenuItem("people.index", REGISTRY, _("People"), "people:index", lambda v: v.staff or v.has(Role.AUDITOR), 10))
