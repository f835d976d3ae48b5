"""CITS ERMS validation: the official XSD and Schematron of the document's version.

Why it never rejects: the AIP is already preserved; an ERMS file that breaks a rule is
still the best description the archive has. The problems are recorded on the records
(``extra["validation"]``) so an archivist can see and follow them up, and the cases stay
findable. Schemas are the vendored copies (offline), compiled once per process.
"""

from __future__ import annotations

import functools
import threading
from importlib import resources

from lxml import etree, isoschematron

from samarkiv.catalog.records.drafts import clean

MAX_PROBLEMS = 50  # per check; the count is always complete
_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_lock = threading.Lock()


def _schema_file(name: str) -> bytes:
    return (resources.files("samarkiv.packages") / "schemas" / "erms" / name).read_bytes()


@functools.cache
def _xsd(version: int) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(_schema_file(f"erms-v{version}.xsd"), parser)
    return etree.XMLSchema(root)


@functools.cache
def _schematron(version: int) -> isoschematron.Schematron:
    """The version's Schematron rules, compiled with lxml's XSLT 1.0 skeleton.

    The official .sch files declare queryBinding="xslt2", which lxml refuses; every test
    in them is plain XPath 1.0 (normalize-space, count, attribute comparisons), so the
    binding is set to "xslt" on an in-memory copy. The file on disk stays as published.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(_schema_file(f"erms-v{version}.sch"), parser)
    root.set("queryBinding", "xslt")
    return isoschematron.Schematron(root, store_report=True)


def xsd_problems(tree: etree._ElementTree, version: int) -> list[dict]:
    """Every XSD error: line and message."""
    schema = _xsd(version)
    with _lock:  # a compiled schema keeps its error log: one validation at a time
        schema.validate(tree)
        return [{"line": e.line, "message": clean(e.message)} for e in schema.error_log]


def schematron_problems(tree: etree._ElementTree, version: int) -> list[dict]:
    """Every failed Schematron assertion: its test, location and message."""
    schematron = _schematron(version)
    with _lock:
        schematron.validate(tree)
        report = schematron.validation_report
    problems = []
    for failed in report.iter(f"{_SVRL}failed-assert", f"{_SVRL}successful-report"):
        text = failed.find(f"{_SVRL}text")
        problems.append(
            {
                "test": failed.get("test", ""),
                "location": failed.get("location", ""),
                "message": clean(text.xpath("string()") if text is not None else ""),
            }
        )
    return problems


def is_valid_xsd(tree: etree._ElementTree, version: int) -> bool:
    schema = _xsd(version)
    with _lock:
        return schema.validate(tree)


def validate_erms(tree: etree._ElementTree, version: int) -> dict:
    """The validation summary stored on the records: valid, counts, the first problems."""
    xsd = xsd_problems(tree, version)
    sch = schematron_problems(tree, version)
    return {
        "standard": f"CITS ERMS v{version}",
        "schema": f"erms-v{version}.xsd",
        "schematron": f"erms-v{version}.sch",
        "valid": not xsd and not sch,
        "xsd_error_count": len(xsd),
        "schematron_error_count": len(sch),
        "xsd_errors": xsd[:MAX_PROBLEMS],
        "schematron_errors": sch[:MAX_PROBLEMS],
    }
