"""Live database → SIARD 2.2 → fresh database: every row and every LOB comes back equal.

Sources: PostgreSQL 15, MariaDB and SQLite, each filled with the sample music database
(Unicode, NULLs, multi-MB BLOBs, a 600,000-character CLOB, composite and self-referencing
keys, a view). Targets: a fresh SQLite file and a fresh PostgreSQL database.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
import sqlalchemy as sa

from samarkiv.packages.siard.load import load_siard
from samarkiv.packages.siard.reader import LobRef, open_siard
from samarkiv.packages.siard.validate import validate_siard
from tests.siard import sample_db
from tests.siard.conftest import pg_database, siard_of

pytestmark = pytest.mark.slow

SOURCES = {
    "sqlite": ("sqlite_source", None),
    "postgresql": ("pg_source", "musik"),
    "mariadb": ("mariadb_source", None),
}
TABLES = ("artist", "album", "track", "playlist_track", "employee")


def norm(value: object) -> object:
    """One comparable form per value, whatever the driver returned."""
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    if isinstance(value, LobRef):
        return value.read()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.timedelta):
        return (dt.datetime.min + value).time()
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def table_rows(url: str, schema: str | None, name: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            table = sa.Table(name, sa.MetaData(), schema=schema, autoload_with=conn)
            order = [table.c[c.name] for c in table.primary_key.columns] or list(table.c)
            result = conn.execute(sa.select(table).order_by(*order))
            return [tuple(norm(v) for v in row) for row in result]
    finally:
        engine.dispose()


def siard_rows(path, schema: str, name: str) -> list[tuple]:
    with open_siard(path, lob_inline_max=2**20) as reader:
        table = reader.archive.table(schema, name)
        pk = [i for i, c in enumerate(table.columns) if c.name in table.primary_key.columns]
        rows = [tuple(norm(v) for v in row) for row in reader.iter_rows(schema, name)]
    return sorted(rows, key=lambda r: tuple(r[i] for i in pk))


@pytest.fixture(scope="module", params=list(SOURCES))
def source(request, extracted, tmp_path_factory):
    fixture, schema = SOURCES[request.param]
    url = request.getfixturevalue(fixture)
    path = siard_of(extracted, request.param, url, tmp_path_factory.mktemp(request.param))
    with open_siard(path) as reader:
        siard_schema = reader.archive.schemas[0].name
    return request.param, url, schema, path, siard_schema


def test_extracted_siard_is_valid_against_the_official_xsd_and_has_its_facts(source):
    kind, _url, _schema, path, siard_schema = source
    report = validate_siard(path)
    assert report.valid, [f.to_dict() for f in report.errors()]
    assert report.specification == "siard-2.2"
    with open_siard(path) as reader:
        archive = reader.archive
        schema = archive.schema(siard_schema)
        assert sorted(t.name for t in schema.tables) == sorted(TABLES)
        assert schema.table("track").rows == sample_db.TRACKS
        track_pk = schema.table("track").primary_key
        assert track_pk is not None and track_pk.columns == ["album_id", "track_no"]
        fk = schema.table("playlist_track").foreign_keys[0]
        assert (fk.referenced_table, fk.columns) == ("track", ["album_id", "track_no"])
        boss = schema.table("employee").foreign_keys[0]
        assert (boss.referenced_table, boss.referenced_columns) == ("employee", ["employee_id"])
        assert [k.columns for k in schema.table("artist").candidate_keys] == [["name"]]
        assert [v.name for v in schema.views] == ["album_view"]
        assert "artist" in (schema.views[0].query or "").lower()
        assert schema.table("album").column("cover").type == "BLOB"
        assert schema.table("artist").column("bio").type == "CLOB"
        assert archive.message_digests[0].digest_type == "SHA-256"
    with zipfile.ZipFile(path) as zf:
        sizes = {i.filename: i.file_size for i in zf.infolist() if "/lob" in i.filename}
    assert sample_db.BIG_BLOB in sizes.values(), "the 3 MB cover must be a separate LOB file"
    assert "header/siardversion/2.2/" in zipfile.ZipFile(path).namelist()


def test_siard_rows_equal_source_rows(source):
    kind, url, schema, path, siard_schema = source
    for name in TABLES:
        expected = table_rows(url, schema, name)
        assert siard_rows(path, siard_schema, name) == expected, f"{kind}: {name}"
    artist = table_rows(url, schema, "artist")
    assert artist[0][1].startswith("Åsa Öberg") and "😀" in artist[0][1]
    assert "\r\n" in artist[0][1] and "\x01" in artist[0][1]
    assert len(artist[0][2]) == sample_db.BIG_TEXT_CHARS
    assert artist[2][2:] == (None, None, None, None, None)


def test_round_trip_into_fresh_sqlite(source, tmp_path):
    kind, url, schema, path, siard_schema = source
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    with open_siard(path) as reader:
        summary = load_siard(reader, target)
    assert summary.rows == sum(len(v) for v in sample_db.rows().values())
    for name in TABLES:
        loaded = summary.target(siard_schema, name)
        assert loaded.target_schema is None
        got = table_rows(target, None, loaded.target_table)
        assert got == table_rows(url, schema, name), f"{kind} → sqlite: {name}"


def test_round_trip_into_fresh_postgresql(source, pg_cluster):
    kind, url, schema, path, siard_schema = source
    target = pg_database(pg_cluster, f"kopia_{kind}")
    with open_siard(path) as reader:
        summary = load_siard(reader, target)
    assert summary.warnings == []  # every PK and FK could be created
    for name in TABLES:
        loaded = summary.target(siard_schema, name)
        got = table_rows(target, loaded.target_schema, loaded.target_table)
        assert got == table_rows(url, schema, name), f"{kind} → postgresql: {name}"
    engine = sa.create_engine(target)
    try:
        fks = sa.inspect(engine).get_foreign_keys("playlist_track", schema=siard_schema)
    finally:
        engine.dispose()
    assert [fk["constrained_columns"] for fk in fks] == [["album_id", "track_no"]]
