"""The CLI reference in docs/cli.md is the parser's own help, never a stale copy."""

from __future__ import annotations

from pathlib import Path

from samarkiv.clidocs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_docs_cli_md_matches_the_command_line():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `python -m samarkiv.clidocs > docs/cli.md`"
    )
