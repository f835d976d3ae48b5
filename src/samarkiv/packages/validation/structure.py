"""CSIPSTR4-16: the folder structure of an unpacked package.

CSIPSTR1 (single root) and CSIPSTR3 (packaging) are decided while opening the
container (see ``packages/container.py``); CSIPSTR2 needs the METS OBJID and is
checked with it.
"""

from __future__ import annotations

from pathlib import Path

from samarkiv.packages.validation.context import PackageContext

KNOWN_ROOT_ENTRIES = {"METS.xml", "metadata", "representations", "schemas", "documentation"}
KNOWN_METADATA = {"descriptive", "preservation", "other"}


def _names(folder: Path) -> list[str]:
    try:
        return sorted(p.name for p in folder.iterdir())
    except OSError:
        return []


def check_structure(pkg: PackageContext, *, is_aip: bool = False) -> None:
    root = pkg.root
    names = _names(root)
    if "METS.xml" not in names:
        near = [n for n in names if n.casefold() == "mets.xml"]
        hint = f" (found {near[0]!r}: the name is case-sensitive)" if near else ""
        pkg.add("CSIPSTR4", f"the package root has no file named METS.xml{hint}", path="METS.xml")
    if "metadata" not in names or not (root / "metadata").is_dir():
        pkg.add(
            "CSIPSTR5", "the package root SHOULD have a folder named 'metadata'", path="metadata"
        )
    else:
        _check_metadata_folder(pkg, root / "metadata", "metadata")
    for extra in (n for n in names if n not in KNOWN_ROOT_ENTRIES):
        pkg.add("CSIPSTR14", f"additional root entry {extra!r} (allowed)", path=extra)
    reps = root / "representations"
    rep_dirs = _check_representations(pkg, reps) if reps.is_dir() else []
    if not reps.is_dir() and not is_aip:  # AIP-REPRESENTATIONS-OPTIONAL overrules it
        pkg.add(
            "CSIPSTR9",
            "the package root SHOULD have a folder named 'representations'",
            path="representations",
        )
    _check_shared_folder(pkg, root, rep_dirs, "schemas", "CSIPSTR15")
    _check_shared_folder(pkg, root, rep_dirs, "documentation", "CSIPSTR16")


def _check_metadata_folder(pkg: PackageContext, folder: Path, rel: str) -> None:
    names = [n for n in _names(folder) if (folder / n).is_dir()]
    for name, rule_id in (("preservation", "CSIPSTR6"), ("descriptive", "CSIPSTR7")):
        if name not in names:
            near = [n for n in names if n.casefold() == name]
            hint = f" (found {near[0]!r}: names are case-sensitive)" if near else ""
            pkg.add(
                rule_id,
                f"{rel} has no '{name}' sub-folder; {name} metadata SHOULD go there{hint}",
                path=f"{rel}/{name}",
            )
    if "other" not in names:
        pkg.add("CSIPSTR8", f"{rel} has no 'other' sub-folder (optional)", path=f"{rel}/other")
    for name in names:
        if name not in KNOWN_METADATA:
            pkg.add(
                "CSIPSTR8",
                f"metadata sub-folder {name!r}: other metadata MAY go in '{rel}/other'",
                path=f"{rel}/{name}",
            )


def _check_representations(pkg: PackageContext, reps: Path) -> list[Path]:
    rep_dirs = []
    for entry in sorted(reps.iterdir()):
        rel = f"representations/{entry.name}"
        if not entry.is_dir():
            pkg.add(
                "CSIPSTR10",
                f"{rel} is a file; each representation SHOULD be a sub-folder",
                path=rel,
            )
            continue
        rep_dirs.append(entry)
        inside = _names(entry)
        if "data" not in inside:
            pkg.add("CSIPSTR11", f"{rel} SHOULD have a sub-folder named 'data'", path=rel)
        if "METS.xml" not in inside:
            pkg.add("CSIPSTR12", f"{rel} SHOULD have a representation METS.xml", path=rel)
        if "metadata" not in inside:
            pkg.add("CSIPSTR13", f"{rel} SHOULD have a sub-folder named 'metadata'", path=rel)
    if not rep_dirs:
        pkg.add(
            "CSIPSTR10",
            "representations/ SHOULD hold one sub-folder per representation",
            path="representations",
        )
    return rep_dirs


def _check_shared_folder(
    pkg: PackageContext, root: Path, rep_dirs: list[Path], name: str, rule_id: str
) -> None:
    if (root / name).is_dir() or any((r / name).is_dir() for r in rep_dirs):
        return
    what = "XML schemas" if name == "schemas" else "documentation"
    pkg.add(
        rule_id,
        f"no '{name}' folder in the package root or a representation; {what} SHOULD go there",
        path=name,
    )
