"""A Chinook-like music database, created the same way on PostgreSQL, MariaDB and SQLite.

It holds what a SIARD round trip can get wrong: every common type, NULLs, Swedish letters
and emoji, XML-special and control characters, binary LOBs of several MB, a long CLOB,
composite and self-referencing foreign keys, a unique and a check constraint, and a view.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

BIG_BLOB = 3 * 2**20 + 17
BIG_TEXT_CHARS = 600_000
TRACKS = 2500


def _blob() -> sa.types.TypeEngine:
    return sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")


def _text() -> sa.types.TypeEngine:
    return sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


def define(metadata: sa.MetaData, schema: str | None = None) -> dict[str, sa.Table]:
    artist = sa.Table(
        "artist",
        metadata,
        sa.Column("artist_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("bio", _text()),
        sa.Column("founded", sa.Date),
        sa.Column("active", sa.Boolean),
        sa.Column("rating", sa.Numeric(4, 2)),
        sa.Column("popularity", sa.Float),
        sa.UniqueConstraint("name", name="uq_artist_name"),
        sa.CheckConstraint("rating >= 0", name="ck_artist_rating"),
        schema=schema,
        comment="Artister och grupper",
    )
    album = sa.Table(
        "album",
        metadata,
        sa.Column("album_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("title", sa.String(160), nullable=False),
        sa.Column(
            "artist_id", sa.Integer, sa.ForeignKey(artist.c.artist_id, name="fk_album_artist")
        ),
        sa.Column("released", sa.Date),
        sa.Column("price", sa.Numeric(12, 2)),
        sa.Column("cover", _blob()),
        schema=schema,
    )
    return {"artist": artist, "album": album, **_define_tracks(metadata, schema, album)}


def _define_tracks(metadata: sa.MetaData, schema: str | None, album: sa.Table) -> dict:
    """Composite keys (track, playlist_track) and a self-reference (employee)."""
    track = sa.Table(
        "track",
        metadata,
        sa.Column(
            "album_id",
            sa.Integer,
            sa.ForeignKey(album.c.album_id, name="fk_track_album"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("track_no", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("milliseconds", sa.BigInteger),
        sa.Column("added", sa.DateTime),
        sa.Column("start_time", sa.Time),
        sa.Column("lyrics", _text()),
        schema=schema,
    )
    playlist_track = sa.Table(
        "playlist_track",
        metadata,
        sa.Column("playlist_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("album_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("track_no", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.ForeignKeyConstraint(
            ["album_id", "track_no"], [track.c.album_id, track.c.track_no], name="fk_pl_track"
        ),
        schema=schema,
    )
    employee = sa.Table(
        "employee",
        metadata,
        sa.Column("employee_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column(
            "reports_to",
            sa.Integer,
            sa.ForeignKey(
                "employee.employee_id" if schema is None else f"{schema}.employee.employee_id",
                name="fk_emp_boss",
            ),
        ),
        sa.Column("photo", _blob()),
        schema=schema,
    )
    return {t.name: t for t in (track, playlist_track, employee)}


NASTY = 'Åsa Öberg & "Co" <band> \\ back 😀🎸 tab\there\r\nCRLF \x01ctl'


ARTIST_COLUMNS = ("artist_id", "name", "bio", "founded", "active", "rating", "popularity")
ALBUM_COLUMNS = ("album_id", "title", "artist_id", "released", "price", "cover")


def rows() -> dict[str, list[dict]]:
    """Deterministic rows (the same on every dialect)."""
    rng = random.Random(8)
    big = rng.randbytes(BIG_BLOB)
    text = ("Ärligt talat, en lång sångtext med åäö och 🎶. " * 20000)[:BIG_TEXT_CHARS]
    artists = [
        (1, NASTY, text, dt.date(1972, 4, 1), True, Decimal("9.50"), 0.125),
        (
            2,
            "Björk Guðmundsdóttir",
            "Kort bio",
            dt.date(1965, 11, 21),
            False,
            Decimal("8.25"),
            1e-300,
        ),
        (3, "Okänd", None, None, None, None, None),
    ]
    albums = [
        (1, "Första <plattan>", 1, dt.date(1974, 3, 4), Decimal("149.90"), big),
        (2, "Homogenic", 2, dt.date(1997, 9, 22), Decimal("0.01"), rng.randbytes(5000)),
        (3, "Ingen artist", None, None, None, b""),
    ]
    employees = [
        dict(employee_id=1, name="Chef Chefsson", reports_to=None, photo=rng.randbytes(2 * 2**20)),
        dict(employee_id=2, name="Anna Andersson", reports_to=1, photo=None),
        dict(employee_id=3, name="Örjan Östlund", reports_to=2, photo=b"\x00\xff"),
    ]
    tracks = _tracks()
    return {
        "artist": [dict(zip(ARTIST_COLUMNS, r, strict=True)) for r in artists],
        "album": [dict(zip(ALBUM_COLUMNS, r, strict=True)) for r in albums],
        "track": tracks,
        "playlist_track": [
            dict(playlist_id=1 + i % 4, album_id=t["album_id"], track_no=t["track_no"])
            for i, t in enumerate(tracks[:400])
        ],
        "employee": employees,
    }


def _tracks() -> list[dict]:
    start = dt.datetime(2001, 2, 3, 4, 5, 6, 789000)
    return [
        dict(
            album_id=1 + i % 3,
            track_no=i // 3 + 1,
            name=f"Spår {i} – ö",
            milliseconds=180000 + i * 7919,
            added=start + dt.timedelta(minutes=i),
            start_time=dt.time(i % 24, i % 60, i % 60),
            lyrics=None if i % 5 else f"Rad {i}\nmed radbrytning",
        )
        for i in range(TRACKS)
    ]


def create(url: str, schema: str | None = None) -> None:
    """Create and fill the database at ``url`` (plus the view ``album_view``)."""
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    tables = define(metadata, schema)
    data = rows()
    with engine.begin() as conn:
        if schema:
            conn.execute(sa.schema.CreateSchema(schema, if_not_exists=True))
        metadata.create_all(conn)
        for name in ("artist", "album", "track", "playlist_track", "employee"):
            conn.execute(tables[name].insert(), data[name])
        prefix = f"{schema}." if schema else ""
        conn.execute(
            sa.text(
                f"CREATE VIEW {prefix}album_view AS SELECT a.title, b.name FROM {prefix}album a "
                f"JOIN {prefix}artist b ON a.artist_id = b.artist_id"
            )
        )
    engine.dispose()
