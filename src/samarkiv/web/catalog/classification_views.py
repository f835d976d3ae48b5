"""Staff pages of classification structures: versions, their trees, and their classes.

A draft is edited freely, the version in force only grows (classes are added and
reworded, never removed), a retired version is read-only. "Ny version" copies a
version into a new draft; "Börja gälla" puts a draft in force and retires the old one.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarkiv.accounts.roles import Permission
from samarkiv.catalog import classification
from samarkiv.catalog.choices import SchemeStatus
from samarkiv.catalog.models import ClassificationNode, ClassificationScheme
from samarkiv.errors import ConflictError
from samarkiv.web.catalog.forms import NodeForm, SchemeForm
from samarkiv.web.catalog.pages import FormPage, form_page
from samarkiv.web.manage.flash import notices, notify
from samarkiv.web.scoping import requires

READ, EDIT = Permission.VIEW_DELIVERIES, Permission.MANAGE_AGREEMENTS
METHODS = ["GET", "HEAD", "POST"]


def _scheme_url(scheme: ClassificationScheme) -> str:
    return reverse("catalog_ui:scheme_detail", kwargs={"pk": scheme.pk})


def _crumbs(scheme: ClassificationScheme | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("catalog_ui:schemes"), _("Klassificeringsstrukturer"))]
    if scheme is not None:
        crumbs.append((_scheme_url(scheme), str(scheme)))
    return crumbs


@require_GET
@requires(READ)
def scheme_list(request: HttpRequest) -> HttpResponse:
    context = {
        "schemes": classification.list_schemes(request.acting),
        "can_edit": request.acting.can(EDIT),
        "notices": notices(request),
    }
    return render(request, "catalog/scheme_list.html", context)


@require_GET
@requires(READ)
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = classification.get_scheme(request.acting, pk)
    can_edit = request.acting.can(EDIT)
    context = {
        "scheme": scheme,
        "tree": classification.scheme_tree(scheme),
        "can_edit": can_edit,
        "changeable": can_edit and scheme.status != SchemeStatus.RETIRED,
        "is_draft": scheme.status == SchemeStatus.DRAFT,
        "notices": notices(request),
    }
    return render(request, "catalog/scheme_detail.html", context)


def _scheme_done(scheme: ClassificationScheme) -> tuple[str, str]:
    return _scheme_url(scheme), _("%(scheme)s är sparad.") % {"scheme": scheme}


@require_http_methods(METHODS)
@requires(EDIT)
def scheme_new(request: HttpRequest) -> HttpResponse:
    scope = request.acting
    form = SchemeForm(request.POST or None)
    page = FormPage(
        _("Ny klassificeringsstruktur"),
        reverse("catalog_ui:schemes"),
        intro=_(
            "Strukturen börjar som utkast (version 1). Lägg till klasserna och låt den "
            "sedan börja gälla."
        ),
        breadcrumbs=_crumbs(),
    )
    return form_page(
        request,
        form,
        page,
        lambda data: classification.save_scheme(scope, None, data),
        _scheme_done,
    )


@require_http_methods(METHODS)
@requires(EDIT)
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    scheme = classification.get_scheme(scope, pk, for_edit=True)
    form = SchemeForm(request.POST or None, instance=scheme, editing=True)
    page = FormPage(
        _("Ändra %(scheme)s") % {"scheme": scheme}, _scheme_url(scheme), breadcrumbs=_crumbs(scheme)
    )
    return form_page(
        request,
        form,
        page,
        lambda data: classification.save_scheme(scope, scheme, data),
        _scheme_done,
    )


def _post_action(request: HttpRequest, action, pk: int, done: str) -> HttpResponse:
    """Run a POST-only action; a refusal becomes a notice on the scheme's page."""
    try:
        scheme = action(request.acting, pk)
    except ConflictError as exc:
        notify(request, exc.message, problem=True)
        return redirect("catalog_ui:scheme_detail", pk=pk)
    notify(request, done % {"scheme": scheme})
    return redirect(_scheme_url(scheme))


@require_POST
@requires(EDIT)
def scheme_copy(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("%(scheme)s är skapad som utkast, med alla klasser kopierade.")
    return _post_action(request, classification.copy_scheme, pk, done)


@require_POST
@requires(EDIT)
def scheme_activate(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("%(scheme)s gäller nu; den tidigare versionen har gått ut.")
    return _post_action(request, classification.activate_scheme, pk, done)


def _node_done(node: ClassificationNode) -> tuple[str, str]:
    url = f"{_scheme_url(node.scheme)}#klass-{node.pk}"
    return url, _("Klassen %(node)s är sparad.") % {"node": node}


@require_http_methods(METHODS)
@requires(EDIT)
def node_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a class; ``?under=3.4`` starts the code below that class."""
    scope = request.acting
    scheme = classification.get_scheme(scope, pk, for_edit=True)
    under = request.GET.get("under", "")
    initial = {"code": f"{under}."} if under and under.replace(".", "").isdigit() else {}
    form = NodeForm(
        request.POST or None,
        initial=initial,
        instance=ClassificationNode(tenant=scheme.tenant, scheme=scheme),
    )
    page = FormPage(
        _("Ny klass i %(scheme)s") % {"scheme": scheme},
        _scheme_url(scheme),
        intro=_(
            "Koden bestämmer platsen i trädet: 3.4.2 hamnar under 3.4. Nivåerna är "
            "verksamhetsområde, verksamhetsgren, processgrupp och process."
        ),
        breadcrumbs=_crumbs(scheme),
    )
    return form_page(
        request,
        form,
        page,
        lambda data: classification.save_node(scope, None, data, scheme),
        _node_done,
    )


@require_http_methods(METHODS)
@requires(EDIT)
def node_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    node = classification.get_node(scope, pk, for_edit=True)
    form = NodeForm(request.POST or None, instance=node, editing=True)
    page = FormPage(
        _("Ändra klass %(node)s") % {"node": node},
        f"{_scheme_url(node.scheme)}#klass-{node.pk}",
        breadcrumbs=_crumbs(node.scheme),
    )
    return form_page(
        request,
        form,
        page,
        lambda data: classification.save_node(scope, node, data),
        _node_done,
    )


@require_POST
@requires(EDIT)
def node_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    node = classification.get_node(scope, pk, for_edit=True)
    try:
        classification.delete_node(scope, pk)
    except ConflictError as exc:
        notify(request, exc.message, problem=True)
    else:
        notify(request, _("Klassen %(node)s är borttagen.") % {"node": node})
    return redirect(_scheme_url(node.scheme))
