"""One-time notes carried across the redirect after a POST (post/redirect/get).

Why not django.contrib.messages: it is not installed, and a secret (a new password, a
new API token) needs stricter handling than a note anyway: it is kept in the server-side
session only until the very next page shows it, then it is gone.
"""

from __future__ import annotations

from django.http import HttpRequest

NOTICES = "manage_notices"
SECRET = "manage_secret"  # noqa: S105 (a session key, not a secret)


def notify(request: HttpRequest, text: str, *, problem: bool = False) -> None:
    """A short note for the next page: a confirmation, or (``problem``) a refusal."""
    note = {"text": str(text), "problem": problem}
    request.session[NOTICES] = [*request.session.get(NOTICES, []), note]


def notices(request: HttpRequest) -> list[dict]:
    return request.session.pop(NOTICES, [])


def keep_secret(request: HttpRequest, kind: str, **values: str) -> None:
    """A secret for the next page only: ``kind`` is "token" or "password"."""
    request.session[SECRET] = {"kind": kind, **values}


def take_secret(request: HttpRequest) -> dict | None:
    """The secret, removed from the session as it is read: it can be shown only once."""
    return request.session.pop(SECRET, None)
