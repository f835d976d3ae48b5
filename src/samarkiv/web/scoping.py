"""Each staff request acts in one tenant: the middleware builds ``request.scope``.

The active tenant is kept in the session (the tenant switcher sets it). A tenant the
user no longer belongs to falls back to the first one they do, so a revoked role stops
working on the next request, not at the next login.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import ANONYMOUS, tenants_of, user_scope
from samarkiv.errors import AccessDeniedError

SESSION_TENANT = "samarkiv_tenant"


def active_tenant(request: HttpRequest) -> str | None:
    codes = tenants_of(request.user)
    if not codes:
        return None
    chosen = request.session.get(SESSION_TENANT)
    return chosen if chosen in codes else codes[0]


class ScopeMiddleware:
    """Sets ``request.scope`` (and ``request.tenant_codes``) after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = ANONYMOUS
        request.tenant_codes = []
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            request.tenant_codes = tenants_of(request.user)
            request.scope = user_scope(request.user, active_tenant(request))
        return self.get_response(request)


def requires(permission: Permission) -> Callable:
    """Staff views: log in first, then the permission in the active tenant, else 403.

    The queryset narrowing in the service layer still applies; this only gives a clear
    answer early instead of an empty page.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect(f"{settings.LOGIN_URL}?next={request.get_full_path()}")
            request.scope.require(permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def login_required_view(view: Callable) -> Callable:
    """Staff views any logged-in person may open (their home, the tenant switcher)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{settings.LOGIN_URL}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapped


__all__ = ["SESSION_TENANT", "AccessDeniedError", "ScopeMiddleware", "requires"]
