"""Writing audit rows, sealing them into a chain, and verifying the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from lianfang.core.accounts.actors import Actor, acting_user
from lianfang.core.job_locks import hold_job_lock

from .context import current
from .models import AuditEvent, AuditSeal, Outcome
from .rows import write_row
from .selectors import SEAL_GRACE, sealing_lag

if TYPE_CHECKING:
    from lianfang.core.accounts.models import User

log = logging.getLogger("lianfang.audit")

GENESIS = "0" * 64
# SEAL_GRACE (selectors.py): a row left unsealed for longer than this was not written by the
# application's normal path.


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a record for before/after. Models may mask fields with
    `audit_masked_fields = {"field": callable}` so that no personal data lands in the log in full,
    and leave fields out with `audit_hidden_fields` (what a record's own history must not show to
    those who may read it; the service writes it to the log in another row)."""
    masks: dict[str, Any] = getattr(instance, "audit_masked_fields", {})
    hidden: frozenset[str] = getattr(instance, "audit_hidden_fields", frozenset())
    result: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in {"password"} or f.name in hidden or (fields is not None and f.name not in fields):
            continue
        value = getattr(instance, f.attname)
        if f.name in masks and value not in (None, ""):
            value = masks[f.name](value)
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        result[f.attname] = value
    return result


def _target_fields(target: models.Model | None) -> dict[str, Any]:
    if target is None:
        return {}
    region_code = ""
    region = getattr(target, "region", None)
    if region is not None and hasattr(region, "code"):
        region_code = region.code
    elif hasattr(target, "code") and target._meta.model_name == "region":
        region_code = target.code
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_repr": str(target)[:200],
        "region_code": region_code,
    }


def _membership_used(user: User | None) -> int | None:
    if user is None:
        return None
    from lianfang.core.regions.scoping import scope_for

    grants = scope_for(user).grants
    return grants[0].membership_id if grants else None


def _event_fields(
    *,
    actor: Actor | None,
    verb: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = Outcome.OK,
    detail: str = "",
    region_code: str | None = None,
    actor_name: str | None = None,
) -> dict[str, Any]:
    return _with_details(
        _actor_fields(actor, actor_name),
        verb=verb,
        target=target,
        before=before,
        after=after,
        outcome=outcome,
        detail=detail,
        region_code=region_code,
    )


def _actor_fields(actor: Actor | None, actor_name: str | None = None) -> dict[str, Any]:
    """Who acted, through which membership, from which address, and when."""
    ctx = current()
    real_actor = acting_user(actor)
    return {
        "at": timezone.now(),
        "actor_id": real_actor.pk if real_actor else None,
        "actor_name": (actor_name or (real_actor.get_username() if real_actor else getattr(actor, "audit_name", "")))[
            :150
        ],
        "membership_id": (ctx.membership_id if ctx else None) or _membership_used(real_actor),
        "ip": ctx.ip if ctx else None,
    }


def _with_details(
    who: dict[str, Any],
    *,
    verb: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = Outcome.OK,
    detail: str = "",
    region_code: str | None = None,
) -> dict[str, Any]:
    fields = {
        **who,
        "verb": verb,
        "before": before,
        "after": after,
        "outcome": outcome,
        "detail": detail[:500],
        **_target_fields(target),
    }
    if region_code is not None:
        fields["region_code"] = region_code
    # Request paths and user names come from outside; PostgreSQL text cannot hold NUL characters.
    return {k: v.replace("\x00", "\ufffd") if isinstance(v, str) else v for k, v in fields.items()}


class EventDetails(TypedDict, total=False):
    """What an audit row may say besides who did what: the target, the change, the outcome."""

    target: models.Model | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    outcome: str
    detail: str
    region_code: str | None
    actor_name: str | None


def audit_record(*, actor: Actor | None, verb: str, **details: Unpack[EventDetails]) -> None:
    """Record a write. Call it inside the service's transaction: the row commits with the change."""
    write_row(_event_fields(actor=actor, verb=verb, **details))


def audit_rows(*, actor: Actor, verb: str, events: Iterable[EventDetails]) -> Iterator[dict[str, Any]]:
    """The fields audit_record would write, for each of many events of one verb by one actor.

    For services that write many records at once (a ledger import creating thousands of people)
    and insert their audit rows in bulk: who acted, from where and when is worked out once rather
    than once per row. Insert every row in the same transaction as the records it describes.
    """
    who = _actor_fields(actor)
    for details in events:
        yield _with_details(
            who,
            verb=verb,
            target=details.get("target"),
            before=details.get("before"),
            after=details.get("after"),
            outcome=details.get("outcome", Outcome.OK),
            detail=details.get("detail", ""),
            region_code=details.get("region_code"),
        )


def audit_record_refusal(*, actor: Actor | None, verb: str, **details: Unpack[EventDetails]) -> None:
    """Record a denial (the default outcome) or a failure so that it survives the rollback of the
    request that caused it.

    Inside a transaction the row waits in the request's audit context and is written once the
    transaction is over; outside one (or without a context) it is written at once.
    """
    details.setdefault("outcome", Outcome.DENIED)
    fields = _event_fields(actor=actor, verb=verb, **details)
    ctx = current()
    if ctx is not None and connection.in_atomic_block:
        ctx.pending.append(fields)
    else:
        write_row(fields)


def canonical(event: AuditEvent) -> bytes:
    """The exact bytes that a seal covers. Changing any stored column changes them."""
    data = {
        "id": event.pk,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "membership_id": event.membership_id,
        "ip": event.ip,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "region_code": event.region_code,
        "before": event.before,
        "after": event.after,
        "outcome": event.outcome,
        "detail": event.detail,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _chain(previous: str, event: AuditEvent, sealed_at: dt.datetime) -> str:
    stamp = sealed_at.astimezone(dt.UTC).isoformat(timespec="microseconds").encode()
    message = previous.encode() + b"\n" + stamp + b"\n" + canonical(event)
    return hmac.new(settings.AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


def _checkpoint_mac(seq: int, digest: str) -> str:
    return hmac.new(settings.AUDIT_KEY.encode(), f"checkpoint:{seq}:{digest}".encode(), hashlib.sha256).hexdigest()


def audit_seal_pending(*, batch: int = 5000) -> int:
    """The sequencer: chain every committed, unsealed row in id order. Returns how many it sealed.

    One sequencer at a time (core/job_locks.py). A checkpoint line is appended outside the database afterwards.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            hold_job_lock("audit.seal")
            last = AuditSeal.objects.order_by("-seq").first()
            seq, previous = (last.seq, last.digest) if last else (0, GENESIS)
            unsealed = AuditEvent.objects.filter(seal__isnull=True)
            if last is not None:
                # A row much older than the newest seal did not come through the application's
                # normal path: leave it unsealed, and audit_verify reports it.
                unsealed = unsealed.filter(at__gte=last.sealed_at - SEAL_GRACE)
            events = list(unsealed.order_by("id")[:batch])
            seals = []
            now = timezone.now()
            for event in events:
                seq += 1
                previous = _chain(previous, event, now)
                seals.append(AuditSeal(seq=seq, event=event, digest=previous, sealed_at=now))
            AuditSeal.objects.bulk_create(seals)
        if seals:
            _append_checkpoint(seq, previous)
        sealed += len(seals)
        if len(events) < batch:
            return sealed


def _append_checkpoint(seq: int, digest: str) -> None:
    path = settings.AUDIT_CHECKPOINT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="ascii") as fh:
        fh.write(f"{seq} {digest} {_checkpoint_mac(seq, digest)}\n")


def _last_checkpoint(problems: list[str]) -> tuple[int, str] | None:
    path = settings.AUDIT_CHECKPOINT_FILE
    if not path.exists():
        return None
    last: tuple[int, str] | None = None
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), start=1):
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit():
            problems.append(f"checkpoint line {number} is malformed")
            continue
        seq, digest, mac = int(parts[0]), parts[1], parts[2]
        if not hmac.compare_digest(mac, _checkpoint_mac(seq, digest)):
            problems.append(f"checkpoint line {number} has a bad signature")
            continue
        last = (seq, digest)
    return last


@dataclass
class VerifyReport:
    checked: int = 0
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify() -> VerifyReport:
    """Walk the whole chain and report every edited, inserted or deleted row."""
    report = VerifyReport()
    previous = GENESIS
    expected_seq = 1
    digests: dict[int, str] = {}
    # Each batch of seals shares one sealed_at; its events must be no older than the batch before
    # it (less the grace), because the sequencer seals only such rows.
    floor: dt.datetime | None = None
    batch: dt.datetime | None = None
    seals = AuditSeal.objects.order_by("seq").iterator(chunk_size=2000)
    events = {e.pk: e for e in AuditEvent.objects.filter(seal__isnull=False).iterator(chunk_size=2000)}
    for seal in seals:
        if seal.seq != expected_seq:
            report.problems.append(f"seals {expected_seq}..{seal.seq - 1} are missing (rows deleted)")
            expected_seq = seal.seq
        if seal.sealed_at != batch:
            floor, batch = batch, seal.sealed_at
        event = events.get(seal.event_id)
        if event is None:
            report.problems.append(f"event {seal.event_id} (seal {seal.seq}) was deleted")
        elif not hmac.compare_digest(_chain(previous, event, seal.sealed_at), seal.digest):
            report.problems.append(f"event {seal.event_id} (seal {seal.seq}) was altered or its seal forged")
        elif floor is not None and event.at < floor - SEAL_GRACE:
            report.problems.append(
                f"event {event.pk} (seal {seal.seq}) predates the chain it was sealed into (row inserted)"
            )
        previous = seal.digest
        digests[seal.seq] = seal.digest
        report.checked += 1
        expected_seq += 1
    checkpoint = _last_checkpoint(report.problems)
    if checkpoint is None:
        if report.checked:
            report.problems.append("seals exist but no checkpoint does (the checkpoint file was removed or emptied)")
    else:
        seq, digest = checkpoint
        if seq not in digests:
            report.problems.append(
                f"the chain ends at seal {expected_seq - 1}, but seal {seq} was checkpointed (newest rows deleted)"
            )
        elif digests[seq] != digest:
            report.problems.append(f"seal {seq} differs from its checkpoint")
    report.unsealed = AuditEvent.objects.filter(seal__isnull=True).count()
    newest = AuditSeal.objects.order_by("-seq").first()
    stale = 0
    if newest is not None:
        stale = AuditEvent.objects.filter(seal__isnull=True, at__lt=newest.sealed_at - SEAL_GRACE).count()
    if stale:
        report.problems.append(f"{stale} events are older than the sealing interval but unsealed (rows inserted)")
    lag = sealing_lag()
    if lag.overdue:
        report.problems.append(
            f"{lag.overdue} events have waited more than {settings.AUDIT_SEAL_MAX_LAG} s to be sealed, so nothing "
            "protects them yet: is the sequencer (`lianfang run_huey`) running?"
        )
    return report


def audited_save(*, actor: Actor, instance: models.Model, verb: str | None = None) -> models.Model:
    """Validate and save a record, recording before and after in the same transaction.

    The shared write path for registry records whose services add no rule of their own.
    """
    with transaction.atomic():
        instance.full_clean()
        before = None
        if instance.pk is not None:
            old = type(instance)._default_manager.filter(pk=instance.pk).first()
            before = snapshot(old) if old is not None else None
        name = instance._meta.model_name
        instance.save()
        audit_record(
            actor=actor,
            verb=verb or (f"{name}.update" if before is not None else f"{name}.create"),
            target=instance,
            before=before,
            after=snapshot(instance),
        )
    return instance
