"""暖心服务: service orders, from a need found on a visit (one tap) or entered by staff, through
已申请 → 已派单 → 已送达 → 已确认 on core/flows (states.ORDER_FLOW).

- An order goes to a volunteer squad (its members take it) or to a person; a counselling order
  (心理疏导) only to a counsellor, and its content stays with the counsellor and the care lead.
- Delivery is marked with a photo; 代购 records the money advanced and its receipt.
- The resident confirms with a signature image or a photo. The visitor may confirm for them, but
  the one who delivered may not confirm their own delivery unless the resident cannot (with the
  reason why).
- A self-harm risk seen by the counsellor tells the care lead at once, and the referral is kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, acting_user
from lianfang.core.audit.services import audit_record, snapshot
from lianfang.core.files.services import file_store
from lianfang.core.people.models import Person
from lianfang.volunteers.models import Squad

from .flows import ORDER_FLOW
from .models import CareRoleKind, Household, Need, ServiceOrder
from .permissions import care_prefixes, is_lead_for, order_sides, works_in
from .rules import yuan
from .services import _date, _refuse, _tell_lead, _text, console_time, on_behalf
from .states import SERVICE_FOR_NEED, Confirmer, NeedKind, ServiceKind

MAX_ADVANCE = Decimal("100000")


def order_create(
    *,
    actor: Actor,
    household: Household,
    person: Person,
    kind: Any,
    detail: Any = "",
    due_on: Any = None,
    need: Need | None = None,
) -> ServiceOrder:
    """An order for a member of a household (已申请)."""
    errors: dict[str, list[str]] = {}
    if str(kind or "") not in ServiceKind.values:
        errors["kind"] = [_("Unknown value “%(value)s”.") % {"value": str(kind)[:40]}]
    if not household.members.filter(person=person).exists():
        errors["person"] = [_("This person is not a member of the household.")]
    try:
        due = _date(due_on, "due_on")
    except ValidationError as error:
        errors.update(error.message_dict)
        due = None
    if errors:
        raise ValidationError(errors)
    if not works_in(actor, household.region):
        raise _refuse(actor, "service_order.create", _("This household is outside your area."), target=household)
    with transaction.atomic():
        order = ServiceOrder.objects.create(
            kind=str(kind),
            household=household,
            person=person,
            need=need,
            detail=_text(detail, 2000),
            due_on=due,
            created_by=acting_user(actor),
        )
        audit_record(
            actor=actor,
            verb="service_order.create",
            target=order,
            after=snapshot(order, _public_fields(order)),
            region_code=household.region.code,
        )
    return order


def _public_fields(order: ServiceOrder) -> list[str]:
    """What an audit row keeps of an order: a counselling order's content stays out of the log."""
    fields = ["kind", "household", "person", "state", "due_on", "assigned_squad", "assigned_to"]
    return fields if order.is_private else [*fields, "detail"]


def need_to_order(*, actor: Actor, need: Need) -> ServiceOrder:
    """One tap: the service order a visit's need calls for, linked back to it."""
    if need.kind == NeedKind.RELIEF:
        raise ValidationError({"kind": [_("A relief need becomes a relief application.")]})
    if hasattr(need, "order"):
        return need.order
    household = need.visit.household
    person = need.person or _head(household)
    if person is None:
        raise ValidationError({"person": [_("The household has no member to serve.")]})
    with transaction.atomic():
        order = order_create(
            actor=actor,
            household=household,
            person=person,
            kind=SERVICE_FOR_NEED[NeedKind(need.kind)],
            detail=need.detail,
            due_on=need.follow_up_by,
            need=need,
        )
        if need.self_harm_risk:
            order.self_harm_risk = True
            order.save(update_fields=["self_harm_risk"])
    return order


def _head(household: Household) -> Person | None:
    member = household.members.select_related("person").order_by("-relation", "id").filter(relation="head").first()
    member = member or household.members.select_related("person").first()
    return member.person if member is not None else None


def _locked(order: ServiceOrder, version: int | None) -> ServiceOrder:
    locked = ServiceOrder.objects.select_for_update().select_related("household__region").get(pk=order.pk)
    if version is not None and locked.version != version:
        from lianfang.core.edits import VersionConflict

        raise VersionConflict()
    return locked


def order_dispatch(
    *, actor: Actor, order: ServiceOrder, squad: Squad | None = None, person: Any = None, version: int | None = None
) -> ServiceOrder:
    """Give the order to a squad or a person (已派单). A counselling order goes only to a counsellor."""
    if (squad is None) == (person is None):
        raise ValidationError({"assignee": [_("Give the order to a squad or to a person, one of the two.")]})
    region = order.household.region
    if squad is not None:
        if order.is_private:
            raise ValidationError({"assignee": [_("A counselling order goes to a counsellor, not to a squad.")]})
        if not (region.code.startswith(squad.region.prefix) or squad.region.code.startswith(region.prefix[:9])):
            raise ValidationError({"assignee": [_("The squad does not serve this household's area.")]})
    else:
        if order.is_private and not any(
            region.code.startswith(p) for p in care_prefixes(person, (CareRoleKind.COUNSELLOR,))
        ):
            raise ValidationError({"assignee": [_("A counselling order goes only to a counsellor serving there.")]})
        if not order.is_private and not works_in(person, region):
            raise ValidationError({"assignee": [_("This person does no care work in the household's area.")]})
    with transaction.atomic():
        locked = _locked(order, version)
        if "staff" not in order_sides(locked, actor):
            raise _refuse(actor, "service_order.dispatch", _("You may not dispatch this order."), target=locked)
        locked.assigned_squad, locked.assigned_to = squad, person
        ORDER_FLOW.take(record=locked, name="dispatch", actor=actor)
    return locked


def order_deliver(
    *,
    actor: Actor,
    order: ServiceOrder,
    photo: Any,
    amount_advanced: Any = None,
    receipt: Any = None,
    note: Any = "",
    version: int | None = None,
    at: Any = None,
    by: Any = None,
) -> ServiceOrder:
    """Mark the order delivered, with a photo; 代购 with the money advanced and its receipt."""
    errors: dict[str, list[str]] = {}
    if photo is None and order.kind != ServiceKind.COUNSELLING:
        errors["photo"] = [_("Add a photo of the delivery.")]
    amount = None
    if order.kind == ServiceKind.SHOPPING:
        amount = _money(amount_advanced, "amount_advanced", errors)
        if amount is None and "amount_advanced" not in errors:
            errors["amount_advanced"] = [_("Give the amount advanced for the shopping (0 if none).")]
        if amount and receipt is None:
            errors["receipt"] = [_("Add a photo of the receipt.")]
    if errors:
        raise ValidationError(errors)
    deliverer = on_behalf(actor, by)
    with transaction.atomic():
        locked = _locked(order, version)
        if "assignee" not in order_sides(locked, deliverer):
            raise _refuse(actor, "service_order.deliver", _("This order is not yours to deliver."), target=order)
        stored_photo = file_store(actor=actor, upload=photo) if photo is not None else None
        stored_receipt = file_store(actor=actor, upload=receipt) if receipt is not None else None
        locked.delivered_by = deliverer
        locked.delivered_at = console_time(actor, at)
        locked.delivery_photo = stored_photo
        locked.amount_advanced = amount
        locked.receipt = stored_receipt
        # A counselling order's words stay on the order's page, out of the audit log.
        ORDER_FLOW.take(record=locked, name="deliver", actor=actor, note="" if locked.is_private else _text(note, 300))
    return locked


def _money(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    return None if value in (None, "") else yuan(value, field, errors, least=Decimal("0"), most=MAX_ADVANCE)


def order_confirm(
    *,
    actor: Actor,
    order: ServiceOrder,
    confirmed_as: Any,
    proof: Any,
    resident_unable: Any = "",
    version: int | None = None,
    at: Any = None,
    by: Any = None,
) -> ServiceOrder:
    """The resident confirms the delivery (a signature image or a photo, taken on the phone that
    brought it), or the visitor confirms for them. The one who delivered may confirm only as the
    resident's hand, or, when the resident cannot confirm, saying why."""
    as_ = str(confirmed_as or "")
    if as_ not in Confirmer.values:
        raise ValidationError({"confirmed_as": [_("Say who confirms: the resident or the visitor.")]})
    if proof is None:
        raise ValidationError({"proof": [_("Add the resident's signature or a photo.")]})
    unable = _text(resident_unable, 200)
    user = on_behalf(actor, by)
    if as_ == Confirmer.VISITOR and user is not None and order.delivered_by_id == user.pk and len(unable) < 2:
        raise ValidationError(
            {
                "confirmed_as": [
                    _(
                        "You delivered this order: the resident confirms it, or another visitor does. "
                        "If the resident cannot confirm, say why."
                    )
                ]
            }
        )
    with transaction.atomic():
        locked = _locked(order, version)
        stored = file_store(actor=actor, upload=proof)
        locked.confirmed_as = as_
        locked.confirmed_by = user
        locked.confirmed_at = console_time(actor, at)
        locked.confirmation = stored
        locked.resident_unable = unable if as_ == Confirmer.VISITOR else ""
        ORDER_FLOW.take(record=locked, name="confirm", actor=actor)
    return locked


def order_cancel(*, actor: Actor, order: ServiceOrder, reason: Any, version: int | None = None) -> ServiceOrder:
    with transaction.atomic():
        locked = _locked(order, version)
        ORDER_FLOW.take(record=locked, name="cancel", actor=actor, note=_text(reason, 300))
    return locked


def order_repaid(*, actor: Actor, order: ServiceOrder, version: int | None = None) -> ServiceOrder:
    """The resident has repaid the money advanced for the shopping."""
    if order.kind != ServiceKind.SHOPPING or not order.amount_advanced:
        raise ValidationError({"repaid": [_("No money was advanced for this order.")]})
    if not order_sides(order, actor) & {"staff", "assignee"}:
        raise _refuse(actor, "service_order.repaid", _("You may not change this order."), target=order)
    with transaction.atomic():
        locked = _locked(order, version)
        before = snapshot(locked, ["repaid"])
        locked.repaid = True
        locked.version += 1
        locked.save(update_fields=["repaid", "version"])
        audit_record(actor=actor, verb="service_order.repaid", target=locked, before=before, after={"repaid": True})
    return locked


def order_flag_risk(*, actor: Actor, order: ServiceOrder, referral: Any, version: int | None = None) -> ServiceOrder:
    """The counsellor sees a self-harm risk: the care lead is told at once, the referral recorded."""
    if not order.is_private:
        raise ValidationError({"self_harm_risk": [_("A self-harm risk is recorded on a counselling order.")]})
    text = _text(referral, 300)
    if len(text) < 2:
        raise ValidationError({"referral": [_("Say where the person was referred (a hotline, a hospital …).")]})
    user = acting_user(actor)
    if user is None or (order.assigned_to_id != user.pk and not is_lead_for(user, order.household.region)):
        raise _refuse(actor, "service_order.risk", _("Only the counsellor records a risk."), target=order)
    with transaction.atomic():
        locked = _locked(order, version)
        locked.self_harm_risk, locked.referral = True, text
        locked.version += 1
        locked.save(update_fields=["self_harm_risk", "referral", "version"])
        audit_record(actor=actor, verb="service_order.risk", target=locked, detail="referral recorded")
        _tell_lead(locked.household, locked, _("A self-harm risk was flagged on a counselling order in %(address)s."))
    return locked


def may_read_order(user: Any, order: ServiceOrder) -> bool:
    """A counselling order's content: its counsellor and the care lead only; others as scoped."""
    if not order.is_private:
        return True
    if order.assigned_to_id == getattr(user, "pk", None):
        return True
    return is_lead_for(user, order.household.region)
