"""``samarkiv databases rebuild``: (re)build the access copies of archived databases.

Why here: access copies are caches of the SIARD files in the AIPs; after a restore, a
move of SAMARKIV_HOME or a change of the loader they are rebuilt from storage, and the
AIPs that hold SIARD files are found again by the way.
"""

from __future__ import annotations

import argparse
import sys


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """``databases rebuild``."""
    dbs = sub.add_parser(
        "databases",
        help="archived databases (SIARD): access copies for browsing",
        description="Manage the access copies (one SQLite file per archived SIARD, under "
        "$SAMARKIV_HOME/access/databases) that the staff pages browse.",
    )
    actions = dbs.add_subparsers(dest="databases_command", required=True)
    rebuild = actions.add_parser(
        "rebuild",
        help="find SIARD files in the stored AIPs and rebuild their access copies",
        description="Find every SIARD file in the stored AIPs (or one AIP, or one tenant's) "
        "and rebuild its access copy from the AIP, atomically. Exit code 0: every copy "
        "built; 1: some copy failed (listed with its error); 2: usage error.",
    )
    rebuild.add_argument("--aip", default=None, metavar="AIP_ID", help="only this AIP")
    rebuild.add_argument("--tenant", default=None, help="only this tenant's AIPs")
    rebuild.set_defaults(handler=rebuild_command)


def rebuild_command(args: argparse.Namespace) -> int:
    from samarkiv.web.commands import migrate

    migrate()
    from rich.progress import Progress

    from samarkiv.access.databases import copies
    from samarkiv.access.databases.models import AccessCopyState

    with Progress(transient=True) as bar:
        task = bar.add_task("SIARD", total=None)

        def progress(schema: str, table: str, done: int, total: int) -> None:
            bar.update(task, description=f"{schema}.{table}", completed=done, total=total or None)

        built = copies.rebuild(aip_id=args.aip, tenant=args.tenant, progress=progress)
    failed = 0
    for database in built:
        if database.state == AccessCopyState.READY:
            print(
                f"{database.aip_id} {database.siard_path}: {database.table_count} tables, "
                f"{database.row_count} rows"
            )
        else:
            failed += 1
            print(
                f"{database.aip_id} {database.siard_path}: FAILED {database.error}", file=sys.stderr
            )
    print(f"{len(built) - failed} access copies built, {failed} failed")
    return 1 if failed else 0
