"""Architecture contracts that a review could miss."""

from __future__ import annotations

import ast
from pathlib import Path

import samarkiv

SRC = Path(samarkiv.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_packages_library_never_imports_django():
    offenders = [
        str(p.relative_to(SRC))
        for p in (SRC / "packages").rglob("*.py")
        if any(name.split(".")[0] == "django" for name in _imports(p))
    ]
    assert offenders == []


def test_the_packages_library_does_not_import_the_domain_apps():
    apps = {"samarkiv.ingest", "samarkiv.web", "samarkiv.settings"}
    offenders = [
        str(p.relative_to(SRC))
        for p in (SRC / "packages").rglob("*.py")
        if any(any(name.startswith(app) for app in apps) for name in _imports(p))
    ]
    assert offenders == []


def test_no_source_file_grows_past_600_lines():
    long_files = [
        (str(p.relative_to(SRC)), n)
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text().splitlines())) > 600
    ]
    assert long_files == []
