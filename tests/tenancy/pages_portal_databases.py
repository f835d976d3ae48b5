"""Published archived databases on the portal, and the staff publish button, in the
isolation matrix.

Tenant B has an archived database (``pages_databases`` builds it) that is not
published: every portal page of it must answer 404 to everyone, the portal's list must
not name it, and A's people must not be able to publish it (403/404).
"""

from __future__ import annotations

PUBLIC = {"portal:databases"}


def _db(w) -> dict:
    return {"pk": w.extra["database"].pk}


PAGES = {
    "databases_ui:database_publish": _db,
    "portal:database": _db,
    "portal:database_table": lambda w: {**_db(w), "t": 0},
    "portal:database_csv": lambda w: {**_db(w), "t": 0},
    "portal:database_row": lambda w: {**_db(w), "t": 0, "rowid": 1},
}
