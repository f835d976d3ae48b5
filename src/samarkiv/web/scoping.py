"""Each staff request acts in one tenant: the middleware builds ``request.acting``.

(Not ``request.scope``: under ASGI Django keeps the connection scope there and reads
the scheme from it for CSRF checks and redirects.)

The active tenant is kept in the session (the tenant switcher sets it). A tenant the
user no longer belongs to falls back to the first one they do, so a revoked role stops
working on the next request, not at the next login.

The same middleware turns the service layer's ``AccessDeniedError`` and
``NotFoundError`` into the Swedish 403 and 404 pages, so a view never needs a try block
and another tenant's object looks exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samarkiv.accounts.roles import Permission, Role
from samarkiv.accounts.scope import ANONYMOUS, tenants_of, user_scope
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.service import record
from samarkiv.errors import AccessDeniedError, NotFoundError

SESSION_TENANT = "samarkiv_tenant"


def active_tenant(request: HttpRequest, codes: list[str]) -> str | None:
    """The session's tenant if the user still acts there (``codes``), else their first."""
    if not codes:
        return None
    chosen = request.session.get(SESSION_TENANT)
    return chosen if chosen in codes else codes[0]


class ScopeMiddleware:
    """Sets ``request.acting`` (and ``request.tenant_codes``) after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting = ANONYMOUS
        request.tenant_codes = []
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            request.tenant_codes = tenants_of(request.user)
            tenant = active_tenant(request, request.tenant_codes)
            request.acting = user_scope(request.user, tenant)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        """Domain errors from views become pages; refusals are written to the audit log."""
        if isinstance(exception, AccessDeniedError | PermissionDenied):
            _record_denied(request)
        if isinstance(exception, AccessDeniedError):
            return render(request, "403.html", status=403)
        if isinstance(exception, NotFoundError):
            return render(request, "404.html", status=404)
        return None


def _record_denied(request: HttpRequest) -> None:
    """Who was refused what: a person probing other tenants' pages shows up in the log."""
    scope = getattr(request, "acting", ANONYMOUS)
    record(
        scope,
        AuditAction.DENIED,
        outcome=AuditOutcome.DENIED,
        object_type="page",
        object_id=request.path[:255],
        detail={"method": request.method},
    )


def requires(permission: Permission, *alternatives: Permission) -> Callable:
    """Staff views: log in first, then the permission (or one of the alternatives) in
    the active tenant, else 403.

    The queryset narrowing in the service layer still applies; this only gives a clear
    answer early instead of an empty page.
    """
    accepted = (permission, *alternatives)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.acting.can(p) for p in accepted):
                request.acting.require(permission)  # raises, naming the main permission
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def login_required_view(view: Callable) -> Callable:
    """Staff views any logged-in person may open (their home, the tenant switcher)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def staff_context(request: HttpRequest) -> dict:
    """Template context of every page: what the header shows and which links to offer.

    ``allowed`` maps each permission's value to whether the acting scope holds it, so
    templates hide links the person could not follow (the views still check).
    """
    scope = getattr(request, "acting", ANONYMOUS)
    codes = getattr(request, "tenant_codes", [])
    if not codes:
        return {"allowed": {}, "tenant_choices": [], "acting_roles": []}
    from samarkiv.catalog.models import Tenant

    names = dict(Tenant.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        "allowed": {permission.value: scope.can(permission) for permission in Permission},
        "tenant_choices": [(code, names.get(code, code)) for code in codes],
        "acting_tenant": scope.tenant,
        "acting_tenant_name": names.get(scope.tenant or "", ""),
        "acting_roles": sorted(Role(role).label for role in scope.roles),
    }


__all__ = [
    "SESSION_TENANT",
    "AccessDeniedError",
    "ScopeMiddleware",
    "login_required_view",
    "requires",
    "staff_context",
]
