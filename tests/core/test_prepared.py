"""PreparedInsert (lianfang.core.prepared): the hot paths' INSERT, built once per model, run as
every other statement is run, through Django's cursor.

The tests that matter here watch nothing: DEBUG off, no query capture, no execute wrapper. That
is the path production takes, and a path that only a watched test takes proves nothing about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lianfang.core.accounts.models import User
from lianfang.core.notices.models import Notification
from lianfang.core.prepared import PreparedInsert
from tests.world import make_user

pytestmark = pytest.mark.django_db

insert_notification = PreparedInsert(Notification)


def _notification(user: User, key: str) -> Notification:
    return Notification(user=user, key=key, title="核酸检测通知", created_at=timezone.now())


def _unwatched(settings: Any) -> None:
    settings.DEBUG = False
    # Nothing records or wraps the statements: what runs is what production runs.
    assert not connection.queries_logged
    assert not connection.execute_wrappers


@contextmanager
def _broken_transaction(user: User) -> Iterator[None]:
    """A transaction marked for rollback: a statement failed inside it and the error was caught
    without a savepoint, as a careless `except IntegrityError` inside atomic() leaves it."""
    Notification.objects.create(user=user, key="first", title="已有", created_at=timezone.now())
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            Notification.objects.create(user=user, key="first", title="重复", created_at=timezone.now())
        assert connection.needs_rollback
        yield


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda user: insert_notification(_notification(user, "prepared")), id="call"),
        pytest.param(
            lambda user: insert_notification.row(
                {"user_id": user.pk, "key": "prepared", "title": "核酸检测通知", "created_at": timezone.now()}
            ),
            id="row",
        ),
    ],
)
def test_a_prepared_insert_in_a_broken_transaction_raises(settings: Any, write: Callable[[User], object]) -> None:
    user = make_user("alice")
    _unwatched(settings)
    with _broken_transaction(user):
        with pytest.raises(TransactionManagementError):
            Notification.objects.create(user=user, key="orm", title="ORM", created_at=timezone.now())
        with pytest.raises(TransactionManagementError):
            write(user)
    assert not Notification.objects.filter(key__in=["orm", "prepared"]).exists()


def test_a_prepared_insert_writes_the_row_and_sets_its_key_when_nothing_watches(settings: Any) -> None:
    user = make_user("alice")
    _unwatched(settings)
    notification = _notification(user, "prepared")
    assert insert_notification(notification) is True
    insert_notification.row({"user_id": user.pk, "key": "row", "title": "行", "created_at": timezone.now()})
    stored = Notification.objects.get(pk=notification.pk)
    assert stored.key == "prepared" and not notification._state.adding
    assert Notification.objects.get(key="row").title == "行"


def test_a_prepared_insert_is_one_counted_statement_built_once_per_model() -> None:
    user = make_user("alice")
    insert = PreparedInsert(Notification)
    with CaptureQueriesContext(connection) as queries:
        insert(_notification(user, "one"))
        insert.row({"user_id": user.pk, "key": "two", "title": "二", "created_at": timezone.now()})
    assert len(queries) == 2
    assert all(q["sql"].startswith("INSERT INTO") for q in queries.captured_queries)
    assert list(insert._statements) == ["default"]  # the statement was built once, for both writes


def test_a_ledger_bulk_insert_in_a_broken_transaction_raises(settings: Any) -> None:
    # The ledger import's bulk write (an executemany on SQLite, a COPY on PostgreSQL) is held to
    # the same rule as the ORM and the prepared insert.
    from lianfang.core.ledgers.inserts import insert_rows

    user = make_user("alice")
    _unwatched(settings)
    with _broken_transaction(user), pytest.raises(TransactionManagementError):
        insert_rows(Notification, [{"user_id": user.pk, "key": "bulk", "title": "批量", "created_at": timezone.now()}])
    assert not Notification.objects.filter(key="bulk").exists()


def test_a_ledger_bulk_insert_is_counted_and_writes_every_row() -> None:
    from lianfang.core.ledgers.inserts import insert_rows

    user = make_user("alice")
    rows = [{"user_id": user.pk, "key": f"bulk-{n}", "title": "批量", "created_at": timezone.now()} for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Notification, rows)
    assert len(queries) == 1
    assert Notification.objects.filter(key__startswith="bulk-").count() == 3
