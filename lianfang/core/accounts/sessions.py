"""Database sessions that refuse malformed keys before they reach the database.

A session cookie is the client's to send; one carrying a NUL character would otherwise make
PostgreSQL fail the request with a server error. Django's own keys are ASCII letters and digits.

A background poll (the bell's unread count) marks the session `renews = False`: it is read but
not renewed, so that a page left open does not keep its user signed in past the idle timeout.
"""

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    renews = True

    def save(self, must_create: bool = False) -> None:
        if not self.renews and not must_create and not self.modified:
            return
        super().save(must_create)

    def _validate_session_key(self, key: Any) -> bool:
        valid = super()._validate_session_key(key)  # type: ignore[misc]
        return bool(valid and key.isascii() and key.isalnum())
