"""Who calls the API: a business system with a bearer token, or staff with a session.

Both resolve to a Scope (``request.auth``), which is all the services look at. The
session way keeps Django's CSRF check for unsafe methods, so a page on another site
cannot make a logged-in archivist's browser deliver or delete anything.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from samarkiv.accounts.scope import ANONYMOUS, Scope
from samarkiv.accounts.tokens import authenticate_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sa_<prefix>_<secret>``."""

    def authenticate(self, request: HttpRequest, token: str) -> Scope | None:
        # The scope travels as request.auth (staff sessions: request.acting, see scoping).
        return authenticate_token(token)


class StaffSessionAuth(SessionAuth):
    """A logged-in staff member, acting in the tenant chosen in the staff pages."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF only matters for a logged-in browser; without a session (no token or a bad
        # one) the answer must be 401, not a CSRF failure.
        if not _logged_in(request):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Scope | None:
        if not _logged_in(request):
            return None
        return getattr(request, "acting", None) or ANONYMOUS


def _logged_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


AUTH = [TokenAuth(), StaffSessionAuth()]


def scope_of(request: HttpRequest) -> Scope:
    return request.auth
