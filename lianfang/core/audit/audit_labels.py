"""How the audit log names its own reads and the actions built by shared code.

Three kinds of action are written by shared code rather than by one app:
- `<verb prefix>.<transition>` for a transition of a flow (core/flows: case.accept,
  volunteer_task.finish), named from the flow's own table: "Case: Accept";
- `api.<audit name>` for a refused API request (core/api/errors.py);
- `<model>.create` / `<model>.update` for the audited save of a registry record (services.audited_save,
  the admin).
Apps name the API views and registries they know; the resolvers here name the rest, so that a new
flow, API view or admin page never shows a code.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.flows.engine import Flow, all_flows

from .labels import (
    Action,
    Label,
    lazy_capfirst,
    lazy_format,
    model_action_labels,
    register_action_resolver,
    register_action_source,
    register_actions,
)

API_PREFIX = "api."

register_actions("audit", {"api.audit.list": lazy_format(_("API: %(what)s"), what=_("Audit log"))})


@register_action_source
def flow_transitions() -> Iterator[Action]:
    """Each transition of each declared flow, grouped under the app that declared the flow."""
    for flow in all_flows():
        app = _declaring_app(flow)
        for t in flow.transitions:
            label = lazy_format(_("%(record)s: %(step)s"), record=lazy_capfirst(flow.noun), step=t.label)
            yield Action(verb=f"{flow.verb_prefix}.{t.name}", label=label, app=app)


def _declaring_app(flow: Flow) -> str:
    config = apps.get_containing_app_config(getattr(flow.sides_of, "__module__", "") or "")
    return config.label if config is not None else "flows"


@register_action_resolver
def api_request(verb: str) -> Label | None:
    """A refused request to an API view that no app named (its audit name is its class name)."""
    return _("API request") if verb.startswith(API_PREFIX) else None


@register_action_resolver
def audited_save(verb: str) -> Label | None:
    """`region.update` for any model saved through audited_save: "Change: region"."""
    name, _dot, step = verb.partition(".")
    model = _models_by_name().get(name)
    if model is None or step not in ("create", "update"):
        return None
    return model_action_labels(model, [step])[verb]


@functools.cache
def _models_by_name() -> dict[str, type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        found.setdefault(model._meta.model_name or "", model)
    return found
