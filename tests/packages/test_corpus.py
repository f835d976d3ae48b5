"""Every expectation of the shared E-ARK IP test corpus, one test each.

An invalid package must report its requirement at the expected severity; a valid
package must report no error for it. Fixity rules are scored on the FIXITY-* rules
the issue asks for; on valid packages only fixity findings explained by the corpus's
CRLF-to-LF conversion are allowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from samarkiv.packages.report import PackageReport
from samarkiv.packages.validation import validate_package
from samarkiv.packages.validation.corpus import FIXITY_RULES, read_expectations
from samarkiv.testing import corpus_dir, unpack_corpus

CRLF_HINT = "matches the file with CRLF line ends"

# Corpus packages that do not show what their testCase.xml says they show.
KNOWN_CORPUS_DEFECTS = {
    ("CSIP/CSIP8", "invalid/mets-xml_metsHdr_LASTMODDATE_in_future"): (
        "the package has no LASTMODDATE at all, so no future date can be reported"
    ),
    ("CSIP/CSIP61", "invalid/fileGrp_ADMID_incorrect_ref2"): (
        "the fileGrp ADMID is unchanged; the defect is in the structMap ADMID (CSIP91)"
    ),
}


def _expectations():
    if not corpus_dir().is_dir():
        return []
    found = []
    for case_xml in sorted(corpus_dir().glob("*/*/testCase.xml")):
        case = case_xml.parent.relative_to(corpus_dir()).as_posix()
        found.extend(read_expectations(case_xml.parent, case))
    return found


EXPECTATIONS = _expectations()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    return unpack_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def reports(corpus):
    cache: dict[Path, PackageReport] = {}

    def get(path: Path) -> PackageReport:
        if path not in cache:
            cache[path] = validate_package(path)
        return cache[path]

    return get


def test_the_shared_corpus_is_present():
    assert len(EXPECTATIONS) >= 170, "shared corpus missing: ../shared/corpus/eark-ip-test-corpus"


@pytest.mark.parametrize(
    "exp",
    EXPECTATIONS,
    ids=[f"{e.case}-r{e.rule}-{e.package.split('/')[-1]}" for e in EXPECTATIONS],
)
def test_corpus_expectation(exp, corpus, reports):
    defect = KNOWN_CORPUS_DEFECTS.get((exp.case, exp.package))
    if defect:
        pytest.xfail(defect)
    report = reports(corpus / exp.case / exp.package)
    if exp.is_valid:
        errors = [
            f
            for f in report.findings
            if f.rule_id == exp.requirement and f.effective_severity.value == "error"
        ]
        assert not errors, errors
        fixity_rule = FIXITY_RULES.get((exp.requirement, exp.rule))
        if fixity_rule:
            unexplained = [
                f
                for f in report.findings
                if f.rule_id == fixity_rule and CRLF_HINT not in f.message
            ]
            assert not unexplained, unexplained
    else:
        wanted = {"ERROR": "error", "WARNING": "warning", "INFO": "info"}[exp.level]
        hits = [f for f in report.findings if f.rule_id == exp.scored_rule_id]
        assert any(f.effective_severity.value == wanted for f in hits), (
            exp.scored_rule_id,
            wanted,
            [f.to_dict() for f in report.findings],
        )
        if exp.scored_rule_id in ("FIXITY-SIZE", "FIXITY-CHECKSUM"):
            assert any(CRLF_HINT not in f.message for f in hits)
