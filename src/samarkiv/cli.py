"""The one command line: ``samarkiv validate|serve|demo|migrate``.

Start-up is kept lean on purpose: ``validate`` imports only the packages library,
never the web framework, so a single validation is fast from a shell loop.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from samarkiv import __version__

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samarkiv", description="samarkiv: a shared e-archive for municipalities."
    )
    parser.add_argument("--version", action="version", version=f"samarkiv {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser(
        "validate",
        help="validate E-ARK 2.x / FGS 1.x packages (directory, .zip or .tar)",
        description="Validate information packages. Exit code 0: all valid; 1: at least "
        "one invalid; 2: usage error or unreadable input.",
    )
    val.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    val.add_argument("--json", action="store_true", help="one JSON object per package per line")
    val.add_argument(
        "--spec",
        default="auto",
        choices=("auto", "csip-2.2", "csip-2.1", "csip-2.0.4", "fgs-1.2"),
        help="specification to validate against (default: detect from the package)",
    )
    serve = sub.add_parser("serve", help="run the web app (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    sub.add_parser("demo", help="set up the catalogue and load demo data")
    sub.add_parser("migrate", help="create or upgrade the catalogue database")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "validate":
        from samarkiv.packages.validation.cli_output import run_validate

        return run_validate(args.paths, spec=args.spec, as_json=args.json)
    from samarkiv.web import commands

    if args.command == "serve":
        return commands.serve(args.host, args.port)
    if args.command == "demo":
        return commands.demo()
    return commands.migrate()


def print_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def entry_point() -> None:
    """Console script: a closed pipe (``| head``) ends quietly, as Unix tools do."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
