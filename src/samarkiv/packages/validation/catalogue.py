"""The requirement catalogue, read from the official METS profiles and vocabularies.

Rule IDs, levels, names and XPaths are never typed in by hand: they come from the
E-ARK profile XML of the chosen specification version (``schemas/profiles/<version>``).
The folder-structure requirements (CSIPSTR1-16) are not part of any METS profile; they
come from the CSIP text (section 5.1) and are listed here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from samarkiv.packages.report import Level

_PROFILE_NS = "{http://www.loc.gov/METS_Profile/v2}"
_XHTML_NS = "{http://www.w3.org/1999/xhtml}"
_VOCAB_NS = "{https://DILCIS.eu/XML/Vocabularies/IP}"

PROFILE_VERSIONS = ("2.2.0", "2.1.0", "2.0.4")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One numbered requirement of a specification."""

    rule_id: str
    level: Level
    name: str
    location: str = ""
    cardinality: str = ""


# CSIP 2.x, "Use of the folder structure" (identical in 2.0.4, 2.1.0 and 2.2.0).
_STRUCTURE = (
    ("CSIPSTR1", "MUST", "Single root folder for the information package"),
    ("CSIPSTR2", "SHOULD", "Root folder named after the package identifier"),
    ("CSIPSTR3", "MAY", "Package compressed or packaged (ZIP, TAR)"),
    ("CSIPSTR4", "MUST", "Package METS file named METS.xml in the root folder"),
    ("CSIPSTR5", "SHOULD", "Folder named metadata in the root folder"),
    ("CSIPSTR6", "SHOULD", "Preservation metadata in metadata/preservation"),
    ("CSIPSTR7", "SHOULD", "Descriptive metadata in metadata/descriptive"),
    ("CSIPSTR8", "MAY", "Other metadata in metadata/other"),
    ("CSIPSTR9", "SHOULD", "Folder named representations in the root folder"),
    ("CSIPSTR10", "SHOULD", "One sub-folder per representation"),
    ("CSIPSTR11", "SHOULD", "Representation sub-folder named data"),
    ("CSIPSTR12", "SHOULD", "Representation METS file named METS.xml"),
    ("CSIPSTR13", "SHOULD", "Representation sub-folder named metadata"),
    ("CSIPSTR14", "MAY", "Additional sub-folders"),
    ("CSIPSTR15", "SHOULD", "XML schemas in a folder named schemas"),
    ("CSIPSTR16", "SHOULD", "Documentation in a folder named documentation"),
)

# samarkiv's own rules: integrity and safety checks that no profile numbers.
_OWN = (
    ("FIXITY-SIZE", "MUST", "Declared SIZE equals the size of the file"),
    ("FIXITY-CHECKSUM", "MUST", "Declared CHECKSUM equals the digest of the file"),
    ("FIXITY-ALGORITHM", "MUST", "CHECKSUMTYPE is an algorithm the archive can verify"),
    ("REFERENCE-MISSING", "MUST", "Every referenced file exists in the package"),
    ("REFERENCE-OUTSIDE", "MUST", "No reference points outside the package"),
    ("REFERENCE-UNLISTED", "SHOULD", "Every file in the package is referenced from a METS file"),
    ("REFERENCE-ENCODING", "SHOULD", "References are URLs with RFC 3986 percent-encoding"),
    ("METS-ID-UNIQUE", "MUST", "Every @ID is unique within the METS document"),
    ("METS-IDREF", "MUST", "Every ID reference points to an existing element"),
    ("METS-XSD", "MUST", "METS document is valid against METS 1.12 and the extension schemas"),
    ("XML-WELLFORMED", "MUST", "XML file is well-formed"),
    ("XML-DOCTYPE", "MUST", "XML file has no DOCTYPE or entity declarations"),
    ("XML-EMPTY", "MUST", "XML file is not empty"),
    ("XML-TOO-LARGE", "MUST", "XML file is within the size limit"),
    ("PKG-PATH-TRAVERSAL", "MUST", "No entry escapes the package root"),
    ("PKG-SYMLINK", "MUST", "No links or special files in the package"),
    ("PKG-BOMB", "MUST", "Package within the size, ratio and entry limits"),
    ("PKG-NAME-ENCODING", "MUST", "File names are valid UTF-8"),
    ("PKG-NAME-LENGTH", "MUST", "File names and paths within length limits"),
    ("PKG-DUPLICATE-ENTRY", "MUST", "No duplicate entries in the container"),
)


def _schemas_dir() -> Path:
    return Path(str(resources.files("samarkiv.packages") / "schemas"))


def schemas_path(*parts: str) -> Path:
    """Path of a vendored schema, profile or vocabulary file."""
    return _schemas_dir().joinpath(*parts)


def _requirements_from_profile(path: Path) -> dict[str, Requirement]:
    tree = etree.parse(str(path))
    found: dict[str, Requirement] = {}
    for el in tree.iter(f"{_PROFILE_NS}requirement"):
        rule_id, level = el.get("ID"), el.get("REQLEVEL")
        if not rule_id or not level:
            continue
        head = (el.findtext(f"{_PROFILE_NS}description/{_PROFILE_NS}head") or "").strip()
        dds = [(dd.text or "").strip() for dd in el.iter(f"{_XHTML_NS}dd")]
        found[rule_id] = Requirement(
            rule_id,
            Level(level),
            head,
            dds[0] if dds else "",
            dds[1] if len(dds) > 1 else "",
        )
    return found


@cache
def requirements(version: str) -> dict[str, Requirement]:
    """All requirements known for an E-ARK version: CSIPSTR, CSIP, SIP, DIP, AIP, own."""
    if version not in PROFILE_VERSIONS:
        raise ValueError(f"unknown E-ARK profile version {version!r}")
    catalogue = {r[0]: Requirement(r[0], Level(r[1]), r[2]) for r in _STRUCTURE + _OWN}
    folder = schemas_path("profiles", version)
    for kind in ("CSIP", "SIP", "DIP", "AIP"):
        profile = folder / f"E-ARK-{kind}.xml"
        if profile.exists():
            for rule_id, req in _requirements_from_profile(profile).items():
                catalogue.setdefault(rule_id, req)
    return catalogue


@cache
def vocabulary(name: str) -> frozenset[str]:
    """Terms of a DILCIS vocabulary file, e.g. ``vocabulary("CSIPVocabularyStatus")``."""
    tree = etree.parse(str(schemas_path("vocabularies", f"{name}.xml")))
    return frozenset((t.text or "").strip() for t in tree.iter(f"{_VOCAB_NS}Term") if t.text)


@cache
def iana_media_types() -> frozenset[str]:
    """IANA media types (lower case) for MIMETYPE checks."""
    text = schemas_path("vocabularies", "IANA.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())
