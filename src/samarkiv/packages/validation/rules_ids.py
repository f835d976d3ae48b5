"""Identifiers: every @ID is a valid xml:id (NCName) and unique in its METS document.

Each element's own requirement (CSIP18 for dmdSec/@ID, CSIP67 for file/@ID, ...) is
reported, so the finding points at the rule the producer has to fix.
"""

from __future__ import annotations

import re

from lxml import etree

from samarkiv.packages.namespaces import METS
from samarkiv.packages.validation.context import MetsContext

_ID_RULES = {
    "dmdSec": "CSIP18",
    "digiprovMD": "CSIP33",
    "rightsMD": "CSIP46",
    "fileSec": "CSIP59",
    "fileGrp": "CSIP65",
    "file": "CSIP67",
    "structMap": "CSIP83",
}
_DIV_RULES = {
    "Metadata": "CSIP89",
    "Documentation": "CSIP94",
    "Schemas": "CSIP98",
    "Representations": "CSIP102",
}
_NCNAME = re.compile(r"^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*$")


def _rule_for(el: etree._Element) -> str:
    local = etree.QName(el).localname
    if local != "div":
        return _ID_RULES.get(local, "METS-ID-UNIQUE")
    label = el.get("LABEL") or ""
    if label in _DIV_RULES:
        return _DIV_RULES[label]
    if label.startswith("Representations/"):
        return "CSIP106"
    parent = el.getparent()
    if parent is not None and etree.QName(parent).localname == "structMap":
        return "CSIP85"
    return "METS-ID-UNIQUE"


def check_ids(ctx: MetsContext) -> None:
    seen: dict[str, etree._Element] = {}
    for el in ctx.root.iter(etree.Element):
        value = el.get("ID")
        if value is None or etree.QName(el).namespace != METS:
            continue
        rule_id = _rule_for(el)
        local = etree.QName(el).localname
        if not _NCNAME.match(value):
            ctx.add(
                rule_id,
                f"{local}/@ID '{value}' is not a valid XML identifier (it must not start "
                "with a digit or contain spaces)",
                el,
            )
        if value in seen:
            ctx.add(
                rule_id,
                f"{local}/@ID '{value}' is not unique: also used on line {seen[value].sourceline}",
                el,
            )
        else:
            seen[value] = el
