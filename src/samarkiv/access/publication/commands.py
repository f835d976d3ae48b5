"""`samarkiv publish`: recompute what the public may see, called by samarkiv.cli.

The worker does this once a day and every change of a marking or rule does it for
its tenant; the command is for the operator after a bulk change, a restored backup
or a lost public index (``--rebuild-index``).
"""

from __future__ import annotations

import argparse
import json
import sys


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """``publish``."""
    pub = sub.add_parser(
        "publish",
        help="recompute secrecy, publication and the public search index",
        description="Recompute every record's visibility (secrecy markings, protected "
        "identities, publication rules, today's date), rewrite the published projection "
        "the public portal reads, and update the public search index. Prints the number "
        "of records per visibility. Exit code 0: done; 2: usage error (unknown tenant).",
    )
    pub.add_argument("--tenant", help="only this tenant's records (see 'tenants')")
    pub.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    pub.add_argument(
        "--rebuild-index",
        action="store_true",
        help="afterwards rebuild the whole public index from the projection",
    )
    pub.set_defaults(handler=publish_command)


def publish_command(args: argparse.Namespace) -> int:
    from samarkiv.web.commands import migrate

    migrate()
    from samarkiv.access.publication.choices import Visibility
    from samarkiv.access.publication.public_index import rebuild_public_index
    from samarkiv.access.publication.refresh import refresh
    from samarkiv.catalog.models import Tenant

    if args.tenant and not Tenant.objects.filter(code=args.tenant).exists():
        print(f"samarkiv publish: unknown tenant {args.tenant!r} (see 'samarkiv tenants')",
              file=sys.stderr)  # fmt: skip
        return 2
    summary = refresh(tenant=args.tenant or None)
    indexed = rebuild_public_index() if args.rebuild_index else summary.indexed
    counts = {v.value: summary.counts.get(v.value, 0) for v in Visibility}
    if args.json:
        out = {
            "tenant": args.tenant or None,
            "records": summary.records,
            "visibility": counts,
            "published_files": summary.published_files,
            "stubs": summary.stubs,
            "indexed": indexed,
        }
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"records: {summary.records}")
    for value, n in counts.items():
        print(f"  {value}: {n}")
    print(f"published files: {summary.published_files}")
    print(f"public stubs: {summary.stubs}")
    print(f"indexed (public): {indexed}")
    return 0
