"""Shared state of one validation run: the package, the spec, and the findings so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from samarkiv.packages.namespaces import CSIP, METS, XLINK, q
from samarkiv.packages.report import Finding, Level, Severity
from samarkiv.packages.validation.catalogue import Requirement, requirements


@dataclass
class PackageContext:
    """Everything the checks of one package share."""

    root: Path
    version: str  # E-ARK profile version, e.g. "2.1.0"
    findings: list[Finding] = field(default_factory=list)
    referenced: set[str] = field(default_factory=set)  # package-relative paths
    known_sha256: dict[str, str] = field(default_factory=dict)  # computed by the caller
    catalogue: dict[str, Requirement] = field(init=False)

    def __post_init__(self) -> None:
        self.catalogue = requirements(self.version)

    def add(
        self,
        rule_id: str,
        message: str,
        *,
        path: str = "",
        line: int | None = None,
        level: Level | None = None,
        severity: Severity | None = None,
    ) -> None:
        """Record a finding; the level defaults to the requirement's own level."""
        if level is None:
            req = self.catalogue.get(rule_id)
            level = req.level if req else Level.MUST
        self.findings.append(Finding(rule_id, level, message, path, line, severity))


@dataclass
class MetsContext:
    """One METS document (package or representation METS) inside a package."""

    package: PackageContext
    tree: etree._ElementTree
    rel_path: str  # e.g. "METS.xml" or "representations/rep1/METS.xml"
    base_dir: Path  # folder that relative hrefs start from
    representation: str | None = None  # folder name for a representation METS

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    @property
    def is_representation(self) -> bool:
        return self.representation is not None

    def add(
        self,
        rule_id: str,
        message: str,
        el: etree._Element | None = None,
        *,
        level: Level | None = None,
        severity: Severity | None = None,
        path: str | None = None,
    ) -> None:
        line = el.sourceline if el is not None else None
        self.package.add(
            rule_id,
            message,
            path=self.rel_path if path is None else path,
            line=line,
            level=level,
            severity=severity,
        )

    def find(self, *steps: str) -> etree._Element | None:
        return self.root.find("/".join(q(METS, s) for s in steps))

    def findall(self, *steps: str) -> list[etree._Element]:
        return self.root.findall("/".join(q(METS, s) for s in steps))


def csip_attr(el: etree._Element, name: str) -> str | None:
    return el.get(q(CSIP, name))


def xlink_attr(el: etree._Element, name: str) -> str | None:
    return el.get(q(XLINK, name))


def ids(value: str | None) -> list[str]:
    """Split an IDREFS attribute."""
    return value.split() if value else []
