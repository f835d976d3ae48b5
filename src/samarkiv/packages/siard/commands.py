"""Subcommands of this domain, added to ``samarkiv`` by samarkiv.cli (PLUGIN_COMMANDS).

``extract-db`` needs no catalogue: it never touches Django, so it runs on a machine next
to the database being decommissioned with nothing but samarkiv installed.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """``extract-db``."""
    ext = sub.add_parser(
        "extract-db",
        help="extract a live database (PostgreSQL, MariaDB/MySQL, SQL Server, Oracle, SQLite) "
        "into a SIARD 2.2 file",
        description="Reflect schemas, tables, keys, views and users through SQLAlchemy and "
        "stream every row into a SIARD 2.2 file (written atomically). URL examples: "
        "postgresql+psycopg://user@host/db, mysql+pymysql://user:pw@host/db, "
        "mssql+pymssql://user:pw@host/db, oracle+oracledb://user:pw@host/?service_name=x, "
        "sqlite:///file.db. Exit code 0: extracted; 1: extraction failed; 2: usage error.",
    )
    ext.add_argument("url", metavar="URL", help="SQLAlchemy database URL")
    ext.add_argument("--out", required=True, type=Path, metavar="FILE.siard")
    ext.add_argument(
        "--schema",
        action="append",
        dest="schemas",
        metavar="S",
        help="extract only this schema (repeatable; default: every user schema)",
    )
    ext.add_argument(
        "--lob-threshold",
        type=int,
        default=4000,
        metavar="BYTES",
        help="LOBs longer than this become separate files in the archive (default 4000)",
    )
    ext.add_argument("--description", help="description of the database (metadata.xml)")
    ext.add_argument("--data-owner", help="data owner, e.g. the municipal board (metadata.xml)")
    ext.add_argument("--timespan", help="data origin timespan, e.g. 2004-2025 (metadata.xml)")
    ext.set_defaults(handler=extract_command)


def extract_command(args: argparse.Namespace) -> int:
    """Run the extraction with a rich progress bar per table."""
    import sys

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from samarkiv.errors import SamarkivError
    from samarkiv.packages.siard.extract import extract_database

    if args.out.suffix.lower() != ".siard":
        sys.stderr.write(f"samarkiv extract-db: --out must end in .siard: {args.out}\n")
        return 2
    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bars:
        progress = _Bars(bars)
        try:
            result = extract_database(
                args.url,
                args.out,
                schemas=args.schemas,
                lob_threshold=args.lob_threshold,
                description=args.description,
                data_owner=args.data_owner,
                timespan=args.timespan,
                progress=progress,
            )
        except SamarkivError as exc:
            console.print(f"[red]Fel:[/red] {exc.message}")
            return exc.exit_code or 1
        except Exception as exc:  # noqa: BLE001 - driver errors of any kind end the command
            console.print(f"[red]Extraktionen misslyckades:[/red] {type(exc).__name__}: {exc}")
            return 1
    tables = sum(len(s.tables) for s in result.archive.schemas)
    sys.stdout.write(
        f"{result.path}: {tables} tabeller, {result.rows} rader, {result.lob_files} LOB-filer, "
        f"{result.bytes} byte, {result.seconds:.1f} s\n"
    )
    return 0


class _Bars:
    """ExtractProgress on top of rich: one bar per table."""

    def __init__(self, bars: object) -> None:
        self.bars = bars
        self.task = None

    def start_table(self, schema: str, table: str, total: int | None) -> None:
        self.task = self.bars.add_task(f"{schema}.{table}", total=total)

    def advance(self, rows: int) -> None:
        if self.task is not None:
            self.bars.advance(self.task, rows)

    def end_table(self) -> None:
        if self.task is not None:
            task = self.bars.tasks[-1]
            self.bars.update(self.task, completed=task.total or task.completed)
