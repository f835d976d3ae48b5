"""``samarkiv validate`` output: JSON lines, or a report grouped by section."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from samarkiv.errors import SamarkivError
from samarkiv.packages.report import Finding, Level, PackageReport, Severity
from samarkiv.packages.validation.api import validate_package
from samarkiv.packages.validation.sections import SECTION_ORDER, section_of

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def run_validate(paths: list[Path], *, spec: str, as_json: bool) -> int:
    """Validate each path; exit 2 if any input was unreadable, else 1 if any invalid."""
    worst = 0
    for path in paths:
        try:
            report = _validate_one(path, spec)
            code = 0 if report.valid else 1
        except SamarkivError as error:
            report = PackageReport(package=str(path))
            report.findings.append(
                Finding("PKG-UNREADABLE", Level.MUST, error.message, path=str(path))
            )
            code = error.exit_code if error.exit_code else 2
        worst = max(worst, code)
        if as_json:
            sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            _print_human(report)
    return worst


def _validate_one(path: Path, spec: str) -> PackageReport:
    """A ``.siard`` file is a database archive (SIARD 2.x), anything else a package."""
    if path.suffix.lower() == ".siard" and path.is_file():
        from samarkiv.packages.siard.validate import validate_siard

        return validate_siard(path)
    return validate_package(path, spec)


def _print_human(report: PackageReport) -> None:
    """Plain text when piped; colour (via rich) only on a terminal."""
    if sys.stdout.isatty():
        from rich.console import Console

        console = Console(highlight=False)
        emit = console.print
    else:

        def emit(text: str = "") -> None:
            import re

            sys.stdout.write(re.sub(r"\[/?[a-z ]+\]", "", text) + "\n")

    by_severity = defaultdict(int)
    for finding in report.findings:
        by_severity[finding.effective_severity] += 1
    verdict = "[green]VALID[/green]" if report.valid else "[red]INVALID[/red]"
    emit(f"{report.package}: {verdict} ({report.specification})")
    emit(
        f"  {by_severity[Severity.ERROR]} errors, {by_severity[Severity.WARNING]} warnings, "
        f"{by_severity[Severity.INFO]} notes"
    )
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        grouped[section_of(finding.rule_id)].append(finding)
    for section in SECTION_ORDER:
        for_section = grouped.get(section)
        if not for_section:
            continue
        emit(f"  {section} ({len(for_section)})")
        for f in for_section:
            colour = _COLOURS[f.effective_severity]
            where = f.path + (f":{f.line}" if f.line else "")
            sev = f.effective_severity.value
            emit(f"    [{colour}]{sev:7}[/{colour}] {f.rule_id} [{f.level}] {f.message}  {where}")
