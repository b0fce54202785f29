"""The cluster's tests run against a cluster that `deploy/cluster up` started (docs/deploy.md,
"A cluster on one machine", which CI runs): LIANFANG_CLUSTER names its folder. Without it, the
root conftest leaves this folder out of the run and says so in one line.

They run one at a time (no -n): the fault tests kill and restart the cluster's servers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cluster.site import Browser, Database
from tools.cluster import Layout, load_layout, status


@pytest.fixture(scope="session")
def cluster() -> Layout:
    home = Path(os.environ["LIANFANG_CLUSTER"])
    if not (home / "cluster.json").exists():
        raise pytest.UsageError(f"No cluster in {home}: run `deploy/cluster up` first.")
    return load_layout(home)


@pytest.fixture(autouse=True)
def _every_part_up(cluster: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with every part of the cluster up (a fault test brings back what it broke)."""
    monkeypatch.setenv("LIANFANG_CLUSTER_DIR", cluster.home)
    assert status() == 0, "a part of the cluster is down before the test"


@pytest.fixture
def primary(cluster: Layout) -> Database:
    return Database(cluster)


@pytest.fixture
def replica(cluster: Layout) -> Database:
    return Database(cluster, replica=True)


@pytest.fixture
def browser(cluster: Layout) -> Browser:
    return Browser(cluster)


@pytest.fixture(scope="session")
def token_for(cluster: Layout) -> Iterator[Callable[[str], str]]:
    """One API token per account for the whole run, issued through app server 1 and revoked at
    the end (knox gives an account at most five)."""
    issued: dict[str, Browser] = {}

    def token(username: str) -> str:
        if username not in issued:
            issued[username] = Browser(cluster, server=1).sign_in(username).take_token()
        return issued[username].token

    yield token
    for browser in issued.values():
        browser.post("/api/v1/auth/token/revoke/")
