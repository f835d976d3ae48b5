"""The permission gate of every tenancy page, and domain errors as HTTP answers.

Why a wrapper around ``requires``: the service functions raise ``AccessDeniedError`` and
``NotFoundError`` (they enforce the scope themselves); a page must answer those with 403
and 404, never with a server error, and another tenant's object must look exactly like
one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from samarkiv.accounts.roles import Permission
from samarkiv.errors import AccessDeniedError, NotFoundError
from samarkiv.web.scoping import requires


def _translated(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AccessDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFoundError as exc:
            raise Http404(exc.message) from exc

    return wrapped


def staff_view(permission: Permission) -> Callable:
    """Login, then ``permission`` in the acting tenant; service errors become 403/404."""

    def decorate(view: Callable) -> Callable:
        return _translated(requires(permission)(view))

    return decorate


def staff_view_any(*permissions: Permission) -> Callable:
    """Like ``staff_view``, for pages that either of several roles may open.

    Emergency grants are made by the tenant's archivist (MANAGE_MEMBERS) or by the
    platform administrator (MANAGE_PLATFORM); neither permission implies the other.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.acting.can(p) for p in permissions):
                raise AccessDeniedError(f"{request.acting.actor} may not manage this")
            return view(request, *args, **kwargs)

        return _translated(gated)

    return decorate
