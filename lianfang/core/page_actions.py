"""An action taken from a page: run the service, say what happened, go on.

Every page that posts a change goes through one of two helpers, so that a service's refusal reads
the same everywhere (field errors by field, a refused transition, a stale version or a resent
submission with their message, a permission refusal with its reason):
- `page_action`: a button on a record's page (a transition, an assignment, a check-in …); success
  and refusal alike come back to the page as messages;
- `form_action`: a form page (report a case, register a person …); success is said and leads on,
  a refusal is put on the form, which the page draws again."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lianfang.core.edits import VersionConflict, add_refusal
from lianfang.core.flows.engine import InvalidTransition
from lianfang.core.idempotency import SubmissionConflict

Labels = Mapping[str, Promise | str]

# Refusals whose message says it all.
SAID_AS_IS = (InvalidTransition, VersionConflict, SubmissionConflict)


def say_errors(request: HttpRequest, error: ValidationError, labels: Labels | None = None) -> None:
    """One message per error, prefixed with its field's label where the page has one."""
    for field, texts in error.message_dict.items():
        label = (labels or {}).get(field, "")
        for text in texts:
            messages.error(request, f"{label}：{text}" if label else text)


def form_refusal(form: forms.Form) -> ValidationError:
    """A bound form's errors as a service's ValidationError, so that both read the same."""
    return ValidationError({k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()})


def page_action(
    request: HttpRequest, *, back: str, run: Callable[[], Any], labels: Labels | None = None
) -> HttpResponse:
    """Run one action and come back to `back` with what happened. `run` returns what to say on
    success (anything but text, such as the record it saved, says "Saved.") and raises the
    service's refusals."""
    try:
        said = run()
    except ValidationError as error:
        say_errors(request, error, labels)
    except SAID_AS_IS as refused:
        messages.error(request, str(refused))
    except PermissionDenied as denied:
        messages.error(request, str(denied) or _("You may not do this."))
    else:
        messages.success(request, str(said) if isinstance(said, str | Promise) else _("Saved."))
    return redirect(back)


Done = tuple[Promise | str, str]


def form_action(request: HttpRequest, form: forms.Form, run: Callable[[dict[str, Any]], Done]) -> HttpResponse | None:
    """A form page's POST: with valid values, `run` calls the service and returns what to say and
    the URL to go on to. A refusal goes on the form (field errors beside their fields, anything else
    above it) and None is returned, as for a GET or an invalid form: the page is drawn again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        said, url = run(form.cleaned_data)
    except (ValidationError, PermissionDenied, *SAID_AS_IS) as refused:
        add_refusal(form, refused)
        return None
    messages.success(request, str(said))
    return redirect(url)
