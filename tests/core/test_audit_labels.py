"""The audit log's labels: every action the code writes has one, and so does every record type
and system actor. A new verb without a label fails here."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from django.utils.functional import Promise

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.admin_site import admin_site
from lianfang.core.audit import labels
from lianfang.core.audit.models import AuditEvent
from lianfang.core.audit.services import audit_record
from lianfang.core.cases.models import EventKind
from lianfang.core.flows.engine import all_flows
from lianfang.volunteers.models import CheckKind
from tests.world import World

SOURCE = Path(__file__).resolve().parents[2] / "lianfang"
VERB = re.compile(r"^[a-z_]+\.[a-z_\-]+(\.[a-z_]+)?$")
# The modules that declare labels name verbs without writing them.
DECLARING = {"audit_labels.py", "handover_labels.py", "labels.py"}


def _python_files() -> Iterator[Path]:
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts and path.name not in DECLARING:
            yield path


def _template_prefix(node: ast.JoinedStr) -> str:
    """f"case.{name}" -> "case." (the literal text before the first value)."""
    prefix = ""
    for part in node.values:
        if isinstance(part, ast.Constant):
            prefix += str(part.value)
        else:
            break
    return prefix


def _collect(expression: ast.expr, literals: set[str], prefixes: set[str]) -> None:
    """The verbs an expression may give: its strings, and the templates' literal prefixes, through
    conditionals (`verb or (f"{name}.update" if ... else f"{name}.create")` gives two templates)."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        literals.add(expression.value)
    elif isinstance(expression, ast.JoinedStr):
        prefixes.add(_template_prefix(expression))
    elif isinstance(expression, ast.IfExp):
        _collect(expression.body, literals, prefixes)
        _collect(expression.orelse, literals, prefixes)
    elif isinstance(expression, ast.BoolOp):
        for value in expression.values:
            _collect(value, literals, prefixes)


def _written_verbs() -> tuple[set[str], set[str]]:
    """The verbs the code writes as literals, and the prefixes of those it builds at run time.

    A literal counts when it is passed as `verb=` or assigned to `verb`, or when it is passed
    positionally, has a verb's shape and its noun is one of those (helpers such as
    `_refuse(actor, "case.edit", ...)` take the verb positionally).
    """
    literals: set[str] = set()
    prefixes: set[str] = set()
    shaped: set[str] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "verb":
                _collect(node.value, literals, prefixes)
            elif isinstance(node, ast.Call):
                shaped |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "verb" for t in node.targets):
                _collect(node.value, literals, prefixes)
    nouns = {verb.split(".")[0] for verb in literals} | {p.rstrip(".") for p in prefixes if p}
    literals |= {verb for verb in shaped if VERB.match(verb) and verb.split(".")[0] in nouns}
    return literals, prefixes


def _api_audit_names() -> set[str]:
    """What core/api/errors.py writes for a refused request to each API view: api.<audit name>."""

    def walk(patterns: list[Any]) -> Iterator[Any]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern.callback

    names = set()
    for callback in walk(get_resolver().url_patterns):
        view = getattr(callback, "cls", None)
        if view is not None and view.__module__.startswith("lianfang."):
            names.add(f"api.{getattr(view, 'audit_name', view.__name__)}")
    return names


def _flow_verbs() -> set[str]:
    """What core/flows writes for a transition: f"{flow.verb_prefix}.{transition.name}"."""
    return {verb for flow in all_flows() for verb in flow.verbs()}


def _built_verbs(prefix: str) -> set[str]:
    """The verbs a run-time template can make, from the tables its values come from."""
    if prefix == "case.":  # the reminder ladder: f"case.{event kind}"
        return {f"case.{kind}" for kind in (EventKind.REMINDED, EventKind.ESCALATED)}
    if prefix == "volunteer_shift.":
        return {f"volunteer_shift.{kind}" for kind in CheckKind.values}
    if prefix == "api.":
        return _api_audit_names()
    if prefix == "":
        # A flow's transitions, and the audited save's f"{model_name}.create" / ".update" of the
        # registries and the admin's models.
        saved = {m._meta.model_name for m in admin_site._registry} | {"region", "department", "membership"}
        return _flow_verbs() | {f"{name}.{step}" for name in saved for step in ("create", "update")}
    raise AssertionError(f"a verb is built at run time from f'{prefix}{{...}}': teach _built_verbs its values")


def test_every_action_the_code_writes_has_a_label() -> None:
    literals, prefixes = _written_verbs()
    assert {"case.report", "auth.login", "page.denied", "person.reveal", "file.store"} <= literals
    assert {"", "case.", "api."} <= prefixes
    written = literals | {verb for prefix in prefixes for verb in _built_verbs(prefix)}
    unnamed = sorted(verb for verb in written if not labels.is_named(verb))
    assert not unnamed, f"actions without a label (declare them in the app's audit_labels.py): {unnamed}"


def test_the_known_api_views_and_transitions_have_labels_of_their_own() -> None:
    # Not only the fallbacks ("API request"): each view and each step is named.
    assert {"case.accept", "case.verify", "volunteer_task.finish"} <= _flow_verbs()
    for verb in _api_audit_names() | _flow_verbs() | _built_verbs("case."):
        assert verb in labels.known_actions(), verb


@pytest.mark.django_db
def test_every_action_written_while_loading_the_demo_has_a_label() -> None:
    from lianfang.core.demo.loading import load_demo

    load_demo()
    written = set(AuditEvent.objects.values_list("verb", flat=True).distinct())
    assert len(written) > 20
    assert not sorted(v for v in written if v not in labels.known_actions())


def test_each_declared_label_is_translated_rather_than_typed_in_one_language() -> None:
    catalogue = labels._catalogue()
    for verb in labels.known_actions():
        assert isinstance(catalogue[verb].label, Promise), verb


def test_an_action_nobody_declared_still_reads_as_words_not_its_code() -> None:
    with translation.override("en"):
        assert labels.action_label("nobody.knows") == "Other action"
        assert labels.action_label("api.SomeNewView") == "API request"
        assert labels.action_label("region.update") == "Change: region"


def test_two_apps_cannot_claim_one_action() -> None:
    saved = dict(labels._ACTIONS)
    try:
        labels.register_actions("volunteers", {"test.step": "its own"})
        assert labels.action_label("test.step") == "its own"
        with pytest.raises(ValueError, match="declared twice"):
            labels.register_actions("units", {"test.step": "a rival"})
    finally:
        labels._ACTIONS.clear()
        labels._ACTIONS.update(saved)


def test_the_flow_engine_may_register_transition_actions_from_anywhere() -> None:
    saved = dict(labels._ACTIONS)
    try:
        labels.register_actions("cases", {"case.suspend": "Case: suspend"})
        assert labels.action_label("case.suspend") == "Case: suspend"
        assert "case.suspend" in dict(dict(labels.action_groups())[str(apps.get_app_config("cases").verbose_name)])
    finally:
        labels._ACTIONS.clear()
        labels._ACTIONS.update(saved)


def test_each_record_type_has_a_translated_name() -> None:
    types = dict(labels.record_types())
    assert {"cases.case", "people.person", "accounts.user", "otp_totp.totpdevice", "knox.authtoken"} <= set(types)
    for key in types:
        own = labels._RECORD_TYPES[key]
        name = own if own is not None else apps.get_model(key)._meta.verbose_name
        assert isinstance(name, Promise), key
    with translation.override("en"):
        assert labels.record_type_label("otp_totp.totpdevice") == "authenticator app"
        assert labels.record_type_label("accounts.recoverycodedevice") == "recovery code set"
        assert labels.record_type_label("gone.model") == "Other record"


def test_each_console_actor_of_the_code_has_a_label() -> None:
    names = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "SystemActor":
                names.add(f"system:{node.args[0].value}")  # type: ignore[attr-defined]
    assert {"system:demo", "system:import"} <= names
    with translation.override("en"):
        for name in names | {"reminders"}:
            assert name in labels._SYSTEM_ACTORS, name
        assert labels.system_actor_label("system:demo") == "System (demo data)"
        assert labels.system_actor_label("system:unheard_of") == "System (the console)"
        assert labels.system_actor_label("zhangsan") is None


@pytest.mark.django_db
def test_a_row_reads_with_its_actors_name_and_labels(world: World) -> None:
    world["commander"].full_name = "赵指挥"
    world["commander"].save()
    audit_record(actor=world["commander"], verb="auth.second_factor", target=world["commander"], detail="TOTPDevice")
    audit_record(actor=SystemActor("demo"), verb="region.create", target=world.jiyuan)
    audit_record(actor=None, verb="auth.login", actor_name="zhangsan", outcome="failed")
    with translation.override("en"):
        second, demo, failed = AuditEvent.objects.select_related("actor").order_by("id")
        assert (second.actor_label, second.verb_label) == ("赵指挥", "Second-factor check")
        assert second.target_type_label == "user"
        assert second.detail_label == "authenticator app"
        assert (demo.actor_label, demo.verb_label) == ("System (demo data)", "Create: region")
        assert (failed.actor_label, failed.verb_label) == ("zhangsan (not signed in)", "Sign in")


def test_a_detail_shows_its_fixed_phrase_in_the_readers_language() -> None:
    with translation.override("en"):
        assert labels.detail_text("API tokens revoked: 3") == "API tokens revoked: 3"
        assert labels.detail_text("document: 核查身份") == "document number: 核查身份"
        assert labels.detail_text("a note someone typed") == "a note someone typed"
