"""Edits that cannot be saved: a stale version, or a service's field errors shown on a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class VersionConflict(Exception):
    """Someone else saved the record since it was read: the second save is refused, not merged."""


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the form fields it names (others above the form)."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def add_refusal(form: forms.Form, refused: Exception) -> None:
    """A service's refusal on its form: field errors beside their fields, any other refusal (a
    permission, a conflict) above the form."""
    if isinstance(refused, ValidationError):
        add_service_errors(form, refused)
    else:
        form.add_error(None, str(refused) or _("You may not do this."))
