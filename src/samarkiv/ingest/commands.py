"""`samarkiv ingest` and `samarkiv tenants`: thin shells around the service layer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from samarkiv.errors import SamarkivError


def _setup() -> None:
    from samarkiv.web.commands import migrate

    migrate()


def ingest_command(
    path: Path, tenant: str, agreement: str, new_version: bool, as_json: bool
) -> int:
    """Exit 0 when preserved (or already preserved), 1 when rejected or failed, 2 on usage."""
    _setup()
    from samarkiv.ingest.pipeline import IngestRequest, ingest
    from samarkiv.ingest.progress import RichProgress

    progress = RichProgress() if sys.stderr.isatty() and not as_json else None
    request = IngestRequest(path, tenant, agreement=agreement, new_version=new_version)
    try:
        receipt = ingest(request, progress=progress)
    except SamarkivError as error:
        if as_json:
            print(json.dumps(error.to_dict(), ensure_ascii=False))
        else:
            print(f"samarkiv ingest: {error.message}", file=sys.stderr)
        return error.exit_code if error.exit_code != 1 else 2
    if as_json:
        print(json.dumps(receipt.to_dict(), ensure_ascii=False))
    else:
        print(receipt.summary())
    return 0 if receipt.ok else 1


def tenants_command(as_json: bool) -> int:
    _setup()
    from samarkiv.catalog.models import Tenant

    rows = list(Tenant.objects.values("code", "name", "org_number", "is_host"))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for row in rows:
        host = "  (värdkommun / host)" if row["is_host"] else ""
        print(f"{row['code']:<14} {row['name']}{host}")
    return 0
