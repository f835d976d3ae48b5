"""The arkivförteckning as a printable PDF/A-3b: title page, creators, series tables.

Why PDF/A: a printed (or filed) arkivförteckning is itself kept, so it is made in an
archival PDF profile with its fonts embedded. WeasyPrint renders a Django template
(the same escaping as the pages); it is given no way to fetch anything, so text typed
into the description cannot make the server load a URL or a local file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from samarkiv.catalog.inventory import AipRef, CreatorInfo, Inventory, Unit

PDF_VARIANT = "pdf/a-3b"


@dataclass
class Block:
    """One table of the printout: a series with its volumes, or a class with its AIPs."""

    unit: Unit
    volumes: list[Unit] = field(default_factory=list)
    aips: list[AipRef] = field(default_factory=list)


@dataclass
class Section:
    """A fonds (or a part of one) and the blocks listed under it."""

    unit: Unit
    creator: CreatorInfo | None
    blocks: list[Block] = field(default_factory=list)
    parts: list[Section] = field(default_factory=list)


def _section(unit: Unit) -> Section:
    section = Section(unit, unit.creator)
    for child in unit.children:
        if child.level in ("subfonds", "fonds"):
            section.parts.append(_section(child))
        else:
            section.blocks.append(Block(child, child.children, child.aips))
    return section


def sections(inventory: Inventory) -> list[Section]:
    top = inventory.top
    fonds = top.children if top.level == "recordgrp" else [top]
    return [_section(unit) for unit in fonds]


def _refuse(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: nothing is fetched (no SSRF, no local file reads)."""
    raise ValueError(f"the inventory PDF fetches no resources ({url[:40]})")


def render_html(inventory: Inventory) -> str:
    context = {
        "inventory": inventory,
        "sections": sections(inventory),
        "generated": timezone.localtime(inventory.generated_at),
    }
    return render_to_string("catalog/inventory_pdf.html", context)


def render(inventory: Inventory) -> bytes:
    """The PDF/A-3b bytes of ``inventory``."""
    from weasyprint import HTML  # heavy (pango, fonts): only when a PDF is asked for

    html = HTML(string=render_html(inventory), url_fetcher=_refuse, base_url=None)
    return html.write_pdf(pdf_variant=PDF_VARIANT)
