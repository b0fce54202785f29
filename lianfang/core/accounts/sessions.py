"""Database sessions that refuse malformed keys before they reach the database.

A session cookie is the client's to send; one carrying a NUL character would otherwise make
PostgreSQL fail the request with a server error. Django's own keys are ASCII letters and digits.
"""

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: Any) -> bool:
        valid = super()._validate_session_key(key)  # type: ignore[misc]
        return bool(valid and key.isascii() and key.isalnum())
