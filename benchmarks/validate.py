"""Benchmark ``samarkiv validate`` against eark-validator 1.1.3 on the E-ARK IP test corpus.

Run from the repository root::

    .venv/bin/python benchmarks/validate.py [--repeat N] [--limit K] [--skip-eark] [--misses]

Measures, in one run and over the same package folders (every distinct ``<path>`` named
by a ``testCase.xml`` of the shared corpus):

1. samarkiv, one ``samarkiv validate --json PKG`` process per package;
2. samarkiv, one ``samarkiv validate --json PKG1 PKG2 ...`` process for all packages;
3. eark-validator 1.1.3, one process per package, and one process for all packages it
   does not crash on (a crash would end the call and drop every package after it);
4. for every mode, how many corpus expectations the reports meet (the rule of
   tests/packages/test_corpus.py), and the two ratios the issue sets targets for.

eark-validator pins lxml 5.1.0, so it lives in its own venv (``benchmarks/.venv-eark``,
created on first run). It downloads four CSIP vocabularies from earkcsip.dilcis.eu when
it is imported; this machine has no internet, so the benchmark serves the vocabulary files
that ship in the eark-validator wheel from a local HTTP server on 127.0.0.1 and launches
eark-validator through a small wrapper that points ``urllib.request.urlopen`` at it.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from samarkiv import __version__ as samarkiv_version
from samarkiv.packages.validation.corpus import Expectation, read_expectations
from samarkiv.testing import corpus_dir, unpack_corpus

REPO = Path(__file__).resolve().parents[1]
EARK_VENV = REPO / "benchmarks" / ".venv-eark"
EARK_VERSION = "1.1.3"
EARK_REQUIREMENT = f"eark-validator=={EARK_VERSION}"
CRLF_HINT = "matches the file with CRLF line ends"  # as in tests/packages/test_corpus.py
TARGET_VS_ONE_PER_PROCESS = 1.0
TARGET_VS_ALL_IN_ONE = 10.0

# Launches eark-validator with every http(s) fetch sent to the local vocabulary server.
# argv: wrapper.py BASE_URL [eark-validator arguments...]
EARK_WRAPPER = """\
import sys
import urllib.parse
import urllib.request

_BASE = sys.argv.pop(1)
_urlopen = urllib.request.urlopen


def _local_urlopen(url, *args, **kwargs):
    full = url.full_url if isinstance(url, urllib.request.Request) else url
    parts = urllib.parse.urlsplit(full)
    if parts.scheme in ("http", "https") and parts.hostname not in ("127.0.0.1", "localhost"):
        url = _BASE + parts.path
    return _urlopen(url, *args, **kwargs)


urllib.request.urlopen = _local_urlopen
sys.argv[0] = "eark-validator"
from eark_validator.cli.app import main  # noqa: E402

main()
"""

# (rule_id, severity in samarkiv's words: error | warning | info, message)
Finding = tuple[str, str, str]
Reports = dict[str, list[Finding]]
Parser = Callable[[str], Reports]
Scored = tuple[Expectation, Path]  # an expectation and the unpacked package it is about


@dataclass(frozen=True)
class Tool:
    name: str
    command: list[str]  # everything before the package paths
    parse: Parser
    rule_for: Callable[[Expectation], str]  # the rule id a finding must carry


@dataclass
class ModeResult:
    tool: str
    mode: str
    ms_per_package: float
    label: str  # how ms_per_package was computed
    packages: int
    reports: Reports
    p90_ms: float | None = None
    extra: str = ""
    failures: int = 0
    met: int = 0
    scored: int = 0
    invalid_met: int = 0  # of the expectations on isValid=FALSE packages
    invalid_scored: int = 0


# ---------------------------------------------------------------- corpus


def load_corpus(root: Path) -> tuple[list[Path], list[Scored]]:
    """Unpack the corpus under ``root``; return the package folders and the expectations."""
    unpack_corpus(root)
    expectations: list[Scored] = []
    for case_xml in sorted(corpus_dir().glob("*/*/testCase.xml")):
        case = case_xml.parent.relative_to(corpus_dir()).as_posix()
        for exp in read_expectations(case_xml.parent, case):
            expectations.append((exp, root / exp.case / exp.package))
    packages = list(dict.fromkeys(path for _, path in expectations))
    missing = [p for p in packages if not p.is_dir()]
    if missing:
        sys.exit(f"corpus packages missing after unpacking: {missing[:3]}")
    return packages, expectations


# ---------------------------------------------------------------- output parsing


def parse_samarkiv(stdout: str) -> Reports:
    reports: Reports = {}
    for line in stdout.splitlines():
        if line.startswith("{"):
            report = json.loads(line)
            reports[report["package"]] = [
                (f["rule_id"], f["severity"], f["message"]) for f in report["findings"]
            ]
    return reports


def _eark_severity(value: str) -> str:
    """eark-validator says Error / Warn / Info (or Information) / Unknown."""
    lowered = value.lower()
    for severity in ("error", "warn", "info"):
        if lowered.startswith(severity):
            return {"warn": "warning"}.get(severity, severity)
    return lowered


def parse_eark(stdout: str) -> Reports:
    """``Path P, struct result is: S`` then the report as one JSON line, per package."""
    reports: Reports = {}
    current = None
    for line in stdout.splitlines():
        if line.startswith("Path ") and ", struct result is:" in line:
            current = line[len("Path ") : line.rindex(", struct result is:")]
        elif line.startswith("{") and current is not None:
            report = json.loads(line)
            metadata = report.get("metadata") or {}
            messages = list((report.get("structure") or {}).get("messages", []))
            for part in ("schema_results", "schematron_results"):
                messages += (metadata.get(part) or {}).get("messages", [])
            reports[current] = [
                (m.get("rule_id") or "", _eark_severity(m["severity"]), m.get("message") or "")
                for m in messages
            ]
            current = None
    return reports


# ---------------------------------------------------------------- scoring


def meets(exp: Expectation, rule: str, findings: list[Finding]) -> bool:
    """The rule of tests/packages/test_corpus.py, for any tool's findings.

    ``rule`` is the rule id the tool must report: the requirement id, or for samarkiv the
    FIXITY-* rule where the issue asks for one. Fixity findings that the corpus's CRLF-to-LF
    conversion explains neither count against a valid package nor for an invalid one.
    """
    fixity = rule.startswith("FIXITY-")
    if exp.is_valid:
        errors = any(r == exp.requirement and s == "error" for r, s, _ in findings)
        unexplained = fixity and any(r == rule and CRLF_HINT not in m for r, _, m in findings)
        return not (errors or unexplained)
    wanted = {"ERROR": "error", "WARNING": "warning", "INFO": "info"}[exp.level]
    hits = [(s, m) for r, s, m in findings if r == rule]
    if not any(s == wanted for s, _ in hits):
        return False
    return not fixity or any(CRLF_HINT not in m for _, m in hits)


def samarkiv_rule(exp: Expectation) -> str:
    return exp.scored_rule_id  # FIXITY-SIZE / FIXITY-CHECKSUM where the issue asks for them


def eark_rule(exp: Expectation) -> str:
    return exp.requirement


def score(result: ModeResult, tool: Tool, expectations: list[Scored]) -> None:
    outcomes = [
        (exp.is_valid, meets(exp, tool.rule_for(exp), result.reports.get(str(path), [])))
        for exp, path in expectations
    ]
    result.scored = len(outcomes)
    result.met = sum(ok for _, ok in outcomes)
    result.invalid_scored = sum(not valid for valid, _ in outcomes)
    result.invalid_met = sum(ok for valid, ok in outcomes if not valid)


# ---------------------------------------------------------------- timing


def _p90(values: list[float]) -> float | None:
    return statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else None


def _run(tool: Tool, paths: list[Path]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(
        [*tool.command, *map(str, paths)], capture_output=True, text=True, check=False
    )
    return (time.perf_counter() - start) * 1000, done


def one_per_process(tool: Tool, packages: list[Path], repeat: int) -> ModeResult:
    """Each package ``repeat`` times; its time is the median of its runs."""
    per_package: list[float] = []
    reports: Reports = {}
    failures = 0
    for index, package in enumerate(packages, 1):
        runs = []
        for _ in range(repeat):
            ms, done = _run(tool, [package])
            runs.append(ms)
        found = tool.parse(done.stdout)
        if str(package) not in found:
            failures += 1
            _warn_no_report(tool, package, done)
        reports.update(found)
        per_package.append(statistics.median(runs))
        if index % 25 == 0:
            print(f"    {tool.name}: {index}/{len(packages)}", flush=True)
    return ModeResult(
        tool.name,
        "one per process",
        statistics.median(per_package),
        "median",
        len(packages),
        reports,
        p90_ms=_p90(per_package),
        failures=failures,
    )


def _warn_no_report(tool: Tool, package: Path, done: subprocess.CompletedProcess[str]) -> None:
    tail = (done.stderr.strip().splitlines() or ["(no stderr)"])[-1]
    name = "/".join(package.parts[-4:])  # SPEC/REQ/valid|invalid/package
    print(f"    ! {tool.name}: no report for {name} (exit {done.returncode}): {tail}")


def _timed_lines(tool: Tool, packages: list[Path]) -> tuple[float, list[float], str]:
    """One process for all packages; the time of every report line as it arrives."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # eark-validator prints unflushed
    stamps: list[float] = []
    lines: list[str] = []
    with tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        with subprocess.Popen(
            [*tool.command, *map(str, packages)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if line.startswith("{"):
                    stamps.append((time.perf_counter() - start) * 1000)
        total = (time.perf_counter() - start) * 1000
    return total, stamps, "".join(lines)


def all_in_one(tool: Tool, packages: list[Path], repeat: int) -> ModeResult:
    """One process for all packages, ``repeat`` times; the median total counts."""
    totals, gaps = [], []
    stdout = ""
    for _ in range(repeat):
        total, stamps, stdout = _timed_lines(tool, packages)
        totals.append(total)
        gaps.extend(b - a for a, b in zip(stamps, stamps[1:], strict=False))
    reports = tool.parse(stdout)
    total = statistics.median(totals)
    extra = f"total {total / 1000:.2f} s"
    if gaps:
        extra += f"; median gap between two reports {statistics.median(gaps):.1f} ms"
    return ModeResult(
        tool.name,
        "all in one call",
        total / len(packages),
        "total/n",
        len(packages),
        reports,
        extra=extra,
        failures=len(packages) - sum(str(p) in reports for p in packages),
    )


# ---------------------------------------------------------------- eark-validator setup


def eark_python() -> Path:
    """The eark-validator venv's interpreter; create the venv on first use."""
    python = EARK_VENV / "bin" / "python"
    # Only the installed version: importing eark_validator fetches its vocabularies.
    if python.exists() and _eark_version(python).startswith(f"eark-validator {EARK_VERSION} "):
        return python
    print(f"creating {EARK_VENV.relative_to(REPO)} and installing {EARK_REQUIREMENT} ...")
    base = shutil.which("python3") or sys.executable
    subprocess.run([base, "-m", "venv", "--clear", str(EARK_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, EARK_REQUIREMENT], check=True)
    return python


def _eark_version(python: Path) -> str:
    code = (
        "import importlib.metadata as m, platform; "
        "print(m.version('eark_validator'), m.version('lxml'), platform.python_version())"
    )
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    eark, lxml, py = (out.stdout.split() + ["?"] * 3)[:3]
    return f"eark-validator {eark} (lxml {lxml}, Python {py})"


def vocabulary_folder(python: Path, target: Path) -> Path:
    """``target/schema/*.xml``: the wheel's vocabularies, then samarkiv's for any missing."""
    find = "import eark_validator, pathlib; print(pathlib.Path(eark_validator.__file__).parent)"
    out = subprocess.run([str(python), "-c", find], capture_output=True, text=True, check=True)
    sources = [
        Path(out.stdout.strip()) / "ipxml" / "resources" / "vocabs",
        REPO / "src" / "samarkiv" / "packages" / "schemas" / "vocabularies",
    ]
    schema = target / "schema"
    schema.mkdir(parents=True, exist_ok=True)
    for source in sources:
        for vocab in source.glob("*.xml"):
            if not (schema / vocab.name).exists():
                shutil.copyfile(vocab, schema / vocab.name)
    return target


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    served: list[tuple[str, int]] = []

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.served.append((self.path, int(code)))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@contextmanager
def vocabulary_server(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- tools


def samarkiv_tool() -> Tool:
    entry = Path(sys.executable).parent / "samarkiv"
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "samarkiv.cli"]
    return Tool("samarkiv", [*command, "validate", "--json"], parse_samarkiv, samarkiv_rule)


def eark_tool(python: Path, wrapper: Path, base_url: str) -> Tool:
    return Tool(
        "eark-validator",
        [str(python), str(wrapper), base_url],
        parse_eark,
        eark_rule,
    )


def check_tool(tool: Tool, package: Path) -> bool:
    """Warm-up run (not timed); it must print a report for the package."""
    ms, done = _run(tool, [package])
    findings = tool.parse(done.stdout).get(str(package))
    if findings is None:
        print(f"  {tool.name} printed no report (exit {done.returncode}):")
        print("    " + "\n    ".join(done.stderr.strip().splitlines()[-8:]))
        return False
    print(f"  {tool.name} warm-up: {ms:.0f} ms, report with {len(findings)} findings")
    return True


# ---------------------------------------------------------------- report


def environment(eark: str | None) -> None:
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    print(f"date:      {now}")
    print(f"python:    {platform.python_version()} ({sys.executable})")
    print(f"cpus:      {os.cpu_count()} ({platform.machine()}, {platform.system()})")
    print(f"samarkiv:  {samarkiv_version}")
    print(f"eark:      {eark or 'skipped'}")


def print_mode(result: ModeResult) -> None:
    p90 = f", p90 {result.p90_ms:.1f} ms" if result.p90_ms is not None else ""
    print(
        f"  {result.tool}, {result.mode}: {result.ms_per_package:.1f} ms/package "
        f"({result.label}{p90}) over {result.packages} packages"
        + (f"; {result.extra}" if result.extra else "")
    )
    if result.failures:
        print(f"  packages without a report: {result.failures}")
    valid_met = result.met - result.invalid_met
    valid_scored = result.scored - result.invalid_scored
    print(
        f"  expectations met: {result.met}/{result.scored} "
        f"(isValid=FALSE: {result.invalid_met}/{result.invalid_scored} reported at the "
        f"expected severity; isValid=TRUE: {valid_met}/{valid_scored} without that error)"
    )


def print_table(results: list[ModeResult]) -> None:
    header = ("tool", "mode", "ms/package", "p90 ms", "packages", "expectations met")
    rows = [
        (
            r.tool,
            r.mode,
            f"{r.ms_per_package:.1f} ({r.label})",
            f"{r.p90_ms:.1f}" if r.p90_ms is not None else "-",
            str(r.packages),
            f"{r.met}/{r.scored}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def print_ratios(results: list[ModeResult]) -> None:
    by = {(r.tool, r.mode): r.ms_per_package for r in results}
    eark = by.get(("eark-validator", "one per process"))
    if eark is None:
        print("  ratios: eark-validator skipped")
        return
    for label, mode, target in (
        ("one per process (median)", "one per process", TARGET_VS_ONE_PER_PROCESS),
        ("all in one call (total/n)", "all in one call", TARGET_VS_ALL_IN_ONE),
    ):
        ours = by.get(("samarkiv", mode))
        if ours is None:
            continue
        ratio = eark / ours
        verdict = "MET" if ratio >= target else "NOT MET"
        print(
            f"  eark-validator one per process (median) / samarkiv {label}: "
            f"{eark:.1f} / {ours:.1f} = {ratio:.2f}x (target >= {target:g}: {verdict})"
        )


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--limit", type=int, help="only the first K packages (smoke run)")
    parser.add_argument("--skip-eark", action="store_true", help="measure samarkiv only")
    parser.add_argument("--misses", action="store_true", help="list unmet expectations")
    args = parser.parse_args(argv)
    if args.repeat < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--repeat and --limit must be at least 1")
    return args


def measure(
    tool: Tool, packages: list[Path], args: argparse.Namespace, expectations: list[Scored]
) -> list[ModeResult]:
    """One process per package, then one call for every package the tool reported on.

    A package that crashes the tool would end the single call and lose every package
    after it, so the call leaves those out (it only makes the tool look faster).
    """
    print(f"\n== {tool.name}, one per process", flush=True)
    single = one_per_process(tool, packages, args.repeat)
    score(single, tool, expectations)
    print_mode(single)
    if args.misses:
        print_misses(single, tool, expectations)
    reported = [p for p in packages if str(p) in single.reports]
    print(f"\n== {tool.name}, all in one call", flush=True)
    if len(reported) < len(packages):
        print(f"  leaving out the {len(packages) - len(reported)} packages it crashed on")
    batch = all_in_one(tool, reported, args.repeat)
    score(batch, tool, expectations)
    print_mode(batch)
    return [single, batch]


def print_misses(result: ModeResult, tool: Tool, expectations: list[Scored]) -> None:
    for exp, path in expectations:
        findings = result.reports.get(str(path))
        if not meets(exp, tool.rule_for(exp), findings or []):
            got = sorted({s for r, s, _ in findings or [] if r == tool.rule_for(exp)})
            seen = "no report" if findings is None else f"{tool.rule_for(exp)}: {got or 'none'}"
            want = "valid" if exp.is_valid else exp.level
            print(f"    missed {exp.case} r{exp.rule} {exp.package} (want {want}; {seen})")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not corpus_dir().is_dir():
        sys.exit(f"E-ARK IP test corpus not found at {corpus_dir()}")
    eark_py = None if args.skip_eark else eark_python()
    environment(None if eark_py is None else _eark_version(eark_py))
    with tempfile.TemporaryDirectory(prefix="samarkiv-bench-") as tmp:
        packages, expectations = load_corpus(Path(tmp) / "corpus")
        packages = packages[: args.limit]
        chosen = {str(p) for p in packages}
        expectations = [(e, p) for e, p in expectations if str(p) in chosen]
        print(f"corpus:    {len(packages)} packages, {len(expectations)} expectations")
        print(f"repeat:    {args.repeat}\n")
        results = _measure_all(args, eark_py, Path(tmp), packages, expectations)
    print("\n== summary")
    print_table(results)
    print_ratios(results)
    return 0


def _measure_all(
    args: argparse.Namespace,
    eark_py: Path | None,
    tmp: Path,
    packages: list[Path],
    expectations: list[Scored],
) -> list[ModeResult]:
    ours = samarkiv_tool()
    if not check_tool(ours, packages[0]):
        sys.exit("samarkiv printed no report; nothing to measure")
    if eark_py is None:
        return measure(ours, packages, args, expectations)
    wrapper = tmp / "eark_wrapper.py"
    wrapper.write_text(EARK_WRAPPER, encoding="utf-8")
    with vocabulary_server(vocabulary_folder(eark_py, tmp / "www")) as base_url:
        theirs = eark_tool(eark_py, wrapper, base_url)
        if not check_tool(theirs, packages[0]):
            sys.exit("eark-validator printed no report; see above")
        results = measure(ours, packages, args, expectations)
        results += measure(theirs, packages, args, expectations)
        served = _QuietHandler.served
    misses = [path for path, code in served if code != 200]
    print(f"\nvocabulary server: {len(served)} requests, {len(misses)} not found {misses[:3]}")
    return results


if __name__ == "__main__":
    sys.exit(main())
