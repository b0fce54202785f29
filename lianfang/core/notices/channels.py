"""How a notification reaches a person: channels behind one interface.

`notify` first records the notification in the user's in-app list (a row per user and key,
written once whatever happens: that row is both the in-app delivery and the proof that the
message went out). Once the transaction commits, every channel named in
settings.NOTIFY_CHANNELS (LIANFANG_NOTIFY_CHANNELS: dotted paths) gets exactly the
notifications that were new — so an SMS or WeChat adapter added later also sends each message
once, even with two workers running. The in-app channel is the default and needs to do nothing
more: the list page and the badge in the navigation show the row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Notification

log = logging.getLogger("lianfang.notices")


@runtime_checkable
class Channel(Protocol):
    """A way to push notifications out. `deliver` is called after the commit, once per batch of
    new notifications; it must not raise for one bad address (log it), and need not be atomic."""

    name: str

    def deliver(self, notifications: Sequence[Notification]) -> None: ...


class InAppChannel:
    """The notification list in the application (/notifications/ and the badge)."""

    name = "in_app"
    # The row is the delivery: nothing to hand over after the commit.
    pushes = False

    def deliver(self, notifications: Sequence[Notification]) -> None:
        # The row notify() wrote is the in-app delivery; there is nothing to push.
        return None


@cache
def _load(path: str) -> Channel:
    channel = import_string(path)()
    if not isinstance(channel, Channel):
        raise TypeError(f"{path} is not a notification channel (it needs a name and deliver()).")
    return channel


def configured_channels() -> list[Channel]:
    return [_load(path) for path in settings.NOTIFY_CHANNELS]


def pushing_channels() -> list[Channel]:
    """The configured channels that send something once the rows are committed (not the in-app list)."""
    return [channel for channel in configured_channels() if getattr(channel, "pushes", True)]


def push(notifications: Sequence[Notification]) -> None:
    """Hand new notifications to every channel that sends; one failing channel stops no other."""
    for channel in pushing_channels():
        try:
            channel.deliver(notifications)
        except Exception:
            log.exception("notification channel %s failed for %d notifications", channel.name, len(notifications))
