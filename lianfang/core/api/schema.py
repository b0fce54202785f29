"""The published OpenAPI schema states every answer an operation can give.

Besides each operation's own success answers (declared where the endpoint is), every operation
can answer in the one error shape (core/api/errors.py): 400 (a bad parameter or body, or NUL in a
query), 401 (no or a bad token), 403 (outside the role, or a second factor still to pass), 404 for
paths naming a record (missing or outside the jurisdiction), and for writes 409 (a resend with
other content, or an edit of a stale version) and 413 (a body over the upload limit). Documented
here once, by a drf-spectacular post-processing hook, rather than on each of the views.
"""

from __future__ import annotations

from typing import Any

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
EVERY_OPERATION = {
    "400": "The request was refused: the message says why, and `fields` names each bad field.",
    "401": "No token or session, or an expired token.",
    "403": "Not allowed for this account (its role or jurisdiction, or a second factor still to pass).",
}
A_RECORD = {"404": "Not found, or outside the caller's jurisdiction."}
A_WRITE = {
    "409": "A resend with other content under the same client id, or an edit of a stale version.",
    "413": "The request body is too large.",
}
WRITES = {"post", "put", "patch", "delete"}


def document_error_answers(result: dict[str, Any], generator: Any, request: Any, public: Any) -> dict[str, Any]:
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = dict(EVERY_OPERATION)
            if "{" in path:
                answers.update(A_RECORD)
            if method in WRITES:
                answers.update(A_WRITE)
            for code, description in answers.items():
                operation["responses"].setdefault(code, {"description": description, "content": ERROR})
    return result
