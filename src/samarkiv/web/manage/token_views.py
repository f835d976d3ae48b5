"""Business systems on the members page: system accounts and their API tokens.

A token's plaintext exists only in the response to the page after issuing it; the
catalogue keeps its prefix and a SHA-256 digest (see ``samarkiv.accounts.tokens``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samarkiv.accounts import tokens
from samarkiv.accounts.roles import Permission
from samarkiv.errors import AccessDeniedError, NotFoundError, SamarkivError
from samarkiv.web.manage import flash
from samarkiv.web.manage.guard import staff_view
from samarkiv.web.manage.member_forms import SystemAccountForm, TokenForm
from samarkiv.web.manage.member_views import members_page, refused

MANAGE = Permission.MANAGE_MEMBERS


@require_POST
@staff_view(MANAGE)
def system_create(request: HttpRequest) -> HttpResponse:
    """A business system's account: no password, it acts only through its tokens."""
    form = SystemAccountForm(request.POST, auto_id="system_%s")
    if not form.is_valid():
        return members_page(request, 400, system_form=form)
    try:
        user = tokens.create_system_account(
            request.acting, request.acting.tenant, form.cleaned_data["username"]
        )
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        refused(form, exc)
        return members_page(request, 400, system_form=form)
    text = _("Systemkontot %(name)s finns nu. Ge det en API-nyckel.")
    flash.notify(request, text % {"name": user.get_username()})
    return redirect("manage:members")


@require_POST
@staff_view(MANAGE)
def token_issue(request: HttpRequest) -> HttpResponse:
    """A new token; its plaintext goes to the next page, which shows it once."""
    form = TokenForm(request.POST, tenant=request.acting.tenant, auto_id="nyckel_%s")
    if not form.is_valid():
        return members_page(request, 400, token_form=form)
    data = form.cleaned_data
    try:
        token, plaintext = tokens.issue_token(
            request.acting, name=data["name"], user=data["account"], agreement=data["agreement"]
        )
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        refused(form, exc)
        return members_page(request, 400, token_form=form)
    flash.keep_secret(
        request,
        "token",
        name=token.name,
        username=token.user.get_username(),
        agreement=token.agreement.name,
        value=plaintext,
    )
    return redirect("manage:members")


@require_POST
@staff_view(MANAGE)
def token_revoke(request: HttpRequest, pk) -> HttpResponse:
    """Revoke a token at once; another tenant's token is "not found" (404)."""
    token = tokens.revoke_token(request.acting, pk)
    flash.notify(request, _("API-nyckeln %(name)s är återkallad.") % {"name": token.name})
    return redirect("manage:members")
