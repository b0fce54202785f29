from django.db import models
from django.utils.translation import gettext_lazy as _


class BulletinState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting signature (待签发)")
    PUBLISHED = "published", _("Published (已签发)")
