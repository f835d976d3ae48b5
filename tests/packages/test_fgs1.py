"""FGS Paketstruktur 1.x rules, checked against a real FGS 1.1 SIP (Sydarkivera, ESSArch ETA).

Each mutation case changes one thing in a temporary copy of the real METS and expects exactly
one rule to fire, at the right level and on the line of the element concerned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from samarkiv.packages.namespaces import FGS_EXT, METS, XLINK, XSI, q
from samarkiv.packages.report import Finding, Level
from samarkiv.packages.validation import fgs1
from samarkiv.packages.validation.context import MetsContext, PackageContext
from samarkiv.packages.validation.fgs1 import (
    FGS1_REQUIREMENTS,
    check_fgs1,
    fgs1_content_paths,
    fgs1_href_to_path,
    fgs1_schema_paths,
    fgs1_version,
    is_fgs1,
    is_xs_datetime,
)

CORPUS = Path("/work/shared/corpus/fgs/sydarkivera-SAWorkflow/af268c33-5ba8-4af5-9a44-039b10126835")
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "mets.xml").exists(), reason="FGS 1.1 sample corpus not available"
)

NS = {"mets": METS, "xlink": XLINK, "ext": FGS_EXT}
EXT = f"{{{FGS_EXT}}}"
ROOT = "/mets:mets"
HDR = "/mets:mets/mets:metsHdr"
FILE1 = "/mets:mets/mets:fileSec/mets:fileGrp/mets:file[1]"
FLOCAT1 = f"{FILE1}/mets:FLocat"
Mutation = Callable[[etree._Element], None]


def agent(role: str, kind: str, extra: str = "") -> str:
    return f"{HDR}/mets:agent[@ROLE='{role}' and @TYPE='{kind}'{extra}]"


def first(root: etree._Element, xpath: str) -> etree._Element:
    return root.xpath(xpath, namespaces=NS)[0]


def set_attr(xpath: str, name: str, value: str) -> Mutation:
    return lambda root: first(root, xpath).set(name, value)


def del_attr(xpath: str, name: str) -> Mutation:
    return lambda root: first(root, xpath).attrib.pop(name)


def remove(xpath: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        for el in root.xpath(xpath, namespaces=NS):
            el.getparent().remove(el)

    return mutate


def set_text(xpath: str, text: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        first(root, xpath).text = text

    return mutate


def add_flocat(root: etree._Element) -> None:
    file_el = first(root, FILE1)
    file_el.append(etree.fromstring(etree.tostring(first(root, FLOCAT1))))


def add_dmdsec(dmd_id: str | None = "dmd1", **overrides: str | None) -> Mutation:
    """Insert a dmdSec/mdRef after metsHdr; an override of None drops that attribute."""

    def mutate(root: etree._Element) -> None:
        dmd = etree.Element(q(METS, "dmdSec"))
        if dmd_id:
            dmd.set("ID", dmd_id)
        attrs = {"LOCTYPE": "URL", "MDTYPE": "EAD", "href": "file:///metadata/ead.xml"}
        attrs.update(overrides)
        ref = etree.SubElement(dmd, q(METS, "mdRef"))
        for name, value in attrs.items():
            if value is not None:
                ref.set(q(XLINK, name) if name == "href" else name, value)
        dmd.tail = "\n  "
        root.insert(1, dmd)

    return mutate


def run(tmp_path: Path, mutate: Mutation | None = None) -> tuple[list[Finding], etree._ElementTree]:
    """Check a (mutated) copy of the sample METS written into ``tmp_path``.

    The copy is parsed back from disk so the line numbers are those of the file checked.
    """
    tree = etree.parse(str(CORPUS / "mets.xml"))
    if mutate is not None:
        mutate(tree.getroot())
    target = tmp_path / "mets.xml"
    tree.write(str(target), xml_declaration=True, encoding="UTF-8")
    tree = etree.parse(str(target))
    pkg = PackageContext(root=tmp_path, version="2.2.0")
    ctx = MetsContext(pkg, tree, "mets.xml", tmp_path)
    check_fgs1(ctx)
    return pkg.findings, tree


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Mutation
    rule: str
    level: Level
    target: str  # XPath of the element the finding must point at
    shows: str = ""  # text the message must contain (the offending value)


SOFTWARE = " and @OTHERTYPE='SOFTWARE'"
CASES = [
    Case("objid-missing", del_attr(ROOT, "OBJID"), "FGS1-OBJID", Level.MUST, ROOT),
    Case(
        "type-unknown", set_attr(ROOT, "TYPE", "Records"), "FGS1-TYPE", Level.MUST, ROOT, "Records"
    ),
    Case("type-missing", del_attr(ROOT, "TYPE"), "FGS1-TYPE", Level.MUST, ROOT, "TYPE"),
    Case("profile-missing", del_attr(ROOT, "PROFILE"), "FGS1-PROFILE", Level.MUST, ROOT),
    Case(
        "profile-typo",
        set_attr(ROOT, "PROFILE", fgs1.FGS1_PROFILE_URI + "l"),
        "FGS1-PROFILE-URI",
        Level.SHOULD,
        ROOT,
        ".xmll",
    ),
    Case("metshdr-createdate", del_attr(HDR, "CREATEDATE"), "FGS1-CREATEDATE", Level.MUST, HDR),
    Case(
        "createdate-format",
        set_attr(HDR, "CREATEDATE", "2017-04-18 16:09:36"),
        "FGS1-DATETIME",
        Level.MUST,
        HDR,
        "2017-04-18 16:09:36",
    ),
    Case(
        "recordstatus",
        set_attr(HDR, "RECORDSTATUS", "DEPOSIT"),
        "FGS1-RECORDSTATUS",
        Level.MUST,
        HDR,
        "DEPOSIT",
    ),
    Case(
        "oaisstatus-missing", del_attr(HDR, f"{EXT}OAISSTATUS"), "FGS1-OAISSTATUS", Level.MUST, HDR
    ),
    Case(
        "oaisstatus-unknown",
        set_attr(HDR, f"{EXT}OAISSTATUS", "SIPP"),
        "FGS1-OAISSTATUS",
        Level.MUST,
        HDR,
        "SIPP",
    ),
    Case(
        "agent-role",
        set_attr(agent("EDITOR", "ORGANIZATION"), "ROLE", "BOSS"),
        "FGS1-AGENT-ROLE",
        Level.MUST,
        f"{HDR}/mets:agent[@ROLE='BOSS']",
        "BOSS",
    ),
    Case(
        "agent-otherrole",
        set_attr(f"{HDR}/mets:agent[@OTHERROLE]", "OTHERROLE", "CONSUMER"),
        "FGS1-AGENT-OTHERROLE",
        Level.MUST,
        f"{HDR}/mets:agent[@OTHERROLE]",
        "CONSUMER",
    ),
    Case(
        "agent-otherrole-missing",
        del_attr(f"{HDR}/mets:agent[@OTHERROLE]", "OTHERROLE"),
        "FGS1-AGENT-OTHERROLE-GIVEN",
        Level.SHOULD,
        f"{HDR}/mets:agent[@ROLE='OTHER']",
    ),
    Case(
        "agent-type",
        set_attr(agent("EDITOR", "ORGANIZATION"), "TYPE", "ROBOT"),
        "FGS1-AGENT-TYPE",
        Level.MUST,
        f"{HDR}/mets:agent[@TYPE='ROBOT']",
        "ROBOT",
    ),
    Case(
        "agent-othertype",
        set_attr(agent("CREATOR", "OTHER"), "OTHERTYPE", "HARDWARE"),
        "FGS1-AGENT-OTHERTYPE",
        Level.MUST,
        agent("CREATOR", "OTHER"),
        "HARDWARE",
    ),
    Case(
        "agent-othertype-missing",
        del_attr(agent("CREATOR", "OTHER"), "OTHERTYPE"),
        "FGS1-AGENT-OTHERTYPE-GIVEN",
        Level.SHOULD,
        agent("CREATOR", "OTHER"),
    ),
    Case(
        "agent-name",
        remove(f"{agent('EDITOR', 'ORGANIZATION')}/mets:name"),
        "FGS1-AGENT-NAME",
        Level.MUST,
        agent("EDITOR", "ORGANIZATION"),
    ),
    Case(
        "archivist-missing",
        remove(agent("ARCHIVIST", "ORGANIZATION")),
        "FGS1-AGENT-ARCHIVIST",
        Level.MUST,
        HDR,
        "ARCHIVIST",
    ),
    Case(
        "archivist-software-missing",
        remove(agent("ARCHIVIST", "OTHER", SOFTWARE)),
        "FGS1-AGENT-ARCHIVIST-SOFTWARE",
        Level.SHOULD,
        HDR,
    ),
    Case(
        "creator-missing",
        remove(agent("CREATOR", "ORGANIZATION")),
        "FGS1-AGENT-CREATOR",
        Level.MUST,
        HDR,
    ),
    Case(
        "creator-individual-missing",
        remove(agent("CREATOR", "INDIVIDUAL")),
        "FGS1-AGENT-CREATOR-INDIVIDUAL",
        Level.SHOULD,
        HDR,
    ),
    Case(
        "preservation-missing",
        remove(agent("PRESERVATION", "ORGANIZATION")),
        "FGS1-AGENT-PRESERVATION",
        Level.SHOULD,
        HDR,
    ),
    Case(
        "altrecordid-type",
        set_attr(f"{HDR}/mets:altRecordID[@TYPE='REFERENCECODE']", "TYPE", "DELIVERYTYPE"),
        "FGS1-ALTRECORDID-TYPE",
        Level.MUST,
        f"{HDR}/mets:altRecordID[@TYPE='DELIVERYTYPE']",
        "DELIVERYTYPE",
    ),
    Case(
        "submissionagreement-empty",
        set_text(f"{HDR}/mets:altRecordID[@TYPE='SUBMISSIONAGREEMENT']", ""),
        "FGS1-SUBMISSIONAGREEMENT",
        Level.SHOULD,
        HDR,
    ),
    Case(
        "appraisal",
        set_attr(ROOT, f"{EXT}APPRAISAL", "Maybe"),
        "FGS1-APPRAISAL",
        Level.MUST,
        ROOT,
        "Maybe",
    ),
    Case(
        "accessrestrict",
        set_attr(ROOT, f"{EXT}ACCESSRESTRICT", "GDPR"),
        "FGS1-ACCESSRESTRICT",
        Level.MUST,
        ROOT,
        "GDPR",
    ),
    Case(
        "agreementform",
        set_attr(ROOT, f"{EXT}AGREEMENTFORM", "LOAN"),
        "FGS1-AGREEMENTFORM",
        Level.MUST,
        ROOT,
        "LOAN",
    ),
    Case(
        "formatregistry",
        set_attr(FILE1, f"{EXT}FORMATREGISTRY", "WIKIDATA"),
        "FGS1-FORMATREGISTRY",
        Level.MUST,
        FILE1,
        "WIKIDATA",
    ),
    Case(
        "startdate-format",
        set_attr(ROOT, f"{EXT}STARTDATE", "2013-01-01"),
        "FGS1-DATETIME",
        Level.MUST,
        ROOT,
        "ext:STARTDATE '2013-01-01'",
    ),
    Case(
        "daterange",
        set_attr(ROOT, f"{EXT}STARTDATE", "2014-01-01T00:00:00+01:00"),
        "FGS1-DATERANGE",
        Level.SHOULD,
        ROOT,
        "2014-01-01",
    ),
    Case(
        "ext-unknown",
        set_attr(HDR, f"{EXT}OAISTATUS", "SIP"),
        "FGS1-EXT-UNKNOWN",
        Level.SHOULD,
        HDR,
        "ext:OAISTATUS",
    ),
    Case(
        "checksumtype",
        set_attr(FILE1, "CHECKSUMTYPE", "CRC32"),
        "FGS1-CHECKSUMTYPE",
        Level.MUST,
        FILE1,
        "CRC32",
    ),
    Case(
        "checksum-missing", del_attr(FILE1, "CHECKSUM"), "FGS1-FILE-CHECKSUM", Level.SHOULD, FILE1
    ),
    Case("size-missing", del_attr(FILE1, "SIZE"), "FGS1-FILE-SIZE", Level.MUST, FILE1),
    Case(
        "size-text", set_attr(FILE1, "SIZE", "36 kB"), "FGS1-FILE-SIZE", Level.MUST, FILE1, "36 kB"
    ),
    Case("size-negative", set_attr(FILE1, "SIZE", "-1"), "FGS1-FILE-SIZE", Level.MUST, FILE1, "-1"),
    Case("mimetype-missing", del_attr(FILE1, "MIMETYPE"), "FGS1-FILE-MIMETYPE", Level.MUST, FILE1),
    Case(
        "mimetype-format",
        set_attr(FILE1, "MIMETYPE", "pdf"),
        "FGS1-FILE-MIMETYPE-FORMAT",
        Level.SHOULD,
        FILE1,
        "'pdf'",
    ),
    Case("created-missing", del_attr(FILE1, "CREATED"), "FGS1-FILE-CREATED", Level.MUST, FILE1),
    Case(
        "created-format",
        set_attr(FILE1, "CREATED", "2017-13-18T16:09:11+02:00"),
        "FGS1-DATETIME",
        Level.MUST,
        FILE1,
        "2017-13-18",
    ),
    Case("file-id-missing", del_attr(FILE1, "ID"), "FGS1-FILE-ID", Level.MUST, FILE1),
    Case(
        "loctype", set_attr(FLOCAT1, "LOCTYPE", "FTP"), "FGS1-LOCTYPE", Level.MUST, FLOCAT1, "FTP"
    ),
    Case("loctype-missing", del_attr(FLOCAT1, "LOCTYPE"), "FGS1-LOCTYPE", Level.MUST, FLOCAT1),
    Case(
        "flocat-href-missing",
        del_attr(FLOCAT1, q(XLINK, "href")),
        "FGS1-FLOCAT",
        Level.MUST,
        FLOCAT1,
    ),
    Case(
        "flocat-relative",
        set_attr(FLOCAT1, q(XLINK, "href"), "content/x.pdf"),
        "FGS1-FLOCAT-URL",
        Level.SHOULD,
        FLOCAT1,
        "content/x.pdf",
    ),
    Case("flocat-twice", add_flocat, "FGS1-FLOCAT", Level.MUST, FILE1, "2 FLocat"),
    Case(
        "filegrp-missing",
        remove("/mets:mets/mets:fileSec/mets:fileGrp"),
        "FGS1-FILEGRP",
        Level.MUST,
        "/mets:mets/mets:fileSec",
    ),
    Case(
        "structmap-missing", remove("/mets:mets/mets:structMap"), "FGS1-STRUCTMAP", Level.MUST, ROOT
    ),
    Case(
        "structmap-no-div",
        remove("/mets:mets/mets:structMap/mets:div"),
        "FGS1-STRUCTMAP",
        Level.MUST,
        "/mets:mets/mets:structMap",
    ),
    Case(
        "fptr-fileid",
        del_attr("(//mets:fptr)[1]", "FILEID"),
        "FGS1-FPTR-FILEID",
        Level.MUST,
        "(//mets:fptr)[1]",
    ),
    Case("dmdsec-id", add_dmdsec(None), "FGS1-MDSEC-ID", Level.MUST, "//mets:dmdSec"),
    Case(
        "mdtype",
        add_dmdsec(MDTYPE="JSON"),
        "FGS1-MDTYPE",
        Level.MUST,
        "//mets:mdRef",
        "JSON",
    ),
    Case("mdref-href", add_dmdsec(href=None), "FGS1-MDREF-HREF", Level.MUST, "//mets:mdRef"),
    Case("mdref-loctype", add_dmdsec(LOCTYPE=None), "FGS1-LOCTYPE", Level.MUST, "//mets:mdRef"),
]


@needs_corpus
def test_sample_is_fgs_1_1() -> None:
    root = etree.parse(str(CORPUS / "mets.xml")).getroot()
    assert is_fgs1(root)
    assert fgs1_version(root) == "1.1"


@needs_corpus
def test_sample_raises_no_must_finding(tmp_path: Path) -> None:
    findings, _ = run(tmp_path)
    assert [f for f in findings if f.level is Level.MUST] == []
    assert findings == []  # the real package is clean; the cases below rely on that


@needs_corpus
def test_valid_dmdsec_raises_nothing(tmp_path: Path) -> None:
    findings, _ = run(tmp_path, add_dmdsec())
    assert findings == []


@needs_corpus
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_mutation_one_rule(tmp_path: Path, case: Case) -> None:
    findings, tree = run(tmp_path, case.mutate)
    assert {f.rule_id for f in findings} == {case.rule}, findings
    line = tree.xpath(case.target, namespaces=NS)[0].sourceline
    assert any(f.line == line for f in findings), (line, findings)
    for finding in findings:
        assert finding.level is case.level
        assert finding.level.value == FGS1_REQUIREMENTS[case.rule][0]
        assert finding.path == "mets.xml"
        assert case.shows in finding.message


@needs_corpus
def test_too_few_agents(tmp_path: Path) -> None:
    keep = (
        "[not(@ROLE='CREATOR' and @TYPE='ORGANIZATION')"
        " and not(@ROLE='ARCHIVIST' and @TYPE='ORGANIZATION')]"
    )
    findings, tree = run(tmp_path, remove(f"{HDR}/mets:agent{keep}"))
    count = [f for f in findings if f.rule_id == "FGS1-AGENT-COUNT"]
    assert len(count) == 1 and count[0].level is Level.MUST
    assert count[0].line == first(tree.getroot(), HDR).sourceline
    assert "2 agent" in count[0].message
    assert {f.rule_id for f in findings if f.level is Level.MUST} == {"FGS1-AGENT-COUNT"}


@needs_corpus
def test_no_alt_record_id(tmp_path: Path) -> None:
    findings, _ = run(tmp_path, remove(f"{HDR}/mets:altRecordID"))
    assert {(f.rule_id, f.level) for f in findings} == {
        ("FGS1-ALTRECORDID", Level.MUST),
        ("FGS1-SUBMISSIONAGREEMENT", Level.SHOULD),
    }


@needs_corpus
def test_no_mets_header(tmp_path: Path) -> None:
    findings, tree = run(tmp_path, remove(HDR))
    assert [(f.rule_id, f.line) for f in findings] == [("FGS1-METSHDR", tree.getroot().sourceline)]


@needs_corpus
def test_content_paths_of_sample() -> None:
    root = etree.parse(str(CORPUS / "mets.xml")).getroot()
    paths = fgs1_content_paths(root)
    assert len(paths) == 8
    assert all(el.tag == q(METS, "FLocat") for el, _ in paths)
    assert paths[0][1] == "content/160723 Axenu Sydarkivera.pdf"
    assert paths[0][0].sourceline == 36
    assert {p for _, p in paths} >= {"metadata/CSPackageMETS.xsd", "content/analys2y16f11.pdf"}


@pytest.mark.parametrize(
    ("href", "path"),
    [
        ("file:///content/a%20b.pdf", "content/a b.pdf"),
        ("file:///content/160723 Axenu.pdf", "content/160723 Axenu.pdf"),
        ("file://localhost/content/x.pdf", "content/x.pdf"),
        ("file:content/x.pdf", "content/x.pdf"),
        ("FILE:///content/%C3%A5%C3%A4%C3%B6.txt", "content/åäö.txt"),
        ("/content/x.pdf", "content/x.pdf"),
        ("./content/x.pdf", "content/x.pdf"),
        ("content/x.pdf", "content/x.pdf"),
        ("file:///../../etc/passwd", "../../etc/passwd"),  # kept: the reference checker rejects it
        ("https://example.org/x.pdf", None),
        ("urn:nbn:se:x", None),
    ],
)
def test_href_to_path(href: str, path: str | None) -> None:
    assert fgs1_href_to_path(href) == path


def mets(attrs: str = "", body: str = "") -> etree._Element:
    return etree.fromstring(
        f'<mets:mets xmlns:mets="{METS}" xmlns:xsi="{XSI}" {attrs}>{body}</mets:mets>'
    )


def test_content_paths_include_mdref_and_skip_foreign_urls() -> None:
    root = mets(
        f'xmlns:xlink="{XLINK}"',
        '<mets:dmdSec ID="d"><mets:mdRef LOCTYPE="URL" MDTYPE="EAD" '
        'xlink:href="file:///metadata/ead.xml"/></mets:dmdSec>'
        '<mets:fileSec><mets:fileGrp><mets:file ID="f1"><mets:FLocat LOCTYPE="URL" '
        'xlink:href="http://example.org/x"/></mets:file><mets:file ID="f2"><mets:FLocat '
        'LOCTYPE="URL" xlink:href="file:///content/y%23z.txt"/></mets:file></mets:fileGrp>'
        "</mets:fileSec>",
    )
    assert [p for _, p in fgs1_content_paths(root)] == ["metadata/ead.xml", "content/y#z.txt"]


def test_detection() -> None:
    assert is_fgs1(mets(f'PROFILE="{fgs1.FGS1_PROFILE_URI}l"'))
    assert is_fgs1(mets(f'xmlns:ext="{FGS_EXT}"'))
    assert is_fgs1(
        mets(f'xsi:schemaLocation="{METS} http://xml.ra.se/e-arkiv/METS/CSPackageMETS.xsd"')
    )
    assert is_fgs1(mets(body=f'<mets:metsHdr xmlns:e="{FGS_EXT}" e:OAISSTATUS="SIP"/>'))
    csip = mets(
        'xmlns:csip="https://DILCIS.eu/XML/METS/CSIPExtensionMETS" '
        'PROFILE="https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml" csip:OAISPACKAGETYPE="SIP"'
    )
    assert not is_fgs1(csip)
    assert not is_fgs1(etree.fromstring(f'<mets xmlns:ext="{FGS_EXT}"/>'))  # not METS


RA = "http://xml.ra.se/e-arkiv/METS"
PROFILE_XML = "CommonSpecificationSwedenPackageProfile.xml"


@pytest.mark.parametrize(
    ("attrs", "version"),
    [
        (f'PROFILE="{RA}/version10/{PROFILE_XML}"', "1.0"),
        (f'xsi:schemaLocation="{METS} {RA}/version11/CSPackageMETS.xsd"', "1.1"),
        (f'PROFILE="{RA}/version12/{PROFILE_XML}"', "1.2"),
        (f'PROFILE="{RA}/{PROFILE_XML}"', "1.x"),
        (
            f'PROFILE="{RA}/version10/{PROFILE_XML}" '
            f'xsi:schemaLocation="{METS} {RA}/version11/CSPackageMETS.xsd"',
            "1.x",
        ),
        (
            f'xmlns:ext="{FGS_EXT}" ext:AGREEMENTFORM="GIFT" '
            f'PROFILE="{RA}/version10/{PROFILE_XML}"',
            "1.x",
        ),
        (f'PROFILE="{RA}/version20/eARD_Paket_FGS.xml"', "1.x"),
    ],
)
def test_version(attrs: str, version: str) -> None:
    assert fgs1_version(mets(attrs)) == version


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2017-04-18T16:09:36+02:00", True),
        ("2017-04-18T16:09:11.504477+02:00", True),
        ("2017-04-18T16:09:36", True),
        ("2017-04-18T16:09:36Z", True),
        ("2016-02-29T00:00:00", True),
        ("2000-02-29T24:00:00", True),
        ("2017-04-18", False),
        ("2017-04-18 16:09:36", False),
        ("2015-02-29T00:00:00", False),
        ("1900-02-29T00:00:00", False),
        ("2017-04-18T24:00:01", False),
        ("2017-04-18T16:60:00", False),
        ("2017-04-18T16:09:36+15:00", False),
        ("0000-01-01T00:00:00", False),
        ("", False),
    ],
)
def test_xs_datetime(value: str, valid: bool) -> None:
    assert is_xs_datetime(value) is valid


def test_requirement_catalogue_is_complete() -> None:
    """Every rule id the module can emit is catalogued, with a valid level."""
    assert all(level in {"MUST", "SHOULD", "MAY"} for level, _ in FGS1_REQUIREMENTS.values())
    source = Path(fgs1.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'"(FGS1-[A-Z0-9-]+)"', source))
    assert used <= set(FGS1_REQUIREMENTS)
    enumerated = {k[4:] for k in fgs1._vocabulary().terms if k.startswith("ext:")}
    assert {f"FGS1-{name}" for name in enumerated} <= set(FGS1_REQUIREMENTS)


def test_schema_paths() -> None:
    mets_xsd, ext_xsd = fgs1_schema_paths()
    assert (mets_xsd.name, ext_xsd.name) == ("CSPackageMETS.xsd", "CSPackageExtensionMETS.xsd")
    assert mets_xsd.is_file() and ext_xsd.is_file()
    assert etree.parse(str(ext_xsd)).getroot().get("targetNamespace") == FGS_EXT
