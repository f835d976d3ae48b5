"""The delivery plan for the cooperation council: CSV and PDF (with its charts).

Why a PDF at all: the council adopts the plan at a meeting and files the decision
document; the CSV is for those who go on in a spreadsheet. Both come from the planner's
view of the plan (``plan_view.planner_rows``), so neither shows more than the page.
The PDF is rendered like the arkivförteckning (``catalog.inventory_pdf``): a Django
template through WeasyPrint, with a URL fetcher that fetches nothing.
"""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string
from django.utils import timezone

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.planning.plan_view import PlanRow, figures, planner_rows
from samarkiv.planning.service import label, plan_settings

CSV_HEADERS = [
    "kvartal",
    "system",
    "leverantör",
    "kommun",
    "poäng",
    "insats_timmar",
    "årlig_kostnad",
    "pilot",
    "fäst",
    "förklaring",
    "faktorer",
]


def _refuse(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: nothing is fetched (no SSRF, no local file reads)."""
    raise ValueError(f"the plan PDF fetches no resources ({url[:40]})")


def _factors(row: PlanRow) -> str:
    return "; ".join(
        f"{f['label']} {f['value']:g}×{f['weight']}={f['contribution']:g} ({f['reason']})"
        for f in row.factors
    )


def plan_csv(scope: Scope) -> bytes:
    """The plan as CSV (';', UTF-8 with BOM); host planners only; audited as export."""
    scope.require(Permission.PLAN_DELIVERIES)
    rows = planner_rows(scope)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for row in rows:
        writer.writerow(
            [
                row.quarter_label,
                row.product,
                row.vendor,
                row.municipality,
                f"{row.score:.1f}",
                row.effort,
                row.yearly_cost,
                "ja" if row.pilot else "nej",
                "ja" if row.pinned else "nej",
                " ".join(r["text"] for r in row.reasons),
                _factors(row),
            ]
        )
    record(scope, AuditAction.EXPORT, object_type="planning.plan", object_id="plan.csv",
           detail={"rows": len(rows)})  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_html(scope: Scope) -> str:
    settings = plan_settings()
    rows = planner_rows(scope)
    context = {
        "rows": rows,
        "settings": settings,
        "figures": figures(rows, settings),
        "generated": timezone.localtime(),
        "first_label": label(settings, 0),
        "last_label": label(settings, settings.quarters - 1),
    }
    return render_to_string("planning/plan_pdf.html", context)


def plan_pdf(scope: Scope) -> bytes:
    """The plan as PDF: summary, the three charts (a page each), the table."""
    scope.require(Permission.PLAN_DELIVERIES)
    from weasyprint import HTML  # heavy (pango, fonts): only when a PDF is asked for

    html = HTML(string=render_html(scope), url_fetcher=_refuse, base_url=None)
    data = html.write_pdf()
    record(scope, AuditAction.EXPORT, object_type="planning.plan", object_id="plan.pdf")
    return data
