"""Staff login and logout (local accounts and single sign-on) and the tenant switcher.

Every login, failed login and logout is written to the audit log. A failed login says
only "wrong user name or password", whatever was wrong, so the page cannot be used to
find out which accounts exist; nothing is locked out behind the person's back.
"""

from __future__ import annotations

import logging

from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from joserfc.errors import JoseError
from requests import RequestException

from samarkiv.accounts.scope import Scope, tenants_of, user_scope
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.service import record
from samarkiv.errors import AccessDeniedError
from samarkiv.web.forms import LoginForm
from samarkiv.web.oidc import Identity, find_user, oidc_client, oidc_config
from samarkiv.web.scoping import SESSION_TENANT, login_required_view

log = logging.getLogger(__name__)
SESSION_NEXT = "samarkiv_login_next"
MAX_USERNAME = 150


def _safe_next(request: HttpRequest, target: str | None) -> str:
    """``target`` if it stays on this site, else the staff home."""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else settings.LOGIN_REDIRECT_URL


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _start_session(request: HttpRequest, user, method: str) -> None:
    """Log the user in, act in their first tenant, and record the login."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    codes = tenants_of(user)
    request.session[SESSION_TENANT] = codes[0] if codes else None
    scope = user_scope(user, codes[0] if codes else None)
    record(
        scope,
        AuditAction.LOGIN,
        object_type="auth.user",
        object_id=str(user.pk),
        detail={"method": method, "ip": _client_ip(request)},
    )


def _record_failure(request: HttpRequest, username: str, method: str, reason: str) -> None:
    record(
        Scope(actor="anonymous"),
        AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.FAILURE,
        tenant="",
        detail={
            "username": username[:MAX_USERNAME],
            "method": method,
            "reason": reason,
            "ip": _client_ip(request),
        },
    )


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """The login form; SSO button when a provider is configured."""
    target = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            _start_session(request, user, "password")
            return HttpResponseRedirect(target)
        _record_failure(request, username, "password", "credentials")
        form.add_error(None, LoginForm.FAILED)
    config = oidc_config()
    context = {
        "form": form,
        "next": target,
        "sso_label": (config or {}).get("label") or LoginForm.SSO_LABEL,
        "sso": config is not None,
    }
    status = 400 if form.errors else 200
    return render(request, "web/login.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """End the session (POST only, so a link on another site cannot log anyone out)."""
    if request.user.is_authenticated:
        record(
            request.acting,
            AuditAction.LOGOUT,
            object_type="auth.user",
            object_id=str(request.user.pk),
        )
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider (state and nonce kept in the session)."""
    client = oidc_client()
    if client is None:
        return redirect("web:login")
    request.session[SESSION_NEXT] = _safe_next(
        request, request.POST.get("next") or request.GET.get("next")
    )
    callback = request.build_absolute_uri(reverse("web:oidc_callback"))
    try:
        return client.authorize_redirect(request, callback)
    except (RequestException, OAuthError, ValueError, KeyError) as exc:
        log.warning("OIDC provider unreachable: %s", exc)
        return _refused(request, "", "provider_unreachable", status=502)


@never_cache
@require_http_methods(["GET", "POST"])
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: a validated ID token, then the linked local account."""
    client = oidc_client()
    if client is None:
        return redirect("web:login")
    try:
        token = client.authorize_access_token(request)
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as exc:
        log.warning("OIDC login failed: %s", exc)
        return _refused(request, "", f"token: {type(exc).__name__}", status=400)
    identity = Identity.from_claims(token.get("userinfo") or {})
    user = find_user(identity)
    if user is None:
        return _refused(request, identity.email or identity.subject, "no_account", identity)
    target = request.session.pop(SESSION_NEXT, settings.LOGIN_REDIRECT_URL)
    _start_session(request, user, "oidc")
    return HttpResponseRedirect(target)


def _refused(
    request: HttpRequest,
    who: str,
    reason: str,
    identity: Identity | None = None,
    status: int = 403,
) -> HttpResponse:
    detail_reason = reason
    if identity is not None:
        detail_reason = f"{reason} ({identity.issuer} {identity.subject})"
    _record_failure(request, who, "oidc", detail_reason)
    return render(request, "web/login_refused.html", {"reason": reason}, status=status)


def _landing(request: HttpRequest, target: str | None) -> str:
    """After a switch: stay on a list page; an object page belongs to the old tenant."""
    target = _safe_next(request, target)
    try:
        match = resolve(target.split("?", 1)[0])
    except Resolver404:
        return settings.LOGIN_REDIRECT_URL
    return target.split("?", 1)[0] if not match.kwargs else settings.LOGIN_REDIRECT_URL


@require_POST
@login_required_view
def switch_tenant(request: HttpRequest) -> HttpResponse:
    """Act in another of the user's tenants; any other code is refused (403)."""
    code = request.POST.get("tenant", "")
    if code not in request.tenant_codes:
        raise AccessDeniedError(f"{request.acting.actor} may not act in tenant {code!r}")
    request.session[SESSION_TENANT] = code
    return HttpResponseRedirect(_landing(request, request.POST.get("next")))
