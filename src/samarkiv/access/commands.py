"""`samarkiv search` and `samarkiv index`, called by samarkiv.cli.

The person at the shell searches with the operator scope (every tenant, or one with
``--tenant``), recorded in the audit log under their OS account. ``index`` drains the
indexing queue now (or rebuilds the whole index) and exits 1 while any AIP is not
searchable because its indexing failed, so cron and monitoring notice.
"""

from __future__ import annotations

import argparse
import json
import sys

from samarkiv.errors import SamarkivError

PAGE = 100


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """``search`` and ``index``."""
    find = sub.add_parser(
        "search",
        help="search the catalogue's records (metadata and file text)",
        description='Search records: words (any inflection), "phrases", prefix*, fuzzy~, '
        "-excluded. Acts in every tenant, or one with --tenant; recorded in the audit log. "
        "Exit code 0: searched (also with no hits); 2: usage error.",
    )
    find.add_argument("query", metavar="QUERY")
    find.add_argument("--tenant", help="only this tenant's records (see 'tenants')")
    find.add_argument("--json", action="store_true", help="one JSON object per hit per line")
    find.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (20)")
    idx = sub.add_parser(
        "index",
        help="index queued AIPs for search now (or rebuild the index)",
        description="Extract records and file text of every AIP waiting for indexing and "
        "add them to the search index; with --rebuild, drop the index and re-index every "
        "AIP from the stored packages. Exit code 0: every AIP is indexed; 1: some AIP "
        "could not be indexed (listed with its error); 2: usage error.",
    )
    idx.add_argument("--rebuild", action="store_true", help="drop and rebuild the whole index")
    idx.add_argument(
        "--retry-failed", action="store_true", help="try AIPs that failed for good once more"
    )


def run(args: argparse.Namespace) -> int:
    _setup_django()
    if args.command == "search":
        return search_command(args.query, args.tenant, args.json, args.limit)
    return index_command(args.rebuild, args.retry_failed)


def _setup_django() -> None:
    from samarkiv.web.commands import migrate

    migrate()


def search_command(query: str, tenant: str | None, as_json: bool, limit: int) -> int:
    from samarkiv.access.search.service import search
    from samarkiv.accounts.scope import operator_scope
    from samarkiv.catalog.tenants import get_tenant

    if limit < 1:
        print("samarkiv search: --limit must be at least 1", file=sys.stderr)
        return 2
    try:
        if tenant:
            get_tenant(tenant)
        scope = operator_scope(tenant)
        hits, total, page = [], 0, 1
        while len(hits) < limit:
            result = search(scope, query, page=page, per_page=min(PAGE, limit), facets=False)
            total = result.total
            hits += result.hits
            if len(result.hits) < min(PAGE, limit) or page >= result.pages:
                break
            page += 1
    except SamarkivError as error:
        print(f"samarkiv search: {error.message}", file=sys.stderr)
        return 2
    _print_hits(hits[:limit], total, as_json)
    return 0


def _print_hits(hits: list, total: int, as_json: bool) -> None:
    if as_json:
        for hit in hits:
            print(json.dumps(hit.to_dict(), ensure_ascii=False))
        return
    print(f"{total} hit(s)" + (f", showing {len(hits)}" if len(hits) < total else ""))
    for hit in hits:
        title = " ".join(hit.title.split()) or "-"
        regno = f" [{hit.registration_number}]" if hit.registration_number else ""
        print(f"{hit.score:8.3f}  {hit.tenant:<12} {hit.record_id}  {title}{regno}")


def index_command(rebuild: bool, retry: bool) -> int:
    from samarkiv.access.search import queue

    if retry:
        queue.retry_failed()
    try:
        with _progress() as report:
            if rebuild:
                summary = queue.rebuild(progress=report)
            else:
                summary = queue.process_pending(ignore_backoff=True, progress=report)
    except SamarkivError as error:  # e.g. the PostgreSQL backend on a SQLite catalogue
        print(f"samarkiv index: {error.message}", file=sys.stderr)
        return 2
    print(f"indexed {summary.indexed} AIP(s), {summary.records} record(s)")
    problems = list(queue.failed_tasks())
    for task in problems:
        when = "failed" if task.state == "failed" else f"retrying at {task.next_attempt_at:%c}"
        print(
            f"  {task.state.upper():<8} {task.aip_id} ({task.aip.tenant_id}), "
            f"{task.attempts} attempt(s), {when}: {task.last_error}"
        )
    if problems:
        print(f"{len(problems)} AIP(s) could not be indexed", file=sys.stderr)
    return 1 if problems else 0


class _progress:
    """A rich progress bar on stderr while AIPs are indexed (nothing when not a tty)."""

    def __enter__(self):
        from rich.console import Console
        from rich.progress import Progress

        console = Console(stderr=True)
        self.bar = Progress(console=console, transient=True, disable=not console.is_terminal)
        self.bar.start()
        self.task = self.bar.add_task("indexing", total=None)
        return self.report

    def report(self, done: int, total: int, aip_id: str) -> None:
        self.bar.update(self.task, completed=done, total=total, description=aip_id[-12:])

    def __exit__(self, *exc) -> None:
        self.bar.stop()
