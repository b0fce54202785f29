"""Production settings: a missing secret stops the start; `lianfang check --deploy` is clean."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "LIANFANG_DATA_KEY",
            "LIANFANG_AUDIT_KEY",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "HUEY_IMMEDIATE",
        }
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lianfang.settings",
            "LIANFANG_ENV_FILE": str(tmp_path / "none.env"),
            "LIANFANG_VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": secrets.token_urlsafe(64),
            "LIANFANG_DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            "LIANFANG_AUDIT_KEY": secrets.token_urlsafe(32),
            "ALLOWED_HOSTS": "lianfang.example.gov.cn",
        }
    )
    env.update(overrides)
    return env


def _lianfang(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianfang", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_with_production_settings_exits_clean(tmp_path: Path) -> None:
    result = _lianfang(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", ["SECRET_KEY", "LIANFANG_DATA_KEY", "LIANFANG_AUDIT_KEY", "ALLOWED_HOSTS"])
def test_a_missing_production_secret_is_a_clear_start_up_error(tmp_path: Path, name: str) -> None:
    env = _production_env(tmp_path)
    del env[name]
    result = _lianfang(env, "check")
    assert result.returncode != 0
    assert f"{name} is not set" in result.stderr


def test_the_env_example_documents_every_variable_the_settings_read() -> None:
    settings_text = (ROOT / "lianfang" / "settings.py").read_text()
    documented = (ROOT / ".env.example").read_text()
    import re

    read = set(re.findall(r'(?:environ\.get|env_bool|env_list|env_retention|secret)\(\s*"([A-Z_]+)"', settings_text))
    assert read, "the settings read no variables?"
    missing = sorted(name for name in read if name not in documented)
    assert not missing, f".env.example does not document {missing}"


def test_a_query_with_a_nul_character_is_a_bad_request_after_authentication(client: Any, db: Any) -> None:
    from tests.world import build_world

    world = build_world()
    assert client.get("/api/v1/units/?q=%00abc").status_code == 401  # who asks comes first
    client.force_login(world["jiyuan"])
    answer = client.get("/api/v1/units/?q=%00abc")
    assert answer.status_code == 400
    assert answer.json()["fields"]["query"] == ["地址中含有不允许的字符。"]
    page = client.get("/registry/units/?q=a%00")
    assert page.status_code == 400 and page.content.decode() == "地址中含有不允许的字符。"


def test_the_icon_browsers_ask_for_on_pages_that_name_none_is_found() -> None:
    from django.test import Client

    answer = Client().get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"].endswith("favicon.svg")
