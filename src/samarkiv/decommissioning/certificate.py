"""The decommissioning certificate (avvecklingsintyg) as a PDF/A-3b.

Why a PDF and why PDF/A: the certificate is the municipality's evidence that the
system's data is preserved before the system is switched off, so it is filed and kept
itself. It names what was archived (tables, rows, checksums), the AIP, who approved it
and when. Rendered by WeasyPrint from a Django template (autoescaped), with a URL
fetcher that fetches nothing, as the inventory PDF is.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from samarkiv.decommissioning.models import Decommissioning

PDF_VARIANT = "pdf/a-3b"


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"the certificate fetches no resources ({url[:40]})")


def render_html(item: Decommissioning, *, issued_by: str) -> str:
    report = item.verification or {}
    context = {
        "item": item,
        "installation": item.installation,
        "product": item.installation.product,
        "tenant": item.tenant,
        "tables": report.get("tables", []),
        "against_source": report.get("against") == "source",
        "total_rows": report.get("total_rows", 0),
        "issued_by": issued_by,
        "issued_at": timezone.localtime(item.certified_at or timezone.now()),
        "approved_at": timezone.localtime(item.approved_at) if item.approved_at else None,
    }
    return render_to_string("databases/certificate_pdf.html", context)


def render_certificate(item: Decommissioning, *, issued_by: str) -> bytes:
    from weasyprint import HTML  # heavy: only when a certificate is made

    html = HTML(string=render_html(item, issued_by=issued_by), url_fetcher=_refuse, base_url=None)
    return html.write_pdf(pdf_variant=PDF_VARIANT)
