"""A stored evidence file: what was uploaded, by whom, and where its bytes lie under MEDIA_ROOT."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    """The only kinds of file accepted, each recognised by its content, never by its name."""

    JPEG = "jpeg", _("JPEG image")
    PNG = "png", _("PNG image")
    WEBP = "webp", _("WebP image")
    PDF = "pdf", _("PDF document")
    DOCX = "docx", _("Word document")
    XLSX = "xlsx", _("Excel workbook")


# The Content-Type each kind is served with, and the extension of its download name.
CONTENT_TYPES: dict[str, str] = {
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.WEBP: "image/webp",
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS: dict[str, str] = {
    FileKind.JPEG: "jpg",
    FileKind.PNG: "png",
    FileKind.WEBP: "webp",
    FileKind.PDF: "pdf",
    FileKind.DOCX: "docx",
    FileKind.XLSX: "xlsx",
}
IMAGE_KINDS = frozenset({FileKind.JPEG, FileKind.PNG, FileKind.WEBP})


class StoredFile(models.Model):
    """An uploaded file. It declares no scope of its own: whoever owns it (a case, a notice)
    decides who may see it, and serves it with `lianfang.core.files.serving.file_response`."""

    public_id = models.UUIDField(_("file id"), default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=8, choices=FileKind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # A random path under MEDIA_ROOT; the uploader's file name never reaches the disk.
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS
