"""docs/cli.md, generated from the command line's own --help (as datasette does).

``python -m samarkiv.clidocs > docs/cli.md`` rewrites it; a test fails when the file
and the parser disagree, so the reference can never drift from the code.
"""

from __future__ import annotations

import argparse
import os
import sys

from samarkiv.cli import _parser

WIDTH = "100"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps subcommands here, nowhere public
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def render() -> str:
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        parser = _parser()
        parts = [
            "# Command line reference\n",
            "Generated from `samarkiv --help` by `python -m samarkiv.clidocs`; do not edit.\n",
            "```\n" + parser.format_help() + "```\n",
        ]
        for name, sub in _subparsers(parser).items():
            parts.append(f"## samarkiv {name}\n\n```\n{sub.format_help()}```\n")
        return "\n".join(parts)
    finally:
        if previous is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous


if __name__ == "__main__":
    sys.stdout.write(render())
