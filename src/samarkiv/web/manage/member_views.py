"""The members page: people and their roles in the acting tenant, new accounts, and
business systems with their API tokens.

Every change goes through the account services (they check MANAGE_MEMBERS again and
write the audit log); a successful POST redirects back here (post/redirect/get). A new
password or token travels to that next page in the session and is shown there once.
"""

from __future__ import annotations

import secrets
from itertools import groupby

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samarkiv.accounts import users
from samarkiv.accounts.models import ApiToken, EmergencyGrant, Membership
from samarkiv.accounts.roles import Permission, Role
from samarkiv.catalog.models import Tenant
from samarkiv.errors import AccessDeniedError, NotFoundError, SamarkivError
from samarkiv.web.manage import flash
from samarkiv.web.manage.guard import staff_view
from samarkiv.web.manage.member_forms import (
    NewUserForm,
    RoleForm,
    SystemAccountForm,
    TokenForm,
)

MANAGE = Permission.MANAGE_MEMBERS


def _memberships(scope):
    """The acting tenant's memberships (a platform-wide scope still sees only this one)."""
    rows = scope.visible(Membership.objects.all(), "tenant", MANAGE)
    return rows.filter(tenant_id=scope.tenant).select_related("user")


def _people(scope) -> list[tuple]:
    """(user, [memberships]) for everyone holding a personal role here."""
    rows = _memberships(scope).exclude(role=Role.SYSTEM).order_by("user__username", "role")
    return [(user, list(group)) for user, group in groupby(rows, key=lambda m: m.user)]


def _systems(scope) -> list[tuple]:
    """(system account, [its API tokens]) for every business system of the tenant."""
    systems = _memberships(scope).filter(role=Role.SYSTEM).order_by("user__username")
    accounts = [membership.user for membership in systems]
    issued = (
        scope.visible(ApiToken.objects.all(), "tenant", MANAGE)
        .filter(tenant_id=scope.tenant)
        .select_related("agreement", "created_by")
        .order_by("revoked_at", "-created_at")
    )
    by_user: dict[int, list[ApiToken]] = {}
    for token in issued:
        by_user.setdefault(token.user_id, []).append(token)
    return [(account, by_user.get(account.pk, [])) for account in accounts]


def _is_host(request: HttpRequest) -> bool:
    return Tenant.objects.filter(pk=request.acting.tenant, is_host=True).exists()


def active_grant_count(scope) -> int:
    now = timezone.now()
    grants = scope.visible(EmergencyGrant.objects.all(), "tenant", MANAGE)
    return grants.filter(
        tenant_id=scope.tenant, revoked_at__isnull=True, starts_at__lte=now, expires_at__gt=now
    ).count()


def members_page(request: HttpRequest, status: int = 200, **bound) -> HttpResponse:
    """The members page, with ``bound`` forms (a refused POST) in place of empty ones."""
    scope = request.acting
    is_host = _is_host(request)
    forms = {
        "role_form": RoleForm(tenant_is_host=is_host, auto_id="roll_%s"),
        "user_form": NewUserForm(tenant_is_host=is_host, auto_id="ny_%s"),
        "system_form": SystemAccountForm(auto_id="system_%s"),
        "token_form": TokenForm(tenant=scope.tenant, auto_id="nyckel_%s"),
    }
    forms.update(bound)
    context = {
        **forms,
        "people": _people(scope),
        "systems": _systems(scope),
        "tenant": Tenant.objects.get(pk=scope.tenant),
        "active_grants": active_grant_count(scope),
        "secret": flash.take_secret(request),
        "notices": flash.notices(request),
    }
    return render(request, "manage/members.html", context, status=status)


def generated_password() -> str:
    """A random first password (about 120 bits), to be changed at the first login."""
    return "-".join(secrets.token_urlsafe(6) for _part in range(3))


def refused(form, exc: SamarkivError) -> None:
    """A service's refusal (conflict, bad input) as an error of the form that asked."""
    form.add_error(None, _("Det gick inte: %(reason)s") % {"reason": exc.message})


@require_GET
@never_cache
@staff_view(MANAGE)
def members(request: HttpRequest) -> HttpResponse:
    return members_page(request)


@require_POST
@staff_view(MANAGE)
def member_create(request: HttpRequest) -> HttpResponse:
    """A new personal account with one role here; its password is shown once."""
    form = NewUserForm(request.POST, tenant_is_host=_is_host(request), auto_id="ny_%s")
    if not form.is_valid():
        return members_page(request, 400, user_form=form)
    data, scope = form.cleaned_data, request.acting
    password = generated_password() if data["local_password"] else None
    try:
        with transaction.atomic():  # no account left behind without its role
            user = users.create_user(scope, data["username"], data["email"], password)
            users.grant_role(scope, user, scope.tenant, Role(data["role"]))
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        refused(form, exc)
        return members_page(request, 400, user_form=form)
    flash.keep_secret(request, "password", username=user.get_username(), value=password or "")
    return redirect("manage:members")


@require_POST
@staff_view(MANAGE)
def role_grant(request: HttpRequest) -> HttpResponse:
    form = RoleForm(request.POST, tenant_is_host=_is_host(request), auto_id="roll_%s")
    if not form.is_valid():
        return members_page(request, 400, role_form=form)
    user, role = form.cleaned_data["username"], Role(form.cleaned_data["role"])
    try:
        users.grant_role(request.acting, user, request.acting.tenant, role)
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        refused(form, exc)
        return members_page(request, 400, role_form=form)
    flash.notify(
        request,
        _("%(user)s har fått rollen %(role)s.") % {"user": user.get_username(), "role": role.label},
    )
    return redirect("manage:members")


@require_POST
@staff_view(MANAGE)
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one role away; another tenant's membership is "not found"."""
    membership = request.acting.get(_memberships(request.acting), "tenant", MANAGE, pk=pk)
    role = Role(membership.role)
    try:
        users.revoke_role(request.acting, membership.user, membership.tenant_id, role)
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        text = _("Det gick inte: %(reason)s") % {"reason": exc.message}
        flash.notify(request, text, problem=True)
    else:
        values = {"user": membership.user.get_username(), "role": role.label}
        flash.notify(request, _("%(user)s har inte längre rollen %(role)s.") % values)
    return redirect("manage:members")
