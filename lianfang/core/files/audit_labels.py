"""How the audit log names what the files app writes: evidence files."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import lazy_format, register_actions, register_details, register_record_types

from .models import StoredFile

register_actions(
    "files",
    {
        "file.store": _("Store an evidence file"),
        "api.files": lazy_format(_("API: %(what)s"), what=StoredFile._meta.verbose_name_plural),
    },
)
register_record_types(StoredFile)
register_details({"no writing role": _("no role that may write")})
