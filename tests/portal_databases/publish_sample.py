"""Ingest the sample database into a home, mask a column and a table, and publish it.

Run as ``python -m tests.portal_databases.publish_sample WORKDIR`` with
``SAMARKIV_HOME`` set (the server's home, migrated), for the browser test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(workdir: Path) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")
    import django

    django.setup()
    from samarkiv.access.databases.masks import set_table_marks
    from samarkiv.access.databases.public_copy import set_published
    from samarkiv.accounts.roles import Permission
    from samarkiv.accounts.scope import Scope
    from tests.portal_databases.sample import ingest_sample

    workdir.mkdir(parents=True, exist_ok=True)
    database = ingest_sample(workdir)
    scope = Scope(actor="user:arkivarie", tenant="bjuv", permissions=frozenset(Permission))
    names = [t["name"] for t in database.metadata["tables"]]
    set_table_marks(
        scope,
        database.pk,
        names.index("agare"),
        table_secret=False,
        secret_columns={"personnummer"},
    )
    set_table_marks(
        scope, database.pk, names.index("tillsyn"), table_secret=True, secret_columns=set()
    )
    set_published(scope, database.pk, True)
    sys.stdout.write(f"{database.pk}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
