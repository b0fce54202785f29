"""How the audit log reads: the labels of its actions, record types, system actors and details.

A row stores codes (`case.accept`, `cases.case`, `system:demo`) so that it never changes once
written; people read labels. Each app declares the labels of what it writes in its own
`audit_labels.py`, found at start-up like `figures.py`:

    register_actions("units", {"unit.create": _("Create an organisation record"), ...})
    register_record_types(Unit)
    register_system_actor("system:import", _("ledger import from the console"))
    register_details({"no writing role": _("no role that may write")})

Actions built at run time come from declared tables: a source (`register_action_source`) reads
such a table whenever the log is read (the flows' transitions, core/flows), and a resolver
(`register_action_resolver`) names any other action nobody registered (an API view's audit
name). An action nobody can name still reads as Chinese ("其他操作"), never as its code; a test
requires a label for every action the code writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

Label = Promise | str
ActionResolver = Callable[[str], Label | None]

SYSTEM_PREFIX = "system:"


@dataclass(frozen=True)
class Action:
    verb: str
    label: Label
    app: str  # the app label whose verbose name groups the action in the log's filter


ActionSource = Callable[[], Iterable[Action]]

_ACTIONS: dict[str, Action] = {}
_SOURCES: list[ActionSource] = []
_RESOLVERS: list[ActionResolver] = []
_RECORD_TYPES: dict[str, Label | None] = {}  # model label -> its label (None: the model's verbose name)
_SYSTEM_ACTORS: dict[str, Label] = {}
_DETAILS: dict[str, Label] = {}


def lazy_format(template: Label, **values: Any) -> Promise:
    """`template % values`, translated when read: for labels built from other labels."""

    def render() -> str:
        return str(template) % {k: str(v) for k, v in values.items()}

    return cast(Promise, lazy(render, str)())


def lazy_capfirst(label: Label) -> Promise:
    """The label with its first letter capitalised ("case" -> "Case"), translated when read."""
    return cast(Promise, lazy(lambda: capfirst(str(label)), str)())


# Declaring ---------------------------------------------------------------------------------------


def register_actions(app: str, labels: Mapping[str, Label]) -> None:
    """Name the actions that `app` writes (verb -> label). Two apps declaring the same verb is a
    mistake, and is refused."""
    for verb, label in labels.items():
        known = _ACTIONS.get(verb)
        if known is not None and known.app != app:
            raise ValueError(f"audit action {verb} is declared twice, by {known.app} and by {app}")
        _ACTIONS[verb] = Action(verb=verb, label=label, app=app)


def register_action_source(source: ActionSource) -> ActionSource:
    """A function that lists actions from a table declared elsewhere, read each time the log is
    read (so it sees what was declared after it). Its actions count as declared by their app; an
    app's own label for the same action wins."""
    _SOURCES.append(source)
    return source


def register_action_resolver(resolve: ActionResolver) -> ActionResolver:
    """A function that names actions nobody registered (or says None); asked in registration order."""
    _RESOLVERS.append(resolve)
    return resolve


def register_record_types(*models_or_labels: type[models.Model] | str) -> None:
    """Models that audit rows are about: offered in the log's record type filter, shown by their
    verbose name. A label ("volunteers.shift") may stand for a model of an app not imported here."""
    for model in models_or_labels:
        key = model if isinstance(model, str) else model._meta.label_lower
        _RECORD_TYPES.setdefault(key, None)


def register_record_type(model_label: str, label: Label) -> None:
    """A record type with a label of its own: for other projects' models whose verbose names are
    not translated (django-otp's TOTP device, knox's token)."""
    _RECORD_TYPES[model_label] = label


def register_system_actor(actor_name: str, label: Label) -> None:
    """What a stored actor name without an account means (`system:demo`, a scheduled job)."""
    _SYSTEM_ACTORS[actor_name] = label


def register_details(phrases: Mapping[str, Label]) -> None:
    """Fixed phrases that services store as a row's detail ("wrong code"), and their labels. A
    detail "phrase: more" shows the phrase's label followed by the rest as it was stored."""
    _DETAILS.update(phrases)


# Reading ---------------------------------------------------------------------------------------


def _catalogue() -> dict[str, Action]:
    """Every declared action: those registered, and those of the sources where no app registered
    its own."""
    found = dict(_ACTIONS)
    for source in _SOURCES:
        for action in source():
            found.setdefault(action.verb, action)
    return found


def _declared(verb: str) -> Action | None:
    """The one action _catalogue() would give for `verb`, without building the whole catalogue."""
    own = _ACTIONS.get(verb)
    if own is not None:
        return own
    for source in _SOURCES:
        for action in source():
            if action.verb == verb:
                return action
    return None


def action_label(verb: str) -> str:
    """The action in the reader's language; never the code."""
    action = _declared(verb)
    if action is not None:
        return str(action.label)
    for resolve in _RESOLVERS:
        label = resolve(verb)
        if label is not None:
            return str(label)
    return gettext("Other action")


def is_named(verb: str) -> bool:
    """Whether the action has a label of its own (rather than "other action")."""
    return _declared(verb) is not None or any(resolve(verb) is not None for resolve in _RESOLVERS)


def known_actions() -> frozenset[str]:
    return frozenset(_catalogue())


def action_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The declared actions for a filter: (app's name, [(verb, label), ...]) in the order of the
    installed apps, each group sorted by label."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in _catalogue().values():
        groups.setdefault(action.app, []).append((action.verb, str(action.label)))
    order = {config.label: n for n, config in enumerate(apps.get_app_configs())}
    result = []
    for app in sorted(groups, key=lambda a: order.get(a, len(order))):
        name = str(apps.get_app_config(app).verbose_name) if app in order else app
        result.append((name, sorted(groups[app], key=lambda choice: choice[1])))
    return result


def record_type_label(target_type: str) -> str:
    """`cases.case` as the reader calls a case; an unknown type as "record"."""
    label = _RECORD_TYPES.get(target_type)
    if label is not None:
        return str(label)
    if not target_type:
        return ""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return gettext("Other record")


def record_types() -> list[tuple[str, str]]:
    """The declared record types of the installed apps, as (model label, label), by label."""
    return sorted(((key, record_type_label(key)) for key in _RECORD_TYPES if _installed(key)), key=lambda c: c[1])


def _installed(model_label: str) -> bool:
    try:
        apps.get_model(model_label)
    except (LookupError, ValueError):
        return False
    return True


def system_actor_label(actor_name: str) -> str | None:
    """ "System (demo data)" for a console or job actor; None for any other stored name."""
    label = _SYSTEM_ACTORS.get(actor_name)
    if label is None and actor_name.startswith(SYSTEM_PREFIX):
        label = _("the console")
    if label is None:
        return None
    return gettext("System (%(what)s)") % {"what": label}


def shown_actor(actor_name: str) -> str:
    """A stored actor name as a timeline shows it: a person's name as it is, the system's as words."""
    return system_actor_label(actor_name) or actor_name


def system_actors_matching(text: str) -> list[str]:
    """Stored names of the registered system actors whose name or label ("System (demo data)")
    contains `text`."""
    needle = text.casefold()
    return [
        name
        for name in _SYSTEM_ACTORS
        if needle in name.casefold() or needle in (system_actor_label(name) or "").casefold()
    ]


def detail_text(detail: str) -> str:
    """A stored detail with its fixed phrase (if any) in the reader's language."""
    label = _DETAILS.get(detail)
    if label is not None:
        return str(label)
    phrase, colon, rest = detail.partition(": ")
    if colon and phrase in _DETAILS:
        return gettext("%(phrase)s: %(rest)s") % {"phrase": _DETAILS[phrase], "rest": rest}
    return detail


def model_action_labels(model: type[models.Model], verbs: Iterable[str]) -> dict[str, Label]:
    """Labels for `<model_name>.create` and `.update`, the verbs of the audited save, from the
    model's verbose name ("Create: region")."""
    templates: dict[str, Label] = {"create": _("Create: %(record)s"), "update": _("Change: %(record)s")}
    name = model._meta.model_name
    return {f"{name}.{verb}": lazy_format(templates[verb], record=model._meta.verbose_name) for verb in verbs}
