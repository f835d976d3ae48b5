"""Validate one information package: the order of the checks, in one place.

1. open the container safely (zip-slip, bombs, links, single root folder);
2. find and parse the package METS (no DTDs, no entities, no network);
3. decide the specification (E-ARK CSIP/SIP/DIP/AIP 2.x or FGS Paketstruktur 1.x);
4. folder structure, METS rules, XML schema, representation METS files;
5. references and fixity of every file, and files nobody references.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from samarkiv.packages.container import Limits, open_package
from samarkiv.packages.report import PackageReport
from samarkiv.packages.safexml import XmlProblem, parse_untrusted
from samarkiv.packages.validation import fgs1, references, rules_profiles, structure, xsd
from samarkiv.packages.validation.context import MetsContext, PackageContext
from samarkiv.packages.validation.rules_filesec import check_filesec
from samarkiv.packages.validation.rules_header import check_header, check_root
from samarkiv.packages.validation.rules_ids import check_ids
from samarkiv.packages.validation.rules_metadata import check_amdsec, check_dmdsecs
from samarkiv.packages.validation.rules_structmap import check_structmap

SPECIFICATIONS = ("auto", "csip-2.2", "csip-2.1", "csip-2.0.4", "fgs-1.2")
_FORCED_VERSIONS = {"csip-2.2": "2.2.0", "csip-2.1": "2.1.0", "csip-2.0.4": "2.0.4"}
_SPEC_NAMES = {"2.2.0": "csip-2.2", "2.1.0": "csip-2.1", "2.0.4": "csip-2.0.4"}
_METS_NAMES = ("METS.xml", "mets.xml", "sip.xml")


def validate_package(
    path: Path | str, spec: str = "auto", *, limits: Limits | None = None
) -> PackageReport:
    """Validate a package given as a directory, .zip or .tar; never raises for bad content.

    Raises ``UnreadableInputError`` only when the input cannot be read at all.
    """
    _check_spec(spec)
    path = Path(path)
    report = PackageReport(package=str(path))
    with open_package(path, limits=limits) as opened:
        report.findings.extend(opened.findings)
        if opened.root is None:
            return report
        return validate_unpacked(opened.root, spec, report=report)


def validate_unpacked(
    root: Path,
    spec: str = "auto",
    *,
    report: PackageReport | None = None,
    sha256: Mapping[str, str] | None = None,
) -> PackageReport:
    """Validate a package already opened safely (see ``container.open_package``).

    ``sha256`` maps package-relative paths to digests the caller has computed, so
    ingest reads every file once: declared SHA-256 checksums are compared with it.
    """
    _check_spec(spec)
    report = report or PackageReport(package=str(root))
    given, root = root, package_root(root)
    roots = _several_roots(root)
    if len(roots) > 1 or (roots and len(list(root.iterdir())) > 1):
        report.findings.append(_several_roots_finding(root, roots))
        return report
    pkg = PackageContext(root=root, version=_FORCED_VERSIONS.get(spec, "2.1.0"))
    if sha256:
        pkg.known_sha256 = _rebase(sha256, root.relative_to(given))
    report.specification = _validate_opened(pkg, spec)
    report.findings.extend(pkg.findings)
    return report


def _check_spec(spec: str) -> None:
    if spec not in SPECIFICATIONS:
        raise ValueError(f"unknown specification {spec!r}; choose one of {SPECIFICATIONS}")


def _rebase(sha256: Mapping[str, str], prefix: Path) -> dict[str, str]:
    text = prefix.as_posix()
    if text in ("", "."):
        return dict(sha256)
    cut = len(text) + 1
    return {k[cut:]: v for k, v in sha256.items() if k.startswith(text + "/")}


def package_root(root: Path) -> Path:
    """Step into a lone wrapper folder (a package folder inside a delivery folder)."""
    if any((root / name).is_file() for name in _METS_NAMES):
        return root
    entries = list(root.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return root


def _several_roots(root: Path) -> list[str]:
    """Folders that each look like a package, side by side where one root was expected."""
    if any((root / name).is_file() for name in _METS_NAMES):
        return []
    return sorted(
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and any((entry / name).is_file() for name in _METS_NAMES)
    )


def _several_roots_finding(root: Path, roots: list[str]):
    from samarkiv.packages.report import Finding, Level

    return Finding(
        "CSIPSTR1",
        Level.MUST,
        f"the package holds {len(list(root.iterdir()))} top-level entries including the "
        f"package folder(s) {', '.join(roots)}; a package MUST have one root folder",
        path=root.name,
    )


def _find_mets(root: Path) -> Path | None:
    for name in _METS_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


def _validate_opened(pkg: PackageContext, spec: str) -> str:
    mets_path = _find_mets(pkg.root)
    if mets_path is None:
        structure.check_structure(pkg)
        references.check_unlisted(pkg, set())
        return _SPEC_NAMES.get(pkg.version, "csip-2.1") if spec == "auto" else spec
    ctx = _parse(pkg, mets_path, pkg.root)
    if ctx is None:
        if mets_path.name == "METS.xml":
            structure.check_structure(pkg)
        return spec if spec != "auto" else "unknown"
    if spec == "fgs-1.2" or (spec == "auto" and fgs1.is_fgs1(ctx.root)):
        return _validate_fgs1(pkg, ctx)
    if spec == "auto":
        pkg.version = _detect_version(ctx)
        pkg.__post_init__()
    _validate_eark(pkg, ctx)
    return _SPEC_NAMES[pkg.version]


def _parse(pkg: PackageContext, path: Path, base: Path, rep: str | None = None):
    rel = path.relative_to(pkg.root).as_posix()
    try:
        tree = parse_untrusted(path)
    except XmlProblem as problem:
        pkg.add(problem.rule_id, f"{rel}: {problem.message}", path=rel, line=problem.line)
        return None
    return MetsContext(pkg, tree, rel, base, rep)


def _detect_version(ctx: MetsContext) -> str:
    """The profile URL names the version from 2.2 on; unversioned means 2.1 (= FGS 2.0)."""
    profile = ctx.root.get("PROFILE") or ""
    for marker, version in (("v2-2-0", "2.2.0"), ("v2-1-0", "2.1.0"), ("v2-0-4", "2.0.4")):
        if marker in profile:
            return version
    return "2.1.0"


def _validate_eark(pkg: PackageContext, ctx: MetsContext) -> None:
    kind = rules_profiles.package_kind(ctx)
    structure.check_structure(pkg, is_aip=kind == "AIP")
    _check_mets(ctx, pkg.root.name)
    if kind == "SIP":
        rules_profiles.check_sip(ctx)
    elif kind == "DIP":
        rules_profiles.check_dip(ctx)
    elif kind == "AIP":
        rules_profiles.check_aip(ctx)
    mets_files = {ctx.rel_path}
    reps = pkg.root / "representations"
    for rep_mets in sorted(reps.glob("*/METS.xml")) if reps.is_dir() else []:
        mets_files.add(rep_mets.relative_to(pkg.root).as_posix())
        rep_ctx = _parse(pkg, rep_mets, rep_mets.parent, rep_mets.parent.name)
        if rep_ctx is not None:
            _check_mets(rep_ctx, rep_mets.parent.name)
            if kind == "SIP":
                rules_profiles.check_sip_file_formats(rep_ctx)
    if kind == "SIP":
        rules_profiles.check_sip_file_formats(ctx)
    references.check_unlisted(pkg, mets_files)


def _check_mets(ctx: MetsContext, folder_name: str) -> None:
    """Every CSIP rule on one METS document, then its schema and its references."""
    check_root(ctx, folder_name)
    check_header(ctx)
    check_dmdsecs(ctx)
    check_amdsec(ctx)
    check_filesec(ctx)
    check_structmap(ctx)
    check_ids(ctx)
    xsd.check_schema(ctx, xsd.eark_schema())
    references.check_references(ctx)


def _validate_fgs1(pkg: PackageContext, ctx: MetsContext) -> str:
    fgs1.check_fgs1(ctx)
    xsd.check_schema(ctx, xsd.fgs1_schema())
    references.check_references(ctx)
    # ESSArch and other FGS 1.x producers keep package events in an unlisted ipevents.xml.
    references.check_unlisted(pkg, {ctx.rel_path, "ipevents.xml"})
    return f"fgs-{fgs1.fgs1_version(ctx.root)}"
