"""Staff pages of secrecy and publication: overview, rules, markings.

Reading needs VIEW_CONTENT, changing DECIDE (the service checks both again and
narrows every lookup to the acting tenant). The service writes the audit log and
recomputes the published projection after every change, so these views do not.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarkiv.access.publication import service
from samarkiv.access.publication.choices import MarkingTarget, Visibility
from samarkiv.accounts.roles import Permission
from samarkiv.web.manage.flash import notices, notify
from samarkiv.web.scoping import requires
from samarkiv.web.secrecy.forms import RuleForm, marking_form

WIDER_TARGETS = {
    "series": gettext_lazy("serie"),
    "classification": gettext_lazy("klass"),
    "agreement": gettext_lazy("leveransöverenskommelse"),
}


@require_GET
@requires(Permission.VIEW_CONTENT)
def overview(request: HttpRequest) -> HttpResponse:
    """Counts per visibility and the worklist of secrecy that ends within a year."""
    scope = request.acting
    data = service.overview(scope)
    counts = [(Visibility(k).label, n) for k, n in data.counts.items()]
    context = {
        "counts": counts,
        "worklist": [(row, data.titles.get(row.pk, "")) for row in data.worklist],
        "markings": service.list_markings(scope).exclude(
            target__in=[MarkingTarget.RECORD, MarkingTarget.FILE]
        ),
        "can_change": scope.can(Permission.DECIDE),
        "notices": notices(request),
    }
    return render(request, "secrecy/overview.html", context)


@require_GET
@requires(Permission.VIEW_CONTENT)
def rules(request: HttpRequest) -> HttpResponse:
    scope = request.acting
    context = {
        "rules": service.list_rules(scope).order_by("-active", "name"),
        "can_change": scope.can(Permission.DECIDE),
        "notices": notices(request),
    }
    return render(request, "secrecy/rules.html", context)


def _rule_initial(rule) -> dict:
    return {
        "name": rule.name,
        "publish": "1" if rule.publish else "0",
        "document_type": rule.document_type,
        "classification_prefix": rule.classification_prefix,
        "records_creator": rule.records_creator,
        "series": rule.series_id,
        "min_age_years": rule.min_age_years,
    }


def _rule_page(request: HttpRequest, rule) -> HttpResponse:
    scope = request.acting
    tenant = scope.tenant
    initial = _rule_initial(rule) if rule else {}
    form = RuleForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if rule is None:
            data["active"] = True
        service.save_rule(scope, rule, data)
        notify(request, _("Publiceringsregeln är sparad och publiceringen är omräknad."))
        return redirect("secrecy_ui:rules")
    return render(request, "secrecy/rule_form.html", {"form": form, "rule": rule})


@require_http_methods(["GET", "POST"])
@requires(Permission.DECIDE)
def rule_new(request: HttpRequest) -> HttpResponse:
    return _rule_page(request, None)


@require_http_methods(["GET", "POST"])
@requires(Permission.DECIDE)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_page(request, service.get_rule(request.acting, pk))


@require_POST
@requires(Permission.DECIDE)
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    rule = service.deactivate_rule(request.acting, pk)
    notify(request, _("Regeln ”%(name)s” är avaktiverad.") % {"name": rule.name})
    return redirect("secrecy_ui:rules")


@require_http_methods(["GET", "POST"])
@requires(Permission.DECIDE)
def marking_new(request: HttpRequest) -> HttpResponse:
    """A marking on one of the tenant's series, classes or agreements (``?target=``)."""
    target = request.GET.get("target", "series")
    if target not in WIDER_TARGETS:
        target = "series"
    scope = request.acting
    form, field = marking_form(request.POST or None, target, scope.tenant)
    if request.method == "POST" and form.is_valid():
        service.add_marking(scope, target, form.cleaned_data)
        notify(request, _("Sekretessmarkeringen är sparad och publiceringen är omräknad."))
        return redirect("secrecy_ui:overview")
    context = {
        "form": form,
        "target_label": WIDER_TARGETS[target],
        "record": None,
        "targets": WIDER_TARGETS,
        "target": target,
    }
    return render(request, "secrecy/marking_form.html", context)


@require_http_methods(["GET", "POST"])
@requires(Permission.DECIDE)
def record_marking_new(request: HttpRequest, record_id) -> HttpResponse:
    """A marking on one record (or one of its files), from the staff record page."""
    from samarkiv.catalog.records import queries

    scope = request.acting
    record = queries.get_record(scope, record_id)
    paths = list(record.files.order_by("aip_file__path").values_list("aip_file__path", flat=True))
    form, _field = marking_form(request.POST or None, "record", scope.tenant, paths)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, record_id=record.pk)
        target = MarkingTarget.FILE if data.get("file_path") else MarkingTarget.RECORD
        service.add_marking(scope, target, data)
        notify(request, _("Sekretessmarkeringen är sparad och publiceringen är omräknad."))
        return redirect(reverse("search_ui:record", kwargs={"pk": record.pk}))
    context = {"form": form, "target_label": _("post"), "record": record}
    return render(request, "secrecy/marking_form.html", context)


@require_POST
@requires(Permission.DECIDE)
def marking_delete(request: HttpRequest, pk: int) -> HttpResponse:
    marking = service.delete_marking(request.acting, pk)
    notify(request, _("Sekretessmarkeringen är borttagen och publiceringen är omräknad."))
    if marking.record_id:
        return redirect(reverse("search_ui:record", kwargs={"pk": marking.record_id}))
    return redirect("secrecy_ui:overview")
