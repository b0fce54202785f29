"""One runner at a time for the periodic jobs that every huey consumer schedules.

Each consumer of a cluster runs the periodic tasks, so that losing one consumer stops none of
them; two may then start the same job together. A job that must not run twice at once takes its
lock inside its transaction: on PostgreSQL a transaction-level advisory lock, released at commit
or rollback (also when the process is killed); on SQLite the IMMEDIATE transaction already lets
one writer in at a time.
"""

from __future__ import annotations

from django.db import connection, transaction

# One number per job, fixed: they name the lock in pg_locks.
JOBS = {"audit.seal": 7405001, "figures.roll_up": 7405002, "retention": 7405003}


def hold_job_lock(job: str) -> None:
    """Wait for, then hold, the job's lock until the current transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("hold_job_lock needs a transaction: the lock lasts until it ends.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [JOBS[job]])
