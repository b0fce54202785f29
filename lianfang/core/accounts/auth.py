"""API token authentication: knox's hashed, expiring tokens, tuned for the hot path.

- knox deletes a user's other expired tokens on every authenticated request, a query each time;
  here an expired token is refused (and deleted) when presented, and the rest are swept hourly
  (accounts.tasks.purge_expired_tokens).
- The lookup is one prepared join of token and user instead of ORM querysets: building the SQL
  cost more than running it (bench/api_read.py). The user's password hash and login dates are
  not read (deferred: loaded only if something asks for them). The SQL is built once from the models' own field
  lists, and each value passes through the same converters the ORM would apply.
- The Authorization header is read from META, not from request.headers (which builds a dict of
  every header first).
- A token carries no second factor, so it is refused to roles that need one, even a token issued
  before the user gained such a role; nor does it stand in for choosing a password, so it is
  refused to an account that still has a one-time password.
"""

import functools
from binascii import Error as BinasciiError
from dataclasses import dataclass
from hmac import compare_digest
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import HTTP_HEADER_ENCODING, exceptions
from rest_framework.request import Request

from lianfang.core.prepared import fetch

from .middleware import must_change_message
from .models import User
from .permissions import needs_second_factor

_INVALID = gettext_lazy("Invalid token.")  # translated only when it is shown


@dataclass(frozen=True)
class _Lookup:
    sql: str
    token_names: list[str]
    user_names: list[str]
    converters: list[tuple[int, list[Any]]]  # (column index, its converters), for columns that have any


# Never read while answering an API call; left deferred (Django loads one if something reads it),
# which spares the hash and two date conversions per request.
_USER_DEFERRED = frozenset({"password", "last_login", "date_joined"})


@functools.cache
def _lookup(alias: str) -> _Lookup:
    """The token-and-user query for one database, with each column's converters."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    token_fields = list(AuthToken._meta.concrete_fields)
    user_fields = [f for f in User._meta.concrete_fields if f.name not in _USER_DEFERRED]
    columns = [f"t.{quote(f.column)}" for f in token_fields] + [f"u.{quote(f.column)}" for f in user_fields]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(AuthToken._meta.db_table)} t"  # noqa: S608  (names from models)
        f" INNER JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.{quote('user_id')}"
        f" WHERE t.{quote('token_key')} = %s"
    )
    converters = []
    for index, (alias_name, field) in enumerate([("t", f) for f in token_fields] + [("u", f) for f in user_fields]):
        col = field.get_col(alias_name)
        column_converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if column_converters:  # most columns (text, integers) have none: skip them per row
            converters.append((index, column_converters))
    return _Lookup(sql, [f.attname for f in token_fields], [f.attname for f in user_fields], converters)


def _tokens_with_users(token_key: str) -> list[Any]:
    lookup = _lookup(DEFAULT_DB_ALIAS)
    connection = connections[DEFAULT_DB_ALIAS]
    rows = fetch(connection, lookup.sql, [token_key])
    split = len(lookup.token_names)
    tokens = []
    for raw in rows:
        values = list(raw)
        for index, converters in lookup.converters:
            for converter in converters:
                values[index] = converter(values[index], None, connection)
        token = AuthToken.from_db(DEFAULT_DB_ALIAS, lookup.token_names, values[:split])
        token.user = User.from_db(DEFAULT_DB_ALIAS, lookup.user_names, values[split:])
        tokens.append(token)
    return tokens


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        # The header straight from META: knox reads request.headers, which first builds a dict of
        # every header of the request.
        header = request.META.get("HTTP_AUTHORIZATION", b"")
        parts = (header.encode(HTTP_HEADER_ENCODING) if isinstance(header, str) else header).split()
        if not parts or parts[0].lower() != self.authenticate_header(request).encode().lower():
            return None
        if len(parts) != 2:
            return super().authenticate(request)  # knox's own message for a malformed header
        return self.authenticate_credentials(parts[1])

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        invalid = _INVALID
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(invalid) from None
        if not text.isalnum():  # knox tokens are hexadecimal
            raise exceptions.AuthenticationFailed(invalid)
        for auth_token in _tokens_with_users(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(text)
            except (TypeError, BinasciiError) as error:
                raise exceptions.AuthenticationFailed(invalid) from error
            if compare_digest(digest, auth_token.digest):
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(invalid)

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user, auth_token = super().validate_user(auth_token)
        if needs_second_factor(user):
            raise exceptions.PermissionDenied(_("This account must pass its second factor first."))
        if user.must_change_password:
            raise exceptions.PermissionDenied(must_change_message())
        return user, auth_token

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """Describes our token authentication in the OpenAPI schema (drf-spectacular matches exact classes)."""

    target_class = "lianfang.core.accounts.auth.TokenAuthentication"
    name = "tokenAuth"
