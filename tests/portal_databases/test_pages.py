"""Citizens browse a published archived database; masks and withdrawal reach the portal.

The sample is ingested for real (SQLite → SIARD → E-ARK SIP → ingest → access copy);
the archivist publishes it on the staff page and masks through the staff form, so the
hooks that rebuild the public copy are the ones exercised.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from django.test import Client
from django.urls import reverse

from samarkiv.accounts.roles import Role
from tests.portal_databases.sample import BUILDINGS, FORMULA

pytestmark = pytest.mark.django_db

ROWID = re.compile(r'/rad/(\d+)/">Visa')


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8")


def index_of(db, name: str) -> int:
    return next(i for i, t in enumerate(db.metadata["tables"]) if t["name"] == name)


def publish(client, database, on: bool = True):
    url = reverse("databases_ui:database_publish", kwargs={"pk": database.pk})
    return client.post(url, {"publicera": "1" if on else "0"})


def mask(client, database, table: str, *, whole: bool = False, columns=()):
    url = reverse(
        "databases_ui:table_masks", kwargs={"pk": database.pk, "t": index_of(database, table)}
    )
    data = {"kolumn": list(columns), **({"hela": "1"} if whole else {})}
    assert client.post(url, data).status_code == 302


def portal_urls(pk: int, tables: int = 3) -> list[str]:
    urls = [reverse("portal:database", kwargs={"pk": pk})]
    for t in range(tables):
        urls += [
            reverse("portal:database_table", kwargs={"pk": pk, "t": t}),
            reverse("portal:database_csv", kwargs={"pk": pk, "t": t}),
            reverse("portal:database_row", kwargs={"pk": pk, "t": t, "rowid": 1}),
        ]
    return urls


def test_publish_browse_search_sort_follow_and_export(archived, staff_client) -> None:
    staff = staff_client(Role.ARCHIVIST, "bjuv")
    anon = Client()
    assert "Bygglovsregistret" not in body(anon.get(reverse("portal:databases")))
    assert publish(staff, archived).status_code == 302
    detail = body(staff.get(reverse("databases_ui:database_detail", kwargs={"pk": archived.pk})))
    assert "Sluta publicera" in detail
    listing = anon.get(reverse("portal:databases"))
    assert "Bygglovsregistret" in body(listing) and "Bjuvs kommun" in body(listing)
    assert listing["Cache-Control"] == "public, max-age=60" and not listing.cookies
    tables = body(anon.get(reverse("portal:database", kwargs={"pk": archived.pk})))
    assert "main.byggnad" in tables and f">{BUILDINGS}<" in tables
    rows_url = reverse("portal:database_table", kwargs={"pk": archived.pk, "t": 1})
    found = body(anon.get(rows_url, {"q": "Stenby"}))
    assert "Stenby 1:1<" in found
    assert "Inga rader matchar" in body(anon.get(rows_url, {"q": "Storgatan"}))  # other table
    only = body(anon.get(rows_url, {"kol": "beteckning", "op": "eq", "varde": "Stenby 1:7"}))
    assert ROWID.findall(only) == ["7"]
    assert anon.get(rows_url, {"kol": "finns_inte", "varde": "x"}).status_code == 400
    row = body(
        anon.get(reverse("portal:database_row", kwargs={"pk": archived.pk, "t": 1, "rowid": 2}))
    )
    owner = reverse("portal:database_row", kwargs={"pk": archived.pk, "t": 0, "rowid": 3})
    assert f'href="{owner}"' in row and "main.tillsyn" in row  # key out, and rows referring in
    referring = body(
        anon.get(
            reverse("portal:database_table", kwargs={"pk": archived.pk, "t": 2}),
            {"via": 0, "till": 2},
        )
    )
    assert sorted(ROWID.findall(referring)) == ["1", "61"]
    csv = body(anon.get(reverse("portal:database_csv", kwargs={"pk": archived.pk, "t": 1})))
    assert csv.startswith("\ufeffid,agnr,beteckning,anteckning,areal")
    assert f",'{FORMULA}," in csv and f",{FORMULA}," not in csv  # no formula runs
    selection = body(
        anon.get(
            reverse("portal:database_csv", kwargs={"pk": archived.pk, "t": 1}),
            {"q": "Stenby", "kol": "areal", "varde": "105"},
        )
    )
    assert selection.count("\n") == 2 and "Stenby 1:5," in selection


@pytest.mark.parametrize(("column", "desc"), [("", False), ("anteckning", True), ("areal", False)])
def test_keyset_paging_visits_every_row_once_in_order(archived, staff_client, column, desc):
    publish(staff_client(Role.ARCHIVIST, "bjuv"), archived)
    anon = Client()
    url = reverse("portal:database_table", kwargs={"pk": archived.pk, "t": 1})
    params = {"sortera": column, "ordning": "fallande" if desc else "stigande"} if column else {}
    page = body(anon.get(url, params))
    seen: list[int] = []
    while True:
        seen += [int(r) for r in ROWID.findall(page)]
        nxt = re.search(r'href="(\?[^"]*)" rel="next"', page)
        if not nxt:
            break
        assert "efter=" in nxt.group(1)
        page = body(anon.get(url + nxt.group(1).replace("&amp;", "&")))
    source = sqlite3.connect(":memory:")
    source.execute("CREATE TABLE b (id INTEGER, anteckning TEXT, areal INTEGER)")
    source.executemany(
        "INSERT INTO b VALUES (?, ?, ?)",
        [(i, FORMULA if i == 2 else None, 100 + i) for i in range(1, BUILDINGS + 1)],
    )
    order = f"{column or 'id'} {'DESC' if desc else 'ASC'}, id {'DESC' if desc else 'ASC'}"
    expected = [r[0] for r in source.execute(f"SELECT id FROM b ORDER BY {order}")]  # noqa: S608
    assert seen == expected


def test_masks_make_tables_and_columns_physically_absent_and_follow_changes(
    archived, staff_client
) -> None:
    from samarkiv.access.databases import copies
    from samarkiv.access.databases.models import PublishedDatabase
    from samarkiv.access.databases.public_copy import public_path

    staff = staff_client(Role.ARCHIVIST, "bjuv")
    publish(staff, archived)
    anon = Client()
    mask(staff, archived, "agare", columns=["hemadress"])
    mask(staff, archived, "tillsyn", whole=True)
    published = PublishedDatabase.objects.get(pk=archived.pk)
    assert [t["name"] for t in published.tables] == ["agare", "byggnad"]
    raw = public_path(published.copy_name).read_bytes()
    assert b"Storgatan" not in raw and b"Kontrollant" not in raw and b"Godk" not in raw
    conn = sqlite3.connect(public_path(published.copy_name))
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "t2" not in names and {"t0", "t1"} <= names
    assert len(conn.execute("PRAGMA table_info(t0)").fetchall()) == 3  # id, pnr, förnamn
    conn.close()
    pages = [body(anon.get(u)) for u in portal_urls(archived.pk, 2)]
    assert all("Storgatan" not in p and "hemadress" not in p and "tillsyn" not in p for p in pages)
    assert (
        anon.get(reverse("portal:database_table", kwargs={"pk": archived.pk, "t": 2})).status_code
        == 404
    )
    probe = anon.get(
        reverse("portal:database_table", kwargs={"pk": archived.pk, "t": 0}),
        {"kol": "hemadress", "op": "contains", "varde": "Storgatan"},
    )
    assert probe.status_code == 400 and "Ägare 1<" not in body(probe)
    mask(staff, archived, "agare")  # unmask both again: the public copy follows
    mask(staff, archived, "tillsyn")
    pages = [body(anon.get(u)) for u in portal_urls(archived.pk)]
    assert any("Storgatan 1<" in p for p in pages) and any("Kontrollant" in p for p in pages)
    mask(staff, archived, "byggnad", columns=["beteckning"])
    before = PublishedDatabase.objects.get(pk=archived.pk).built_at
    copies.build(archived)  # a rebuilt staff copy is followed by the public one
    assert PublishedDatabase.objects.get(pk=archived.pk).built_at > before
    staff_page = body(
        staff.get(reverse("databases_ui:database_detail", kwargs={"pk": archived.pk}))
    )
    assert "Sluta publicera" in staff_page and "kopian saknas" not in staff_page
    csv = body(anon.get(reverse("portal:database_csv", kwargs={"pk": archived.pk, "t": 1})))
    assert csv.startswith("\ufeffid,agnr,anteckning,areal") and "Stenby" not in csv


def test_unpublished_database_is_404_everywhere(archived, staff_client) -> None:
    from samarkiv.access.databases.public_copy import public_dir
    from samarkiv.auditlog.models import AuditEntry

    anon = Client()
    urls = [*portal_urls(archived.pk), reverse("portal:database", kwargs={"pk": 999999})]
    assert {anon.get(u).status_code for u in urls} == {404}
    staff = staff_client(Role.ARCHIVIST, "bjuv")
    publish(staff, archived)
    assert {anon.get(u).status_code for u in urls[:-1]} == {200}
    publish(staff, archived, on=False)
    assert {anon.get(u).status_code for u in urls} == {404}
    assert "Sidan finns inte" in body(anon.get(urls[0]))
    assert "Bygglovsregistret" not in body(anon.get(reverse("portal:databases")))
    assert not list(public_dir().glob("*.sqlite"))  # the public copy is gone too
    decisions = AuditEntry.objects.filter(action="decision", object_id=str(archived.pk))
    assert decisions.count() >= 2


def test_only_decision_makers_of_the_owning_tenant_publish(archived, staff_client) -> None:
    url = reverse("databases_ui:database_publish", kwargs={"pk": archived.pk})
    assert staff_client(Role.ARCHIVIST, "bjuv").get(url).status_code == 405
    assert staff_client(Role.AUDITOR, "bjuv").post(url, {"publicera": "1"}).status_code == 403
    assert staff_client(Role.ARCHIVIST, "ystad").post(url, {"publicera": "1"}).status_code == 404
    assert staff_client(Role.PLATFORM_ADMIN).post(url, {"publicera": "1"}).status_code == 403
    archived.refresh_from_db()
    assert not archived.published
    assert Client().get(reverse("portal:database", kwargs={"pk": archived.pk})).status_code == 404


def test_missing_public_copy_is_404_not_an_error(archived, staff_client) -> None:
    from samarkiv.access.databases.models import PublishedDatabase
    from samarkiv.access.databases.public_copy import public_path

    publish(staff_client(Role.ARCHIVIST, "bjuv"), archived)
    url = reverse("portal:database_table", kwargs={"pk": archived.pk, "t": 0})
    assert Client().get(url).status_code == 200
    public_path(PublishedDatabase.objects.get(pk=archived.pk).copy_name).unlink()
    assert Client().get(url).status_code == 404
