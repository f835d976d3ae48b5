"""`samarkiv ingest` and `samarkiv tenants`: thin shells around the service layer."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from samarkiv.errors import SamarkivError
from samarkiv.ingest.receipt import json_safe

log = logging.getLogger(__name__)


def _setup() -> None:
    from samarkiv.web.commands import migrate

    migrate()


def ingest_command(
    path: Path, tenant: str, agreement: str, new_version: bool, as_json: bool
) -> int:
    """Exit 0 when preserved (or already preserved), 1 when rejected or failed, 2 on usage
    (an unknown tenant or agreement); an agreement that has ended is a rejection (1).

    With --json, stdout is always exactly one JSON object (the receipt, or the error), so
    a deliverer's script can parse it whatever happened; details of an unexpected
    failure go to stderr, where an operator finds them.
    """
    _setup()
    from samarkiv.accounts.scope import operator_scope
    from samarkiv.ingest.pipeline import IngestRequest, ingest
    from samarkiv.ingest.progress import RichProgress

    progress = RichProgress() if sys.stderr.isatty() and not as_json else None
    request = IngestRequest(
        path,
        tenant,
        agreement=agreement,
        new_version=new_version,
        actor=operator_scope().actor,
    )
    try:
        receipt = ingest(request, progress=progress)
    except SamarkivError as error:
        return _refused(error.to_dict(), _exit_code(error), as_json)
    except Exception as error:
        log.exception("ingest of %s failed", path)
        detail = {"ok": False, "code": "ingest_failed", "error": f"{type(error).__name__}: {error}"}
        return _refused(detail, 1, as_json)
    if as_json:
        print(json.dumps(receipt.to_dict(), ensure_ascii=False))
    else:
        print(receipt.summary())
    return 0 if receipt.ok else 1


def _exit_code(error: SamarkivError) -> int:
    """2 for what the caller got wrong (a tenant code, a path), 1 for a failed ingest."""
    from samarkiv.catalog.tenants import UnknownTenantError

    return 2 if isinstance(error, UnknownTenantError) else error.exit_code


def _refused(detail: dict, code: int, as_json: bool) -> int:
    if as_json:
        print(json.dumps(json_safe(detail), ensure_ascii=False))
    else:
        print(f"samarkiv ingest: {json_safe(detail['error'])}", file=sys.stderr)
    return code


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
