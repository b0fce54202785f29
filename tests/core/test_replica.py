"""The replica router: record reads of the marked views go to the replica; who may see what, the
audit log, reads inside a transaction and every write stay on the primary.

The cluster's tests (tests/cluster) show the same against a real streaming replica."""

from __future__ import annotations

import pytest
from django.db import transaction

from lianfang.command.views import figure_rows, figures
from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.cases.models import Case
from lianfang.core.figures.api import FigureListView, FigureRowsView
from lianfang.core.figures.models import DailyFigure
from lianfang.core.regions.models import Membership
from lianfang.core.replica import ReplicaRouter, reads_from, replica_reads, replica_reads_here
from lianfang.markets.models import Inspection


def test_it_reads_records_from_the_primary_outside_the_marked_views() -> None:
    assert reads_from(Case) == "default" and reads_from(DailyFigure) == "default"


def test_it_reads_the_records_a_figure_counts_from_the_replica_inside_a_marked_view() -> None:
    with replica_reads_here():
        assert [reads_from(m) for m in (Case, Inspection, DailyFigure)] == ["replica"] * 3


def test_it_keeps_who_may_see_what_and_the_audit_log_on_the_primary_even_there() -> None:
    with replica_reads_here():
        assert [reads_from(m) for m in (User, Membership, AuditEvent)] == ["default"] * 3


@pytest.mark.django_db
def test_it_reads_from_the_primary_inside_a_transaction_which_must_see_its_own_writes() -> None:
    with replica_reads_here(), transaction.atomic():
        assert reads_from(Case) == "default"


def test_it_writes_to_the_primary_always_and_migrates_only_the_primary() -> None:
    router = ReplicaRouter()
    with replica_reads_here():
        assert router.db_for_write(Case) == "default"
    assert router.allow_migrate("default", "cases") and not router.allow_migrate("replica", "cases")


def test_the_figures_views_are_the_ones_marked() -> None:
    @replica_reads
    def probe() -> str:
        return reads_from(Case)

    assert probe() == "replica" and reads_from(Case) == "default"
    assert all(_marked(view) for view in (figures, figure_rows, FigureListView.get, FigureRowsView.get))


def _marked(view: object) -> bool:
    """Somewhere in its stack of decorators (login_required wraps it too) is replica_reads."""
    while view is not None:
        if getattr(view, "reads_from_replica", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False
