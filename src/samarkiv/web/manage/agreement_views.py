"""Staff pages of submission agreements: the list, a form to add or change one, and
deactivation.

Agreements are read by everyone who sees deliveries; only MANAGE_AGREEMENTS (the
municipality's archivist) changes them. The service records every change in the audit
log, so these views do not.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarkiv.accounts.roles import Permission
from samarkiv.delivery import agreements
from samarkiv.delivery.models import MANUAL_AGREEMENT, SubmissionAgreement
from samarkiv.errors import AccessDeniedError, NotFoundError, SamarkivError
from samarkiv.web.manage.agreement_form import AgreementForm, initial_of
from samarkiv.web.manage.flash import notices, notify
from samarkiv.web.manage.guard import staff_view


@require_GET
@staff_view(Permission.VIEW_DELIVERIES)
def agreement_list(request: HttpRequest) -> HttpResponse:
    """The tenant's agreements, in force first; edit links for those who may edit."""
    rows = agreements.list_agreements(request.acting)
    context = {
        "agreements": sorted(rows, key=lambda a: (not a.active, a.name.casefold())),
        "can_edit": request.acting.can(Permission.MANAGE_AGREEMENTS),
        "manual_code": MANUAL_AGREEMENT,
        "notices": notices(request),
    }
    return render(request, "manage/agreement_list.html", context)


def _save(request: HttpRequest, form: AgreementForm, agreement) -> SubmissionAgreement | None:
    """Hand the form's values to the service; its refusals become errors of their fields."""
    try:
        return agreements.save_agreement(request.acting, agreement, form.cleaned_data)
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        per_field = getattr(exc, "errors", None) or {exc.path: exc.message}
        for field, message in per_field.items():
            form.add_error(field if field in form.fields else None, str(message))
        return None


def _edit(request: HttpRequest, agreement: SubmissionAgreement | None) -> HttpResponse:
    tenant = request.acting.tenant
    initial = initial_of(agreement) if agreement else {}
    form = AgreementForm(
        request.POST or None, tenant=tenant, initial=initial, editing=agreement is not None
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, agreement)
        if saved is not None:
            notify(request, _("Överenskommelsen %(name)s är sparad.") % {"name": saved.name})
            return redirect("manage:agreements")
    context = {"form": form, "agreement": agreement}
    return render(
        request, "manage/agreement_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(Permission.MANAGE_AGREEMENTS)
def agreement_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(Permission.MANAGE_AGREEMENTS)
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Another tenant's agreement is "not found" (the service raises NotFoundError)."""
    return _edit(request, agreements.get_agreement(request.acting, pk))


@require_POST
@staff_view(Permission.MANAGE_AGREEMENTS)
def agreement_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop deliveries under an agreement; it stays for the deliveries already made."""
    try:
        agreement = agreements.deactivate_agreement(request.acting, pk)
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        notify(
            request,
            _("Överenskommelsen kunde inte avaktiveras: %(reason)s") % {"reason": exc.message},
            problem=True,
        )
    else:
        name = getattr(agreement, "name", "")
        notify(request, _("Överenskommelsen %(name)s gäller inte längre.") % {"name": name})
    return redirect("manage:agreements")
