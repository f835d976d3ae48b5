"""One broken requirement at a time: mutate a valid corpus package, expect its rule.

The held-out part of the E-ARK corpus is built the same way, so these tests cover the
requirements the shared cases do not.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from samarkiv.packages.namespaces import CSIP, METS, SIP, XLINK, q
from samarkiv.packages.validation import validate_package
from samarkiv.testing import unpack_corpus

MINIMAL = "CSIP/CSIP1/valid/minimal_IP_with_1_representation"
FULL = "CSIP/CSIP35/valid/valid_IP_with_SHOULD_MAY_1_rep"
SIPPKG = "SIP/SIP4/valid/minimal_SIP_plus_mets_SHOULD_MAY_items"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return unpack_corpus(tmp_path_factory.mktemp("corpus-mut"))


def _m(tag: str) -> str:
    return q(METS, tag)


def first(root, *path: str):
    el = root
    for step in path:
        el = el.find(_m(step))
    return el


def delete_attr(path: tuple[str, ...], attr: str) -> Callable:
    def mutate(root):
        del first(root, *path).attrib[attr]

    return mutate


def set_attr(path: tuple[str, ...], attr: str, value: str) -> Callable:
    def mutate(root):
        first(root, *path).set(attr, value)

    return mutate


def remove(path: tuple[str, ...]) -> Callable:
    def mutate(root):
        el = first(root, *path)
        el.getparent().remove(el)

    return mutate


def on_all(tag: str, attr: str, value: str | None) -> Callable:
    def mutate(root):
        for el in root.iter(_m(tag)):
            if value is None:
                el.attrib.pop(attr, None)
            else:
                el.set(attr, value)

    return mutate


def drop_fptrs(div) -> None:
    for fptr in div.findall(_m("fptr")):
        div.remove(fptr)


def divs(root):
    return first(root, "structMap", "div").findall(_m("div"))


def div_labelled(label: str):
    def get(root):
        return next(d for d in divs(root) if d.get("LABEL") == label)

    return get


def on_div(label: str, change: Callable) -> Callable:
    def mutate(root):
        change(div_labelled(label)(root))

    return mutate


HDR = ("metsHdr",)
AGENT = ("metsHdr", "agent")
DMD_REF = ("dmdSec", "mdRef")
DIGI_REF = ("amdSec", "digiprovMD", "mdRef")
RIGHTS_REF = ("amdSec", "rightsMD", "mdRef")
FILE = ("fileSec", "fileGrp", "file")
FLOCAT = ("fileSec", "fileGrp", "file", "FLocat")

CASES = [
    # (base, name, mutation, rule id, severity)
    (MINIMAL, "no OBJID", delete_attr((), "OBJID"), "CSIP1", "error"),
    (MINIMAL, "no TYPE", delete_attr((), "TYPE"), "CSIP2", "error"),
    (MINIMAL, "TYPE not in vocabulary", set_attr((), "TYPE", "Books"), "CSIP2", "error"),
    (MINIMAL, "OTHER without OTHERTYPE", set_attr((), "TYPE", "Other"), "CSIP3", "warning"),
    (
        MINIMAL,
        "bad CONTENTINFORMATIONTYPE",
        set_attr((), q(CSIP, "CONTENTINFORMATIONTYPE"), "PDF"),
        "CSIP4",
        "error",
    ),
    (
        MINIMAL,
        "OTHER CIT w/o other",
        set_attr((), q(CSIP, "CONTENTINFORMATIONTYPE"), "OTHER"),
        "CSIP5",
        "error",
    ),
    (MINIMAL, "no PROFILE", delete_attr((), "PROFILE"), "CSIP6", "error"),
    (MINIMAL, "no CREATEDATE", delete_attr(HDR, "CREATEDATE"), "CSIP7", "error"),
    (MINIMAL, "bad CREATEDATE", set_attr(HDR, "CREATEDATE", "14/04/2019"), "CSIP7", "error"),
    (MINIMAL, "no agent", remove(AGENT), "CSIP10", "error"),
    (MINIMAL, "agent not CREATOR", set_attr(AGENT, "ROLE", "EDITOR"), "CSIP11", "error"),
    (MINIMAL, "agent OTHERTYPE", set_attr(AGENT, "OTHERTYPE", "HARDWARE"), "CSIP13", "error"),
    (MINIMAL, "agent no name", remove(("metsHdr", "agent", "name")), "CSIP14", "error"),
    (MINIMAL, "agent no note", remove(("metsHdr", "agent", "note")), "CSIP15", "error"),
    (
        MINIMAL,
        "note type",
        delete_attr(("metsHdr", "agent", "note"), q(CSIP, "NOTETYPE")),
        "CSIP16",
        "error",
    ),
    (FULL, "dmdSec no ID", delete_attr(("dmdSec",), "ID"), "CSIP18", "error"),
    (FULL, "dmdSec ID digit", set_attr(("dmdSec",), "ID", "1abc"), "CSIP18", "error"),
    (FULL, "dmdSec no CREATED", delete_attr(("dmdSec",), "CREATED"), "CSIP19", "error"),
    (FULL, "dmdSec no mdRef", remove(DMD_REF), "CSIP21", "warning"),
    (FULL, "dmd href", delete_attr(DMD_REF, q(XLINK, "href")), "CSIP24", "error"),
    (FULL, "dmd MDTYPE", delete_attr(DMD_REF, "MDTYPE"), "CSIP25", "error"),
    (FULL, "dmd MIMETYPE", set_attr(DMD_REF, "MIMETYPE", "text/nonsense"), "CSIP26", "error"),
    (FULL, "dmd SIZE", delete_attr(DMD_REF, "SIZE"), "CSIP27", "error"),
    (FULL, "dmd CHECKSUM", delete_attr(DMD_REF, "CHECKSUM"), "CSIP29", "error"),
    (FULL, "dmd CHECKSUMTYPE", set_attr(DMD_REF, "CHECKSUMTYPE", "SHA-3"), "CSIP30", "error"),
    (FULL, "no amdSec", remove(("amdSec",)), "CSIP31", "error"),
    (FULL, "digiprov ID", delete_attr(("amdSec", "digiprovMD"), "ID"), "CSIP33", "error"),
    (
        FULL,
        "digiprov STATUS",
        set_attr(("amdSec", "digiprovMD"), "STATUS", "OLD"),
        "CSIP34",
        "error",
    ),
    (FULL, "digiprov LOCTYPE", set_attr(DIGI_REF, "LOCTYPE", "URN"), "CSIP36", "error"),
    (FULL, "digiprov xlink type", delete_attr(DIGI_REF, q(XLINK, "type")), "CSIP37", "error"),
    (FULL, "digiprov href", delete_attr(DIGI_REF, q(XLINK, "href")), "CSIP38", "error"),
    (FULL, "digiprov MIMETYPE", delete_attr(DIGI_REF, "MIMETYPE"), "CSIP40", "error"),
    (FULL, "digiprov CREATED", delete_attr(DIGI_REF, "CREATED"), "CSIP42", "error"),
    (FULL, "rights ID", delete_attr(("amdSec", "rightsMD"), "ID"), "CSIP46", "error"),
    (FULL, "rights mdRef", remove(RIGHTS_REF), "CSIP48", "warning"),
    (FULL, "rights xlink", set_attr(RIGHTS_REF, q(XLINK, "type"), "extended"), "CSIP50", "error"),
    (FULL, "rights MDTYPE", set_attr(RIGHTS_REF, "MDTYPE", "JSON"), "CSIP52", "error"),
    (FULL, "rights SIZE", set_attr(RIGHTS_REF, "SIZE", "big"), "CSIP54", "error"),
    (FULL, "rights CREATED", delete_attr(RIGHTS_REF, "CREATED"), "CSIP55", "error"),
    (FULL, "rights CHECKSUM", delete_attr(RIGHTS_REF, "CHECKSUM"), "CSIP56", "error"),
    (MINIMAL, "no fileSec ID", delete_attr(("fileSec",), "ID"), "CSIP59", "error"),
    (MINIMAL, "no Documentation grp", remove(("fileSec", "fileGrp")), "CSIP60", "error"),
    (MINIMAL, "no USE", delete_attr(("fileSec", "fileGrp"), "USE"), "CSIP64", "error"),
    (MINIMAL, "no grp ID", delete_attr(("fileSec", "fileGrp"), "ID"), "CSIP65", "error"),
    (MINIMAL, "empty grp", remove(FILE), "CSIP66", "error"),
    (MINIMAL, "file ID", delete_attr(FILE, "ID"), "CSIP67", "error"),
    (MINIMAL, "file MIMETYPE", delete_attr(FILE, "MIMETYPE"), "CSIP68", "error"),
    (MINIMAL, "file CHECKSUM", delete_attr(FILE, "CHECKSUM"), "CSIP71", "error"),
    (
        MINIMAL,
        "file CHECKSUM wrong",
        set_attr(FILE, "CHECKSUM", "0" * 32),
        "FIXITY-CHECKSUM",
        "error",
    ),
    (MINIMAL, "FLocat xlink type", delete_attr(FLOCAT, q(XLINK, "type")), "CSIP78", "error"),
    (MINIMAL, "FLocat href", delete_attr(FLOCAT, q(XLINK, "href")), "CSIP79", "error"),
    (
        MINIMAL,
        "FLocat href missing file",
        set_attr(FLOCAT, q(XLINK, "href"), "documentation/nope.txt"),
        "REFERENCE-MISSING",
        "error",
    ),
    (
        MINIMAL,
        "FLocat href escapes",
        set_attr(FLOCAT, q(XLINK, "href"), "../../etc/passwd"),
        "REFERENCE-OUTSIDE",
        "error",
    ),
    (MINIMAL, "no structMap", remove(("structMap",)), "CSIP80", "error"),
    (MINIMAL, "structMap TYPE", set_attr(("structMap",), "TYPE", "LOGICAL"), "CSIP81", "error"),
    (MINIMAL, "structMap LABEL", set_attr(("structMap",), "LABEL", "E-ARK"), "CSIP82", "error"),
    (MINIMAL, "structMap ID", delete_attr(("structMap",), "ID"), "CSIP83", "error"),
    (MINIMAL, "main div ID", delete_attr(("structMap", "div"), "ID"), "CSIP85", "error"),
    (
        MINIMAL,
        "metadata div ID",
        on_div("Metadata", lambda d: d.attrib.pop("ID")),
        "CSIP89",
        "error",
    ),
    (
        MINIMAL,
        "doc div removed",
        on_div("Documentation", lambda d: d.getparent().remove(d)),
        "CSIP93",
        "warning",
    ),
    (
        MINIMAL,
        "doc div ID",
        on_div("Documentation", lambda d: d.attrib.pop("ID")),
        "CSIP94",
        "error",
    ),
    (
        MINIMAL,
        "doc div label case",
        on_div("Documentation", lambda d: d.set("LABEL", "documentation")),
        "CSIP95",
        "error",
    ),
    (MINIMAL, "doc fptr", on_div("Documentation", drop_fptrs), "CSIP96", "error"),
    (
        MINIMAL,
        "schemas div removed",
        on_div("Schemas", lambda d: d.getparent().remove(d)),
        "CSIP97",
        "warning",
    ),
    (MINIMAL, "schemas div ID", on_div("Schemas", lambda d: d.attrib.pop("ID")), "CSIP98", "error"),
    (MINIMAL, "schemas fptr", on_div("Schemas", drop_fptrs), "CSIP100", "error"),
    (
        MINIMAL,
        "reps div ID",
        on_div("Representations", lambda d: d.attrib.pop("ID")),
        "CSIP102",
        "error",
    ),
    (MINIMAL, "reps fptr", on_div("Representations", drop_fptrs), "CSIP104", "error"),
    (
        MINIMAL,
        "no Representations grp",
        lambda r: first(r, "fileSec").remove(first(r, "fileSec").findall(_m("fileGrp"))[2]),
        "CSIP114",
        "error",
    ),
    (
        MINIMAL,
        "no Schemas grp",
        lambda r: first(r, "fileSec").remove(first(r, "fileSec").findall(_m("fileGrp"))[1]),
        "CSIP113",
        "error",
    ),
    (
        MINIMAL,
        "reps grp no CIT",
        lambda r: (
            first(r, "fileSec")
            .findall(_m("fileGrp"))[2]
            .attrib.pop(q(CSIP, "CONTENTINFORMATIONTYPE"))
        ),
        "CSIP62",
        "warning",
    ),
    (
        MINIMAL,
        "reps grp bad CIT",
        lambda r: (
            first(r, "fileSec")
            .findall(_m("fileGrp"))[2]
            .set(q(CSIP, "CONTENTINFORMATIONTYPE"), "Word")
        ),
        "CSIP62",
        "error",
    ),
    (
        MINIMAL,
        "OAISPACKAGETYPE missing",
        delete_attr(HDR, q(CSIP, "OAISPACKAGETYPE")),
        "CSIP9",
        "error",
    ),
    (
        FULL,
        "metadata DMDID missing",
        on_div("Metadata", lambda d: d.attrib.pop("DMDID")),
        "CSIP92",
        "error",
    ),
    (
        SIPPKG,
        "SIP PROFILE",
        set_attr((), "PROFILE", "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"),
        "SIP2",
        "error",
    ),
    (SIPPKG, "SIP no LABEL", delete_attr((), "LABEL"), "SIP1", "info"),
    (SIPPKG, "SIP RECORDSTATUS", set_attr(HDR, "RECORDSTATUS", "ANCIENT"), "SIP3", "info"),
    (SIPPKG, "SIP agent role", on_all("agent", "ROLE", None), "SIP10", "error"),
    (SIPPKG, "SIP submitting agent", on_all("agent", "TYPE", "OTHER"), "SIP15", "error"),
    (
        SIPPKG,
        "SIP format version empty",
        on_all("file", q(SIP, "FILEFORMATVERSION"), " "),
        "SIP33",
        "warning",
    ),
    (
        SIPPKG,
        "SIP registry key empty",
        on_all("file", q(SIP, "FORMATREGISTRYKEY"), ""),
        "SIP35",
        "warning",
    ),
]


def _prepare(corpus: Path, tmp_path: Path, base: str, mutate: Callable) -> Path:
    source = corpus / base
    target = tmp_path / source.name
    shutil.copytree(source, target)
    mets = target / "METS.xml"
    tree = etree.parse(str(mets))
    mutate(tree.getroot())
    tree.write(str(mets), xml_declaration=True, encoding="UTF-8")
    return target


@pytest.mark.parametrize(
    ("base", "name", "mutate", "rule_id", "severity"), CASES, ids=[c[1] for c in CASES]
)
def test_a_broken_requirement_is_reported_under_its_id(
    corpus, tmp_path, base, name, mutate, rule_id, severity
):
    def count(report):
        return sum(
            1
            for f in report.findings
            if f.rule_id == rule_id and f.effective_severity.value == severity
        )

    before = validate_package(corpus / base)
    report = validate_package(_prepare(corpus, tmp_path, base, mutate))
    hits = [f for f in report.findings if f.rule_id == rule_id]
    assert count(report) > count(before) or (count(before) == 0 and count(report)), [
        (f.rule_id, f.effective_severity.value, f.message)
        for f in report.findings
        if f.rule_id.startswith(rule_id[:4])
    ]
    assert all(f.path for f in hits), "every finding names its file"
