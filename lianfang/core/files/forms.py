"""Form fields for evidence files: each upload is checked by validate_upload as the form is cleaned,
so that errors stand beside the field and nothing is stored until the whole form is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .services import CheckedUpload, validate_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _checked(upload: Any) -> CheckedUpload:
    try:
        return validate_upload(upload)
    except ValidationError as error:
        raise ValidationError(error.message_dict["file"]) from error


class EvidenceFileField(forms.FileField):
    """One file; cleans to a CheckedUpload (or None when optional and empty)."""

    def clean(self, data: Any, initial: Any = None) -> CheckedUpload | None:
        upload = super().clean(data, initial)
        return _checked(upload) if upload else None


class EvidenceFilesField(forms.FileField):
    """Several files in one input; cleans to a list of CheckedUpload."""

    def __init__(self, *args: Any, max_files: int = 10, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf,.docx,.xlsx"})
        )
        kwargs.setdefault("required", False)
        self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        uploads = [d for d in (data if isinstance(data, (list, tuple)) else [data]) if d]
        if not uploads:
            super().clean(None, initial)  # raises "required" when the field is required
            return []
        if len(uploads) > self.max_files:
            raise ValidationError(_("At most %(n)d files at a time.") % {"n": self.max_files})
        checked: list[CheckedUpload] = []
        errors: list[str] = []
        for upload in uploads:
            try:
                checked.append(_checked(super().clean(upload, initial)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked
