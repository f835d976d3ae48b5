"""Archived databases and decommissionings of tenant B, for the isolation matrix."""

from __future__ import annotations

from pathlib import Path

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from tests.tenancy.world import MARK, OTHER, World

SAMPLE = Path(
    "/work/shared/corpus/siard/sfa-siard-SiardCmd/simple-teams-example_postgres13_2-2.siard"
)


def build(world: World) -> None:
    """B's archived database (access copy built) and a decommissioning of B's system."""
    from samarkiv.access.databases import copies
    from samarkiv.access.databases.models import ArchivedDatabase
    from samarkiv.decommissioning import workflow

    database = ArchivedDatabase.objects.create(
        tenant_id=OTHER, aip=world.aip, siard_path=f"data/{MARK}.siard", name=MARK
    )
    database = copies.build_from_file(database, SAMPLE)
    database.name = f"{MARK} databas"
    database.save()
    b_scope = Scope(actor=f"user:{MARK}", tenant=OTHER, permissions=frozenset(Permission))
    item = workflow.create(
        b_scope,
        system_name=f"{MARK} system",
        vendor=f"{MARK} AB",
        source_description=f"{MARK} källa",
    )
    world.extra["database"] = database
    world.extra["decommissioning"] = item
    world.markers += [f"{MARK} databas", f"{MARK} system"]


def _db(w: World) -> dict:
    return {"pk": w.extra["database"].pk}


def _table(w: World) -> dict:
    return {**_db(w), "t": 0}


def _row(w: World) -> dict:
    return {**_table(w), "rowid": 1}


def _item(w: World) -> dict:
    return {"pk": w.extra["decommissioning"].pk}


PAGES = {
    "databases_ui:database_detail": _db,
    "databases_ui:table_rows": _table,
    "databases_ui:table_csv": _table,
    "databases_ui:table_masks": _table,
    "databases_ui:row_detail": _row,
    "databases_ui:follow_key": lambda w: {**_row(w), "fk": 0},
    "databases_ui:cell_download": lambda w: {**_row(w), "c": 1},
    "databases_ui:decommissioning_detail": _item,
    "databases_ui:step_extract": _item,
    "databases_ui:step_upload": _item,
    "databases_ui:step_verify": _item,
    "databases_ui:step_documentation": _item,
    "databases_ui:step_review": _item,
    "databases_ui:step_ingest": _item,
    "databases_ui:step_certify": _item,
    "databases_ui:certificate": _item,
    "databases_ui:step_decommission": _item,
}
