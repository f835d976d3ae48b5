"""Emergency grants: time-limited content access for the host's technical staff.

Either the municipality's archivist grants it in their own municipality (MANAGE_MEMBERS)
or the platform administrator grants it in any municipality (MANAGE_PLATFORM), with a
reason and for at most 24 hours. The account service checks who may be the grantee and
writes the audit log; these views list, ask and redirect.

The list (and revocation) covers the acting tenant's grants only, for everyone: who was
let into a municipality's records, and why, is that municipality's business; the host's
staff (the platform administrator acts in the host tenant) do not browse it.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samarkiv.accounts import users
from samarkiv.accounts.models import EmergencyGrant
from samarkiv.accounts.roles import Permission
from samarkiv.errors import AccessDeniedError, NotFoundError, SamarkivError
from samarkiv.web.manage import flash
from samarkiv.web.manage.guard import staff_view_any
from samarkiv.web.manage.member_forms import EmergencyGrantForm

GATE = (Permission.MANAGE_MEMBERS, Permission.MANAGE_PLATFORM)
PAST_SHOWN = 50


def _platform(scope) -> bool:
    return scope.can(Permission.MANAGE_PLATFORM)


def _grants(scope):
    """The acting tenant's grants (a platform-wide scope is narrowed to it, too)."""
    permission = Permission.MANAGE_PLATFORM if _platform(scope) else Permission.MANAGE_MEMBERS
    rows = scope.visible(EmergencyGrant.objects.all(), "tenant", permission)
    return rows.filter(tenant_id=scope.tenant).select_related("user", "granted_by")


def _page(request: HttpRequest, form: EmergencyGrantForm | None = None, status=200):
    scope, now = request.acting, timezone.now()
    active = Q(revoked_at__isnull=True, starts_at__lte=now, expires_at__gt=now)
    grants = _grants(scope)
    context = {
        "form": form or EmergencyGrantForm(choose_tenant=_platform(scope), auto_id="nod_%s"),
        "active": grants.filter(active).order_by("expires_at"),
        "past": grants.exclude(active).order_by("-starts_at")[:PAST_SHOWN],
        "other_tenants": _platform(scope),
        "members_link": scope.can(Permission.MANAGE_MEMBERS),
        "notices": flash.notices(request),
    }
    return render(request, "manage/emergency.html", context, status=status)


@require_GET
@staff_view_any(*GATE)
def emergency(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_view_any(*GATE)
def emergency_grant(request: HttpRequest) -> HttpResponse:
    scope = request.acting
    form = EmergencyGrantForm(request.POST, choose_tenant=_platform(scope), auto_id="nod_%s")
    if not form.is_valid():
        return _page(request, form, 400)
    data = form.cleaned_data
    tenant = data["tenant"].pk if "tenant" in data else scope.tenant
    try:
        grant = users.grant_emergency_access(
            scope, data["username"], tenant, data["reason"], data["hours"]
        )
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        form.add_error(None, _("Det gick inte: %(reason)s") % {"reason": exc.message})
        return _page(request, form, 400)
    until = timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M")
    flash.notify(
        request,
        _("%(user)s har nödåtkomst till %(until)s.")
        % {"user": data["username"].get_username(), "until": until},
    )
    return redirect("manage:emergency")


@require_POST
@staff_view_any(*GATE)
def emergency_revoke(request: HttpRequest, pk) -> HttpResponse:
    """End a grant now; a grant outside the scope is "not found"."""
    grant = _grants(request.acting).filter(pk=pk).first()
    if grant is None:
        raise NotFoundError("no such emergency grant")
    users.revoke_emergency_access(request.acting, grant)
    flash.notify(
        request, _("Nödåtkomsten för %(user)s är återkallad.") % {"user": grant.user.get_username()}
    )
    return redirect("manage:emergency")
