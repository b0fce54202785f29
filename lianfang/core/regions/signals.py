"""Keep cached scopes exact: any change to who serves where bumps the users' scope_version.

A signal rather than a line in each service, because the scope cache must never go stale,
whichever path (service, admin, data migration, test) changed a membership.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Department, Membership, Region
from .scoping import scope_changed


@receiver(pre_save, sender=Membership)
def membership_moving(sender: Any, instance: Membership, **kwargs: Any) -> None:
    """A membership given to another user must leave the previous holder's cached scope too."""
    if instance.pk is None:
        return
    previous = Membership.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    if previous is not None and previous != instance.user_id:
        scope_changed(user_ids=[previous])


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    scope_changed(user_ids=[instance.user_id])
    user = instance._state.fields_cache.get("user")
    if user is not None:  # the caller's own copy of the user sees the change too
        user.scope_version += 1


@receiver(post_save, sender=Region)
def region_changed(sender: Any, instance: Region, created: bool, **kwargs: Any) -> None:
    if not created:  # a corrected code moves the prefix of every membership held on this region
        scope_changed(user_ids=list(Membership.objects.filter(region=instance).values_list("user_id", flat=True)))


@receiver(post_save, sender=Department)
def department_changed(sender: Any, instance: Department, created: bool, **kwargs: Any) -> None:
    if not created:  # a cached scope shows its department's name (a renamed bureau, a new region)
        scope_changed(user_ids=list(Membership.objects.filter(department=instance).values_list("user_id", flat=True)))
