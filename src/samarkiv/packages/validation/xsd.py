"""XML Schema validation of METS documents against vendored, offline schemas.

METS imports XLink from loc.gov; a resolver maps every schema URL to the copy in
``packages/schemas`` so validation never touches the network.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from samarkiv.packages.namespaces import CSIP, METS, SIP, XLINK
from samarkiv.packages.validation.catalogue import schemas_path
from samarkiv.packages.validation.context import MetsContext

MAX_XSD_FINDINGS = 50

_BY_NAME = {
    "mets.xsd": ("mets.xsd",),
    "xlink.xsd": ("xlink.xsd",),
    "xml.xsd": ("xml.xsd",),
    "DILCISExtensionMETS.xsd": ("DILCISExtensionMETS.xsd",),
    "DILCISExtensionSIPMETS.xsd": ("DILCISExtensionSIPMETS.xsd",),
    "CSPackageMETS.xsd": ("fgs1", "CSPackageMETS.xsd"),
    "CSPackageExtensionMETS.xsd": ("fgs1", "CSPackageExtensionMETS.xsd"),
}


class _OfflineResolver(etree.Resolver):
    """Maps any schema URL to a vendored file by its file name; refuses the rest."""

    def resolve(self, url, pubid, context):
        name = (url or "").rsplit("/", 1)[-1]
        parts = _BY_NAME.get(name)
        if parts is None:
            return self.resolve_string("", context)
        return self.resolve_filename(str(schemas_path(*parts)), context)


def _wrapper(imports: dict[str, str]) -> bytes:
    lines = [
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'targetNamespace="urn:samarkiv:schema-wrapper">'
    ]
    for namespace, location in imports.items():
        lines.append(f'<xs:import namespace="{namespace}" schemaLocation="{location}"/>')
    lines.append("</xs:schema>")
    return "\n".join(lines).encode()


def _build(imports: dict[str, str]) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_OfflineResolver())
    base = str(schemas_path("samarkiv-wrapper.xsd"))
    doc = etree.fromstring(_wrapper(imports), parser, base_url=base)
    return etree.XMLSchema(etree.ElementTree(doc))


@cache
def eark_schema() -> etree.XMLSchema:
    """METS 1.12 + CSIP + SIP extensions + XLink."""
    return _build(
        {
            METS: "mets.xsd",
            XLINK: "xlink.xsd",
            CSIP: "DILCISExtensionMETS.xsd",
            SIP: "DILCISExtensionSIPMETS.xsd",
        }
    )


@cache
def fgs1_schema() -> etree.XMLSchema:
    """Riksarkivet's adapted METS (FGS Paketstruktur 1.x) + its extension."""
    return _build(
        {
            METS: "fgs1/CSPackageMETS.xsd",
            "ExtensionMETS": "fgs1/CSPackageExtensionMETS.xsd",
            XLINK: "xlink.xsd",
        }
    )


def check_schema(ctx: MetsContext, schema: etree.XMLSchema) -> None:
    if schema.validate(ctx.tree):
        return
    errors = list(schema.error_log)
    for err in errors[:MAX_XSD_FINDINGS]:
        ctx.package.add(
            "METS-XSD",
            f"schema: {err.message}",
            path=ctx.rel_path,
            line=err.line or None,
        )
    if len(errors) > MAX_XSD_FINDINGS:
        ctx.package.add(
            "METS-XSD",
            f"{len(errors) - MAX_XSD_FINDINGS} more schema errors not listed",
            path=ctx.rel_path,
        )


def schema_file(name: str) -> Path:
    return schemas_path(name)
