"""The arkivförteckning as EAD3, validated against the vendored schema before it leaves.

Why EAD3: it is what archival description systems and national finding-aid databases
(NAD) exchange, and unlike a homemade XML it can be checked by anyone. Why validate on
every export: an export that does not validate is a bug here, and it must fail loudly
rather than reach another system. The schema is read offline from
``samarkiv/packages/schemas/ead3/ead3.xsd`` (a byte-for-byte copy of EAD3 1.1.1); a
resolver maps the W3C ``xml``/XLink schemas to the vendored copies and refuses
anything else, so compiling it never touches the network.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

import samarkiv
from samarkiv.catalog.inventory import CreatorInfo, Inventory, Unit
from samarkiv.errors import SamarkivError

NS = "http://ead3.archivists.org/schema/"
SCHEMAS = Path(samarkiv.__file__).parent / "packages" / "schemas"
EAD3_XSD = SCHEMAS / "ead3" / "ead3.xsd"
LOCAL_IMPORTS = {
    "http://www.w3.org/2001/xml.xsd": SCHEMAS / "xml.xsd",
    "http://www.loc.gov/standards/xlink/xlink.xsd": SCHEMAS / "xlink.xsd",
}
MAX_LEVEL = 12  # c01 ... c12
AGENT = f"samarkiv {getattr(samarkiv, '__version__', '')}".strip()


class InvalidEadError(SamarkivError):
    """The export does not validate against EAD3: a fault in samarkiv, not in the data."""

    code = "invalid_ead"
    http_status = 500

    def __init__(self, errors: list[str]) -> None:
        super().__init__("EAD3 export does not validate: " + "; ".join(errors[:5]))
        self.errors = errors


class _OfflineResolver(etree.Resolver):
    def resolve(self, url, public_id, context):
        local = LOCAL_IMPORTS.get(url or "")
        if local is not None:
            return self.resolve_filename(str(local), context)
        if url and not url.startswith(("http:", "https:", "ftp:")):
            return None  # a relative file next to the schema: lxml reads it
        raise etree.XMLSchemaParseError(f"refusing to fetch {url} while compiling EAD3")


def compile_offline(path: Path) -> etree.XMLSchema:
    """An XML Schema whose imports resolve to vendored files only, never the network."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_OfflineResolver())
    return etree.XMLSchema(etree.parse(str(path), parser))


@functools.cache
def schema() -> etree.XMLSchema:
    return compile_offline(EAD3_XSD)


def validation_errors(document: bytes) -> list[str]:
    """Why ``document`` is not valid EAD3 (empty when it is)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    try:
        tree = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed: {exc}"]
    ead = schema()
    if ead.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in ead.error_log]


# --------------------------------------------------------------------------- building


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrib) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: v for k, v in attrib.items() if v})
    if text:
        element.text = text
    return element


def _paragraphs(parent: etree._Element, text: str) -> None:
    for chunk in [c.strip() for c in text.replace("\r\n", "\n").split("\n\n")]:
        if chunk:
            _el(parent, "p", " ".join(chunk.split()))


def _control(root: etree._Element, inventory: Inventory) -> None:
    control = _el(root, "control", langencoding="iso639-2b", dateencoding="iso8601")
    _el(control, "recordid", inventory.record_id)
    filedesc = _el(control, "filedesc")
    titlestmt = _el(filedesc, "titlestmt")
    _el(titlestmt, "titleproper", inventory.title)
    _el(titlestmt, "subtitle", inventory.tenant_name)
    stmt = _el(filedesc, "publicationstmt")
    _el(stmt, "publisher", inventory.tenant_name)
    stamp = timezone.localtime(inventory.generated_at)
    _el(stmt, "date", stamp.date().isoformat(), normal=stamp.date().isoformat())
    _el(control, "maintenancestatus", value="derived")
    agency = _el(control, "maintenanceagency", countrycode="SE")
    if inventory.tenant_org_number:
        _el(agency, "otheragencycode", inventory.tenant_org_number, localtype="organisationsnummer")
    _el(agency, "agencyname", inventory.tenant_name)
    language = _el(control, "languagedeclaration")
    _el(language, "language", "svenska", langcode="swe")
    _el(language, "script", "latinsk skrift", scriptcode="Latn")
    convention = _el(control, "conventiondeclaration")
    _el(convention, "citation", "Allmänna arkivschemat; RA-FS 2008:4 (verksamhetsbaserad)")
    event = _el(_el(control, "maintenancehistory"), "maintenanceevent")
    _el(event, "eventtype", value="derived")
    _el(
        event,
        "eventdatetime",
        stamp.isoformat(timespec="seconds"),
        standarddatetime=stamp.isoformat(timespec="seconds"),
    )
    _el(event, "agenttype", value="machine")
    _el(event, "agent", AGENT)
    _el(event, "eventdescription", _("Exporterad ur kommunens arkivredovisning i samarkiv."))


def _did(parent: etree._Element, unit: Unit, tenant_name: str, top: bool) -> None:
    did = _el(parent, "did")
    _el(did, "unitid", unit.unitid)
    _el(did, "unittitle", unit.title)
    if unit.date_start or unit.date_end:
        normal = "/".join(d.isoformat() if d else ".." for d in (unit.date_start, unit.date_end))
        _el(did, "unitdate", unit.period, unitdatetype="inclusive", normal=normal)
    if unit.creator is not None:
        origination = _el(did, "origination", label="Arkivbildare")
        _el(_el(origination, "corpname", identifier=unit.creator.code), "part", unit.creator.name)
    if top:
        _el(_el(_el(did, "repository"), "corpname"), "part", tenant_name)
    for aip in unit.aips:
        _el(
            did,
            "dao",
            daotype="borndigital",
            localtype="aip",
            href=aip.id,
            identifier=aip.id,
            linktitle=" ".join((aip.label or aip.id).split()),
        )


def _bioghist(parent: etree._Element, creator: CreatorInfo) -> None:
    period = _period_sentence(creator)
    if not creator.description and not period:
        return
    bioghist = _el(parent, "bioghist")
    _el(bioghist, "head", _("Arkivbildarhistorik"))
    if period:
        _el(bioghist, "p", period)
    _paragraphs(bioghist, creator.description)


def _period_sentence(creator: CreatorInfo) -> str:
    start, end = creator.active_from, creator.active_until
    if start and end:
        return _("Verksam %(start)s–%(end)s.") % {
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
    if start:
        return _("Verksam från %(start)s.") % {"start": start.isoformat()}
    if end:
        return _("Verksam till %(end)s.") % {"end": end.isoformat()}
    return ""


def _relations(parent: etree._Element, creator: CreatorInfo) -> None:
    """Predecessors and successors as corporate-body relations (the provenance chain)."""
    links = [("predecessor", n) for n in creator.predecessors]
    links += [("successor", n) for n in creator.successors]
    if not links:
        return
    relations = _el(parent, "relations")
    for direction, neighbour in links:
        relation = _el(relations, "relation", relationtype="cpfrelation")
        _el(relation, "relationentry", neighbour.name, localtype=direction)
        if neighbour.date:
            stamp = neighbour.date.isoformat()
            _el(relation, "datesingle", stamp, standarddate=stamp)
        note = _el(relation, "descriptivenote")
        _el(note, "p", f"{neighbour.kind_label} ({neighbour.kind})")


def _describe(element: etree._Element, unit: Unit, tenant_name: str, top: bool) -> None:
    _did(element, unit, tenant_name, top)
    if unit.creator is not None:
        _bioghist(element, unit.creator)
    if unit.note:
        _paragraphs(_el(element, "scopecontent"), unit.note)
    if unit.creator is not None:
        _relations(element, unit.creator)


def _component(parent: etree._Element, unit: Unit, depth: int, tenant_name: str) -> None:
    if depth > MAX_LEVEL:
        raise InvalidEadError([f"the inventory is deeper than c{MAX_LEVEL}"])
    element = _el(parent, f"c{depth:02d}", level=unit.level, otherlevel=unit.otherlevel)
    _describe(element, unit, tenant_name, top=False)
    for child in unit.children:
        _component(element, child, depth + 1, tenant_name)


def build(inventory: Inventory) -> bytes:
    """The EAD3 document of ``inventory`` (not yet validated: see ``export``)."""
    root = etree.Element(f"{{{NS}}}ead", nsmap={None: NS})
    _control(root, inventory)
    top = inventory.top
    archdesc = _el(root, "archdesc", level=top.level, otherlevel=top.otherlevel)
    _describe(archdesc, top, inventory.tenant_name, top=True)
    if top.children:
        dsc = _el(archdesc, "dsc")
        for child in top.children:
            _component(dsc, child, 1, inventory.tenant_name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export(inventory: Inventory) -> bytes:
    """The EAD3 document, only if it validates; InvalidEadError otherwise."""
    document = build(inventory)
    errors = validation_errors(document)
    if errors:
        raise InvalidEadError(errors)
    return document
