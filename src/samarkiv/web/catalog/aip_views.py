"""Where AIPs sit in the description: the tenant's AIPs with their links, and the form
that links one to a records creator and a class or a series.

The AIP's label and id are metadata (VIEW_DELIVERIES, as on the AIP list); nothing here
opens the package's content.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samarkiv.accounts.roles import Permission
from samarkiv.catalog import aip_links, classification
from samarkiv.web.catalog.forms import AipDescriptionForm
from samarkiv.web.catalog.pages import FormPage, form_page
from samarkiv.web.manage.flash import notices
from samarkiv.web.scoping import requires

READ, EDIT = Permission.VIEW_DELIVERIES, Permission.MANAGE_AGREEMENTS
PAGE_SIZE = 50


@require_GET
@requires(READ)
def aip_list(request: HttpRequest) -> HttpResponse:
    rows = aip_links.described_aips(request.acting)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida")),
        "can_edit": request.acting.can(EDIT),
        "notices": notices(request),
    }
    return render(request, "catalog/aip_list.html", context)


def _initial(current) -> dict:
    if current is None:
        return {}
    return {
        "records_creator": current.records_creator_id,
        "series": current.series_id,
        "volume": current.volume_id,
        "classification_node": current.classification_node_id,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@requires(EDIT)
def aip_description(request: HttpRequest, aip_id: str) -> HttpResponse:
    scope = request.acting
    aip = aip_links.get_aip(scope, aip_id)
    current = aip_links.description_of(aip)
    form = AipDescriptionForm(
        request.POST or None,
        initial=_initial(current),
        tenant=aip.tenant_id,
        nodes=classification.linkable_nodes(scope),
        current=current,
    )
    back = reverse("catalog_ui:aips")
    page = FormPage(
        _("Arkivredovisning av %(aip)s") % {"aip": aip.label or aip.pk},
        back,
        intro=_(
            "Koppla arkivpaketet %(id)s till sin arkivbildare och till en klass i den "
            "gällande klassificeringsstrukturen, en serie (och volym) eller båda."
        )
        % {"id": aip.pk},
        breadcrumbs=[(back, _("Arkivpaketens arkivredovisning"))],
    )
    return form_page(
        request,
        form,
        page,
        lambda data: aip_links.describe_aip(scope, aip.pk, data),
        lambda saved: (
            back,
            _("Arkivpaketet %(aip)s är kopplat till %(creator)s.")
            % {"aip": aip.label or aip.pk, "creator": saved.records_creator},
        ),
    )
