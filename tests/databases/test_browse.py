"""The browse service on a real access copy: paging, filters, sort, search, keys, CSV,
masks everywhere, tenancy."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from samarkiv.access.databases import browse
from samarkiv.access.databases.browse import RowQuery
from samarkiv.access.databases.masks import MASKED, set_table_marks
from samarkiv.accounts.roles import Permission, Role, permissions_of
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.models import AuditEntry
from samarkiv.errors import AccessDeniedError, NotFoundError, UsageError
from tests.databases.conftest import archived
from tests.databases.sample import FORMULA, PEOPLE, SECRET_PNR

pytestmark = pytest.mark.django_db


def scope_of(role: Role = Role.ARCHIVIST, tenant: str = "bjuv") -> Scope:
    return Scope(
        actor=f"user:{role.value}",
        tenant=tenant,
        permissions=permissions_of({role}),
        roles=frozenset({role}),
    )


def index_of(db, name: str) -> int:
    return next(i for i, t in enumerate(db.metadata["tables"]) if t["name"] == name)


def names(page) -> list[str]:
    col = [c.name for c in page.table.columns].index("namn")
    return [row.cells[col].text for row in page.rows]


def test_metadata_counts_and_tables(sample_db) -> None:
    assert sample_db.table_count == 2
    assert sample_db.row_count == PEOPLE + 3
    _, tables = browse.database_tables(scope_of(), sample_db.pk)
    person = next(t for t in tables if t.name == "person")
    assert person.rows == PEOPLE and "namn" in person.fts


def test_paging_filter_sort(sample_db) -> None:
    s, t = scope_of(), index_of(sample_db, "person")
    first = browse.browse_rows(s, sample_db.pk, t, RowQuery())
    assert len(first.rows) == browse.PAGE_SIZE and first.has_next
    last = browse.browse_rows(s, sample_db.pk, t, RowQuery(offset=100))
    assert len(last.rows) == PEOPLE - 100 and not last.has_next
    keyset = browse.browse_rows(s, sample_db.pk, t, RowQuery(after=first.rows[-1].rowid))
    assert names(keyset)[0] == "Person 051" and keyset.has_next
    with pytest.raises(UsageError):
        browse.browse_rows(s, sample_db.pk, t, RowQuery(after=50, sort="namn"))
    hit = browse.browse_rows(s, sample_db.pk, t, RowQuery(filters=[("namn", "eq", "Åsa Öberg")]))
    assert names(hit) == ["Åsa Öberg"]
    some = browse.browse_rows(s, sample_db.pk, t, RowQuery(filters=[("namn", "contains", "11")]))
    assert names(some) == [
        "Person 011",
        "Person 110",
        "Person 111",
        "Person 112",
        "Person 113",
        "Person 114",
        "Person 115",
        "Person 116",
        "Person 117",
        "Person 118",
        "Person 119",
    ]
    desc = browse.browse_rows(s, sample_db.pk, t, RowQuery(sort="namn", desc=True))
    assert names(desc)[0] == "Åsa Öberg" and names(desc)[1] == "Person 120"
    with pytest.raises(UsageError):
        browse.browse_rows(s, sample_db.pk, t, RowQuery(sort='namn" DESC; --'))
    with pytest.raises(UsageError):
        browse.browse_rows(s, sample_db.pk, t, RowQuery(offset=browse.MAX_OFFSET + 1))


def test_full_text_search(sample_db) -> None:
    s, t = scope_of(), index_of(sample_db, "person")
    page = browse.browse_rows(s, sample_db.pk, t, RowQuery(q="åsa"))
    assert names(page) == ["Åsa Öberg"]
    assert len(browse.browse_rows(s, sample_db.pk, t, RowQuery(q="bygglov")).rows) == 50
    # FTS5 syntax typed by a person is taken literally, never interpreted
    assert browse.browse_rows(s, sample_db.pk, t, RowQuery(q='namn : NEAR("x") OR *')).rows == []


def test_follow_foreign_keys_both_ways(sample_db) -> None:
    s = scope_of()
    cases, people = index_of(sample_db, "arende"), index_of(sample_db, "person")
    page = browse.browse_rows(s, sample_db.pk, cases, RowQuery())
    col = [c.name for c in page.table.columns].index("person_id")
    cell = page.rows[0].cells[col]
    assert cell.fk == 0
    target, rowid = browse.follow_fk(s, sample_db.pk, cases, page.rows[0].rowid, cell.fk)
    assert target == people
    detail = browse.row_detail(s, sample_db.pk, people, rowid)
    assert [c.text for c in detail.row.cells][:2] == ["1", "Åsa Öberg"]
    [ref] = detail.referencing
    assert ref.table.name == "arende" and ref.count == 2
    back = browse.browse_rows(
        s, sample_db.pk, cases, RowQuery(ref_fk=ref.fk_index, ref_rowid=rowid)
    )
    assert len(back.rows) == 2 and back.ref_label.endswith("person")


def _csv(database, t, query=None, s=None) -> list[list[str]]:
    _, lines = browse.export_csv(s or scope_of(), database.pk, t, query or RowQuery())
    text = "".join(lines).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_csv_is_formula_safe_and_audited(sample_db) -> None:
    t = index_of(sample_db, "person")
    rows = _csv(sample_db, t, RowQuery(filters=[("namn", "eq", "Åsa Öberg")]))
    assert rows[0] == ["id", "namn", "personnummer", "anteckning"]
    assert rows[1] == ["1", "Åsa Öberg", SECRET_PNR, "'" + FORMULA]
    assert len(_csv(sample_db, t)) == PEOPLE + 1
    assert AuditEntry.objects.filter(action="export", object_id=str(sample_db.pk)).count() == 2


def test_masked_column_never_leaves_the_copy(sample_db) -> None:
    s, t = scope_of(), index_of(sample_db, "person")
    set_table_marks(
        s, sample_db.pk, t, table_secret=False, secret_columns={"personnummer"}, reason="OSL 26:1"
    )
    page = browse.browse_rows(s, sample_db.pk, t, RowQuery(filters=[("namn", "eq", "Åsa Öberg")]))
    col = [c.name for c in page.table.columns].index("personnummer")
    assert page.rows[0].cells[col].text == MASKED
    detail = browse.row_detail(s, sample_db.pk, t, page.rows[0].rowid)
    assert SECRET_PNR not in repr(detail)
    exported = _csv(sample_db, t)
    assert all(row[2] == MASKED for row in exported[1:]) and SECRET_PNR not in repr(exported)
    for query in (
        RowQuery(filters=[("personnummer", "eq", SECRET_PNR)]),
        RowQuery(sort="personnummer"),
    ):
        with pytest.raises(UsageError):
            browse.browse_rows(s, sample_db.pk, t, query)
    # a masked column is not searched either
    set_table_marks(s, sample_db.pk, t, table_secret=False, secret_columns={"namn"})
    assert browse.browse_rows(s, sample_db.pk, t, RowQuery(q="Åsa")).rows == []


def test_mask_spreads_along_the_foreign_key(sample_db) -> None:
    s = scope_of()
    people, cases = index_of(sample_db, "person"), index_of(sample_db, "arende")
    set_table_marks(s, sample_db.pk, people, table_secret=False, secret_columns={"id"})
    page = browse.browse_rows(s, sample_db.pk, cases, RowQuery())
    col = [c.name for c in page.table.columns].index("person_id")
    assert {r.cells[col].text for r in page.rows} == {MASKED}
    assert all(r.cells[col].fk is None for r in page.rows)  # no link carries the value


def test_masked_table_shows_only_name_and_count(sample_db) -> None:
    s = scope_of()
    people, cases = index_of(sample_db, "person"), index_of(sample_db, "arende")
    set_table_marks(s, sample_db.pk, people, table_secret=True, secret_columns=set())
    _, tables = browse.database_tables(s, sample_db.pk)
    assert tables[people].masked and tables[people].rows == PEOPLE
    with pytest.raises(AccessDeniedError):
        browse.browse_rows(s, sample_db.pk, people, RowQuery())
    with pytest.raises(AccessDeniedError):
        browse.export_csv(s, sample_db.pk, people, RowQuery())
    page = browse.browse_rows(s, sample_db.pk, cases, RowQuery())
    assert all(c.fk is None for r in page.rows for c in r.cells)


def test_marks_need_decide(sample_db) -> None:
    with pytest.raises(AccessDeniedError):
        set_table_marks(
            scope_of(Role.AUDITOR), sample_db.pk, 0, table_secret=True, secret_columns=set()
        )


@pytest.mark.parametrize(
    ("role", "tenant"),
    [
        (Role.ARCHIVIST, "ystad"),
        (Role.REGISTRAR, "ystad"),
        (Role.AUDITOR, "bjuv"),
        (Role.PLATFORM_ADMIN, "lund"),
        (Role.IT_ARCHIVIST, "lund"),
    ],
)
def test_other_tenants_and_host_roles_see_nothing(sample_db, role, tenant) -> None:
    s = scope_of(role, tenant)
    assert not browse.list_databases(s).exists()
    with pytest.raises((NotFoundError, AccessDeniedError)):
        browse.browse_rows(s, sample_db.pk, 0, RowQuery())
    with pytest.raises((NotFoundError, AccessDeniedError)):
        browse.export_csv(s, sample_db.pk, 0, RowQuery())


def test_every_view_is_audited(sample_db) -> None:
    s, t = scope_of(), index_of(sample_db, "person")
    before = AuditEntry.objects.filter(action="view").count()
    browse.browse_rows(s, sample_db.pk, t, RowQuery(q="åsa"))
    browse.row_detail(s, sample_db.pk, t, 1)
    assert AuditEntry.objects.filter(action="view").count() == before + 2
    assert Permission.VIEW_CONTENT in s.permissions


def test_a_failed_rebuild_keeps_the_previous_copy(sample_db, tmp_path) -> None:
    from samarkiv.access.databases import copies

    broken = tmp_path / "trasig.siard"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    database = copies.build_from_file(sample_db, broken)
    assert database.error and database.state == "ready"
    assert copies.copy_path(database).is_file()
    t = index_of(database, "person")
    assert len(browse.browse_rows(scope_of(), database.pk, t, RowQuery()).rows) == 50


CORPUS = Path("/work/shared/corpus/siard/sfa-siard-SiardCmd")


def test_real_siard_lobs_list_by_size_and_download_whole(home) -> None:
    """sample-datalink (SIARD Suite): a 1 MB BLOB and a 2 M-character CLOB as LOB files."""
    database = archived(CORPUS / "sample-datalink-2-2.siard")
    assert database.state == "ready", database.error
    s, t = scope_of(), index_of(database, "TSIMPLE")
    page = browse.browse_rows(s, database.pk, t, RowQuery())
    names = [c.name for c in page.table.columns]
    blob, clob = names.index("CBLOB"), names.index("CCLOB")
    sizes = [r.cells[blob].text for r in page.rows]
    assert "[binärt värde, 1000000 byte]" in sizes  # listed by size, not read
    row = page.rows[sizes.index("[binärt värde, 1000000 byte]")]
    found = browse.cell_file(s, database.pk, t, row.rowid, blob)
    assert len(b"".join(found.chunks)) == found.size == 1_000_000
    detail = browse.row_detail(s, database.pk, t, page.rows[0].rowid)
    cut = detail.row.cells[clob]
    assert cut.download and len(cut.text) == browse.DETAIL_TEXT_CHARS + 1
    whole = b"".join(browse.cell_file(s, database.pk, t, page.rows[0].rowid, clob).chunks)
    assert len(whole.decode("utf-8")) == 2_000_000
    set_table_marks(s, database.pk, t, table_secret=False, secret_columns={"CBLOB"})
    with pytest.raises(AccessDeniedError):
        browse.cell_file(s, database.pk, t, row.rowid, blob)


def test_real_siard_2_1_northwind_browses(home) -> None:
    database = archived(CORPUS / "northwind_msaccess2010-2-1.siard")
    assert database.state == "ready" and database.table_count == 20
    s = scope_of()
    t = index_of(database, "Customers")
    page = browse.browse_rows(s, database.pk, t, RowQuery(sort="Company"))
    assert len(page.rows) == 29 and not page.has_next
    orders = index_of(database, "Orders")
    first = browse.browse_rows(s, database.pk, orders, RowQuery()).rows[0]
    detail = browse.row_detail(s, database.pk, orders, first.rowid)
    assert any(c.fk is not None for c in detail.row.cells)
