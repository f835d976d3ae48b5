"""`samarkiv plan` and `samarkiv inventory import|export`, added by samarkiv.cli.

The person at the shell acts with the operator scope (every municipality), recorded in
the audit log under their OS account. ``plan`` prints the plan it proposes for the
current inventory without storing it when --quarters changes the horizon; otherwise
it stores it like the dashboard's "re-plan" (pins kept).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """``plan`` and ``inventory``."""
    plan = sub.add_parser(
        "plan",
        help="propose the delivery plan for the current system inventory",
        description="Score every business system in the inventory and place the "
        "connections into quarters (OR-Tools CP-SAT) under the IT archivists' capacity, "
        "with pilots first, an early delivery for every municipality, prerequisites and "
        "pins kept. Prints per item the system, municipality, quarter, score and its "
        "factors. Exit code 0: planned; 1: no plan satisfies the constraints (the "
        "message names the constraint).",
    )
    plan.add_argument("--json", action="store_true", help="one JSON object per item per line")
    plan.add_argument(
        "--quarters", type=int, metavar="N", help="plan N quarters (not stored; default: settings)"
    )
    plan.set_defaults(handler=plan_command)
    inv = sub.add_parser(
        "inventory",
        help="import or export the business-system inventory (CSV or XLSX)",
        description="The inventory of business systems as a spreadsheet; columns are "
        "documented in docs/planning.md. Import checks every row first and imports "
        "nothing when any row is wrong (each error names row, column and rule). "
        "Exit code 0: done; 1: the file has errors; 2: usage error.",
    )
    inv_sub = inv.add_subparsers(dest="inventory_command", required=True, metavar="ACTION")
    imp = inv_sub.add_parser("import", help="import FILE (.csv or .xlsx)")
    imp.add_argument("file", metavar="FILE", type=Path)
    imp.set_defaults(handler=import_command)
    exp = inv_sub.add_parser("export", help="export the whole inventory to FILE (.csv or .xlsx)")
    exp.add_argument("file", metavar="FILE", type=Path)
    exp.set_defaults(handler=export_command)


def _setup_django() -> None:
    from samarkiv.web.commands import migrate

    migrate()


def _item(key, result, scores, items_by_key, settings) -> dict:
    from samarkiv.planning.service import label

    placement = result.placements[key]
    item = items_by_key[key]
    return {
        "system": item.label.rsplit(" (", 1)[0],
        "municipality": item.tenant,
        "quarter": label(settings, placement.quarter),
        "quarter_index": placement.quarter,
        "score": scores[key].total,
        "effort_hours": item.effort,
        "pilot": item.pilot,
        "pinned": item.pinned is not None,
        "factors": scores[key].as_dicts(),
        "reasons": [r["text"] for r in placement.reasons],
    }


def plan_command(args: argparse.Namespace) -> int:
    _setup_django()
    from samarkiv.accounts.scope import operator_scope
    from samarkiv.errors import SamarkivError
    from samarkiv.planning.service import plan_settings, run_plan

    if args.quarters is not None and not 1 <= args.quarters <= 40:
        print("samarkiv plan: --quarters must be 1..40", file=sys.stderr)
        return 2
    try:
        result, scores, items = run_plan(operator_scope(), quarters=args.quarters)
    except SamarkivError as exc:
        print(f"samarkiv plan: {exc.message}", file=sys.stderr)
        return exc.exit_code
    settings = plan_settings()
    if args.quarters:
        settings.quarters = args.quarters
    by_key = {item.key: item for item in items}
    rows = [_item(key, result, scores, by_key, settings) for key in result.placements]
    rows.sort(key=lambda r: (r["quarter_index"] is None, r["quarter_index"] or 0, -r["score"]))
    for row in rows:
        if args.json:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        flags = "".join([" [pilot]" if row["pilot"] else "", " [fäst]" if row["pinned"] else ""])
        print(
            f"{row['quarter']}\t{row['system']}\t{row['municipality']}\t{row['score']:.1f}{flags}"
        )
        for factor in row["factors"]:
            print(
                f"\t\t{factor['label']}: {factor['value']:g} × {factor['weight']} = "
                f"{factor['contribution']:g} ({factor['reason']})"
            )
    if not args.json:
        print(f"{len(rows)} items, load per quarter (h): {result.load}")
    return 0


def import_command(args: argparse.Namespace) -> int:
    _setup_django()
    from samarkiv.accounts.scope import operator_scope
    from samarkiv.errors import SamarkivError
    from samarkiv.planning.spreadsheet import import_inventory

    path: Path = args.file
    if not path.is_file():
        print(f"samarkiv inventory import: no such file: {path}", file=sys.stderr)
        return 2
    try:
        count = import_inventory(operator_scope(), path.read_bytes(), path.name)
    except SamarkivError as exc:
        print(f"samarkiv inventory import: {exc.message}", file=sys.stderr)
        return 1
    print(f"imported {count} rows from {path}")
    return 0


def export_command(args: argparse.Namespace) -> int:
    _setup_django()
    from samarkiv.accounts.scope import operator_scope
    from samarkiv.auditlog.choices import AuditAction
    from samarkiv.auditlog.service import record
    from samarkiv.packages.atomic import atomic_write_bytes
    from samarkiv.planning.service import inventory
    from samarkiv.planning.spreadsheet import export_bytes

    path: Path = args.file
    if path.suffix.lower() not in (".csv", ".xlsx"):
        print("samarkiv inventory export: FILE must end in .csv or .xlsx", file=sys.stderr)
        return 2
    scope = operator_scope()
    rows = list(inventory(scope).order_by("tenant_id", "product__name", "name"))
    atomic_write_bytes(path, export_bytes(rows, path.name))
    record(scope, AuditAction.EXPORT, object_type="planning.inventory", object_id=path.name,
           detail={"rows": len(rows)})  # fmt: skip
    print(f"exported {len(rows)} rows to {path}")
    return 0
