"""Staff pages of records creators: the list, one creator with its provenance and
archive tree, and the forms to add or change a creator and its relations.

Read by everyone who sees the tenant's deliveries; changed by its archivist only. The
service records every change in the audit log, so these views do not.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarkiv.accounts.roles import Permission
from samarkiv.catalog import aip_links, description
from samarkiv.catalog.models import RecordsCreator
from samarkiv.web.catalog.forms import CreatorForm, RelationForm
from samarkiv.web.catalog.pages import FormPage, form_page
from samarkiv.web.manage.flash import notices, notify
from samarkiv.web.scoping import requires

READ, EDIT = Permission.VIEW_DELIVERIES, Permission.MANAGE_AGREEMENTS


def _can_edit(request: HttpRequest) -> bool:
    return request.acting.can(EDIT)


@require_GET
@requires(READ)
def creator_list(request: HttpRequest) -> HttpResponse:
    context = {
        "creators": description.list_creators(request.acting),
        "can_edit": _can_edit(request),
        "notices": notices(request),
    }
    return render(request, "catalog/creator_list.html", context)


@require_GET
@requires(READ)
def creator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One creator: facts, provenance chain, archives → series → volumes, linked AIPs."""
    scope = request.acting
    creator = description.get_creator(scope, code)
    context = {
        "creator": creator,
        "predecessors": description.predecessors(creator),
        "successors": description.successors(creator),
        "archives": description.creator_archives(scope, creator),
        "aip_links": aip_links.creator_aips(scope, creator),
        "can_edit": _can_edit(request),
        "notices": notices(request),
    }
    return render(request, "catalog/creator_detail.html", context)


def _list_crumb() -> tuple[str, str]:
    return (reverse("catalog_ui:creators"), pgettext("plural", "Arkivbildare"))


def _saved(creator: RecordsCreator) -> tuple[str, str]:
    url = reverse("catalog_ui:creator_detail", kwargs={"code": creator.code})
    return url, _("Arkivbildaren %(name)s är sparad.") % {"name": creator.name}


@require_http_methods(["GET", "HEAD", "POST"])
@requires(EDIT)
def creator_new(request: HttpRequest) -> HttpResponse:
    form = CreatorForm(request.POST or None)
    page = FormPage(
        _("Ny arkivbildare"),
        reverse("catalog_ui:creators"),
        intro=_(
            "En arkivbildare är en nämnd, styrelse eller ett bolag vars verksamhet "
            "har skapat handlingarna."
        ),
        breadcrumbs=[_list_crumb()],
    )
    return form_page(
        request,
        form,
        page,
        lambda data: description.save_creator(request.acting, None, data),
        _saved,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires(EDIT)
def creator_edit(request: HttpRequest, code: str) -> HttpResponse:
    creator = description.get_creator(request.acting, code, for_edit=True)
    form = CreatorForm(request.POST or None, instance=creator, editing=True)
    detail = reverse("catalog_ui:creator_detail", kwargs={"code": creator.code})
    page = FormPage(
        _("Ändra arkivbildare: %(name)s") % {"name": creator.name},
        detail,
        breadcrumbs=[_list_crumb(), (detail, creator.name)],
    )
    return form_page(
        request,
        form,
        page,
        lambda data: description.save_creator(request.acting, creator, data),
        _saved,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires(EDIT)
def relation_new(request: HttpRequest, code: str) -> HttpResponse:
    """Record a predecessor or successor: "this creator <kind> the chosen one"."""
    creator = description.get_creator(request.acting, code, for_edit=True)
    form = RelationForm(request.POST or None, creator=creator)
    detail = reverse("catalog_ui:creator_detail", kwargs={"code": creator.code})
    page = FormPage(
        _("Nytt samband för %(name)s") % {"name": creator.name},
        detail,
        intro=_(
            "Föregångare och efterföljare visar hur verksamheten har gått över "
            "mellan arkivbildare, t.ex. när nämnder slås samman."
        ),
        breadcrumbs=[_list_crumb(), (detail, creator.name)],
    )
    return form_page(
        request,
        form,
        page,
        lambda data: description.add_relation(request.acting, creator, data),
        lambda relation: (detail, _("Sambandet är sparat: %(what)s.") % {"what": relation}),
    )


@require_POST
@requires(EDIT)
def relation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a relation; back to the page it was removed from (either creator's)."""
    relation = description.remove_relation(request.acting, pk)
    notify(request, _("Sambandet är borttaget: %(what)s.") % {"what": relation})
    ends = {relation.source.code, relation.target.code}
    back = request.POST.get("creator")
    return redirect(
        "catalog_ui:creator_detail", code=back if back in ends else relation.source.code
    )
