"""Property: whatever is masked never reaches a citizen, and what is not masked does.

Hypothesis picks which tables are secret, which text columns are masked and a random
token for every text column, written into the staff access copy before the archivist
saves the marks (through the same service as the staff form, which rebuilds the public
copy). Then every portal page of the database is fetched: list, tables, each table's
rows, sorted rows, row pages, CSV, full-text searches for each secret token, and probes
that filter or sort on a masked column. No masked token, masked column name or secret
table name may appear in any of them, nor in the public copy file's bytes; every public
token must be findable (so the check is not vacuous).
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from tests.portal_databases.sample import TABLES, TEXT_COLUMNS

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ALL_TEXT = [(t, c) for t in TABLES for c in TEXT_COLUMNS[t]]
TOKEN = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=10, max_size=14)
NEXT = re.compile(r'<input type="hidden" name="next" value="[^"]*">')
ECHO = "0123456789"  # a search word no token can be (tokens are consonants)
DECIDER = Scope(actor="user:arkivarie", tenant="bjuv", permissions=frozenset(Permission))


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8")


def _write_tokens(database, tokens: dict[tuple[str, str], str]) -> None:
    """Each text column holds its token in row 1 and every seventh row."""
    from samarkiv.access.databases import copies

    conn = sqlite3.connect(copies.copy_path(database))
    for (table, column), token in tokens.items():
        conn.execute(
            f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = 1 OR rowid % 7 = 0',  # noqa: S608
            (token,),
        )
    conn.commit()
    conn.close()


def _set_marks(database, secret_tables: set[str], masked: set[tuple[str, str]]) -> None:
    from samarkiv.access.databases.masks import set_table_marks

    for index, table in enumerate(t["name"] for t in database.metadata["tables"]):
        set_table_marks(
            DECIDER,
            database.pk,
            index,
            table_secret=table in secret_tables,
            secret_columns={c for t, c in masked if t == table},
        )


def _pages(client: Client, pk: int, public: list[str], secret_tokens, masked_names) -> list:
    """(url, params, expected status, status, body) of every portal page worth a look."""
    out = []

    def get(name: str, params: dict | None = None, expect: int = 200, **kwargs) -> str:
        url = reverse(name, kwargs={"pk": pk, **kwargs}) if name != "portal:databases" else ""
        response = client.get(url or reverse(name), params or {})
        text = NEXT.sub("", body(response))  # the language switch echoes the asked URL
        out.append((url, params, expect, response.status_code, text))
        return text

    get("portal:databases")
    get("portal:database")
    for t, table in enumerate(public):
        get("portal:database_table", t=t)
        get("portal:database_table", {"sortera": "id", "ordning": "fallande"}, t=t)
        get("portal:database_csv", t=t)
        get("portal:database_row", t=t, rowid=1)
        echo = NEXT.sub(
            "",
            body(
                client.get(reverse("portal:database_table", kwargs={"pk": pk, "t": t}), {"q": ECHO})
            ),
        )
        for token in secret_tokens[table]:  # no rows: the word shows only where it was typed
            text = get("portal:database_table", {"q": token}, t=t)
            assert "Inga rader matchar" in text and text.count(token) == echo.count(ECHO)
            out[-1] = (*out[-1][:4], text.replace(token, ""))  # only the echoes, counted
            assert get("portal:database_csv", {"q": token}, t=t).count("\n") == 1
        for name in masked_names[table][:1]:
            get("portal:database_table", {"kol": name, "op": "eq", "varde": "x"}, 400, t=t)
            get("portal:database_table", {"sortera": name}, 400, t=t)
    get("portal:database_table", expect=404, t=len(public))  # where a secret table was
    return out


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    secret_tables=st.sets(st.sampled_from(TABLES), max_size=3),
    masked=st.sets(st.sampled_from(ALL_TEXT)),
    tokens=st.lists(TOKEN, min_size=len(ALL_TEXT), max_size=len(ALL_TEXT), unique=True),
)
def test_masked_tables_and_columns_never_reach_the_portal(
    archived_published, secret_tables, masked, tokens
) -> None:
    from samarkiv.access.databases.models import PublishedDatabase
    from samarkiv.access.databases.public_copy import public_path

    database = archived_published
    by_column = dict(zip(ALL_TEXT, tokens, strict=True))
    _write_tokens(database, by_column)
    _set_marks(database, secret_tables, masked)
    hidden = {(t, c) for t, c in ALL_TEXT if t in secret_tables or (t, c) in masked}
    forbidden = {by_column[k] for k in hidden} | {c for _t, c in hidden} | set(secret_tables)
    public = [t for t in TABLES if t not in secret_tables]
    masked_names = {t: [c for c in TEXT_COLUMNS[t] if (t, c) in hidden] for t in public}
    secret_tokens = {t: [by_column[(t, c)] for c in masked_names[t]] for t in public}
    pages = _pages(Client(), database.pk, public, secret_tokens, masked_names)
    leaks = [(url, params, w) for url, params, *_r, text in pages for w in forbidden if w in text]
    assert not leaks, leaks[:5]
    wrong = [(url, params, got) for url, params, want, got, _t in pages if got != want]
    assert not wrong, wrong[:5]
    published = PublishedDatabase.objects.get(pk=database.pk)
    raw = public_path(published.copy_name).read_bytes()
    assert not [w for w in forbidden if w.encode() in raw]
    shown = "".join(text for *_rest, text in pages)
    visible = {by_column[k] for k in ALL_TEXT if k not in hidden}
    assert all(token in shown for token in visible), "a public value is missing"


@pytest.fixture
def archived_published(archived):
    from samarkiv.access.databases.public_copy import set_published

    set_published(DECIDER, archived.pk, True)
    return archived
