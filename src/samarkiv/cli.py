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
    ing = sub.add_parser(
        "ingest",
        help="ingest a SIP (directory, .zip or .tar) as a preserved E-ARK AIP",
        description="Validate, identify, package and store a SIP for one tenant. Exit code 0: "
        "preserved (or already preserved); 1: rejected or failed; 2: usage error.",
    )
    ing.add_argument("path", metavar="PATH", type=Path)
    ing.add_argument("--tenant", required=True, help="tenant code, e.g. lund (see 'tenants')")
    ing.add_argument("--agreement", default="", help="submission agreement identifier")
    ing.add_argument(
        "--new-version", action="store_true", help="store a changed SIP as a new AIP version"
    )
    ing.add_argument("--json", action="store_true", help="print the receipt as one JSON object")
    ten = sub.add_parser("tenants", help="list the tenants (municipalities)")
    ten.add_argument("--json", action="store_true")
    sub.add_parser("demo", help="set up the catalogue and load demo data")
    sub.add_parser("migrate", help="create or upgrade the catalogue database")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "validate":
        from samarkiv.packages.validation.cli_output import run_validate

        return run_validate(args.paths, spec=args.spec, as_json=args.json)
    if args.command == "ingest":
        from samarkiv.ingest.commands import ingest_command

        return ingest_command(args.path, args.tenant, args.agreement, args.new_version, args.json)
    if args.command == "tenants":
        from samarkiv.ingest.commands import tenants_command

        return tenants_command(args.json)
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
