"""The arkivförteckning as files: EAD3 (validated) and PDF/A, per creator or per tenant.

Every export is written to the audit log: a finding aid leaves the archive with it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from samarkiv.accounts.roles import Permission
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.catalog import ead3, inventory_pdf
from samarkiv.catalog.inventory import Inventory, creator_inventory, tenant_inventory
from samarkiv.web.scoping import requires

READ = Permission.VIEW_DELIVERIES
TYPES = {"xml": "application/xml; charset=utf-8", "pdf": "application/pdf"}


def _answer(request: HttpRequest, inventory: Inventory, kind: str) -> HttpResponse:
    body = ead3.export(inventory) if kind == "xml" else inventory_pdf.render(inventory)
    record(
        request.acting,
        AuditAction.EXPORT,
        object_type="catalog.inventory",
        object_id=inventory.record_id,
        tenant=inventory.tenant_code,
        detail={"format": "ead3" if kind == "xml" else "pdf", "bytes": len(body)},
    )
    response = HttpResponse(body, content_type=TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{inventory.filename}.{kind}"'
    return response


@require_GET
@requires(READ)
def inventory_xml(request: HttpRequest, code: str) -> HttpResponse:
    return _answer(request, creator_inventory(request.acting, code), "xml")


@require_GET
@requires(READ)
def inventory_pdf_view(request: HttpRequest, code: str) -> HttpResponse:
    return _answer(request, creator_inventory(request.acting, code), "pdf")


@require_GET
@requires(READ)
def tenant_inventory_xml(request: HttpRequest) -> HttpResponse:
    return _answer(request, tenant_inventory(request.acting), "xml")


@require_GET
@requires(READ)
def tenant_inventory_pdf(request: HttpRequest) -> HttpResponse:
    return _answer(request, tenant_inventory(request.acting), "pdf")
