"""`samarkiv extract-db` as an operator runs it, plus the value escaping rules of SIARD."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samarkiv.packages.siard.reader import open_siard
from samarkiv.packages.siard.validate import validate_siard
from samarkiv.packages.siard.values import converter, escape_text, format_value, unescape_text
from samarkiv.packages.siard.xmlwrite import xml_text


def extract(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "samarkiv.cli", "extract-db", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_extracts_one_postgresql_schema_with_lob_files(pg_source, tmp_path):
    out = tmp_path / "musik.siard"
    done = extract(
        pg_source,
        "--out",
        str(out),
        "--schema",
        "musik",
        "--lob-threshold",
        "100",
        "--description",
        "Musikdatabasen",
        "--timespan",
        "1965-2001",
    )
    assert done.returncode == 0, done.stderr
    assert "5 tabeller" in done.stdout and "musik.track" in done.stderr  # a bar per table
    assert validate_siard(out).valid
    with open_siard(out) as reader:
        assert [s.name for s in reader.archive.schemas] == ["musik"]
        assert reader.archive.description == "Musikdatabasen"
        assert reader.archive.data_origin_timespan == "1965-2001"
        assert reader.archive.database_product.startswith("postgresql 15")
        assert "samarkiv" in {u.name for u in reader.archive.users}
        assert any(p.object == '"musik"."track"' for p in reader.archive.privileges)
        artist = reader.archive.table("musik", "artist")
        names = reader.names
    # artist.bio (3rd column) is a 600,000-character CLOB: a separate .txt file
    assert f"content/schema0/{artist.folder}/lob2/record0.txt" in names


def test_cli_refuses_a_wrong_output_name_and_a_dead_database(tmp_path):
    bad_name = extract("sqlite:///x.db", "--out", str(tmp_path / "x.zip"))
    assert bad_name.returncode == 2 and ".siard" in bad_name.stderr
    dead = extract(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", "--out", str(tmp_path / "x.siard")
    )
    assert dead.returncode == 1 and "misslyckades" in dead.stderr
    assert not (tmp_path / "x.siard").exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


@given(st.text())
def test_escaping_round_trips_any_text(text: str):
    escaped = escape_text(text)
    assert unescape_text(escaped) == text
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in escaped)


def test_escaping_follows_the_spec_examples():
    assert escape_text("a\\b") == "a\\u005cb"
    assert escape_text("x\x00y\x7f") == "x\\u0000y\\u007f"
    assert xml_text("<&>") == "&lt;&amp;&gt;"
    assert unescape_text("\\u005C\\u0020") == "\\ "


@pytest.mark.parametrize(
    ("sql_type", "value"),
    [
        ("INTEGER", 12345678901234567890),
        ("DECIMAL(30, 10)", Decimal("12345678901234567890.0123456789")),
        ("DOUBLE PRECISION", 1e-300),
        ("BOOLEAN", False),
        ("DATE", dt.date(1, 1, 1)),
        ("TIME", dt.time(23, 59, 59, 999999)),
        ("TIMESTAMP", dt.datetime(9999, 12, 31, 23, 59, 59, 1)),
        ("BLOB", b"\x00\xff"),
        ("VARCHAR(10)", "å\\ä"),
    ],
)
def test_values_survive_format_and_parse(sql_type: str, value: object):
    assert converter(sql_type)(format_value(value)) == value


def test_aware_timestamps_are_written_in_utc():
    cet = dt.timezone(dt.timedelta(hours=1))
    assert format_value(dt.datetime(2020, 1, 1, 12, 0, tzinfo=cet)) == "2020-01-01T11:00:00Z"


@pytest.mark.slow
def test_postgresql_specific_types_map_to_sql2008_and_validate(pg_cluster, tmp_path):
    import sqlalchemy as sa

    from samarkiv.packages.siard.extract import extract_database
    from samarkiv.packages.siard.load import load_siard
    from tests.siard.conftest import pg_database

    url = pg_database(pg_cluster, "typer")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TYPE humor AS ENUM ('glad', 'ledsen'); "
                "CREATE TABLE t (id int PRIMARY KEY, tz timestamptz, u uuid, j jsonb, "
                "iv interval, x xml, arr int[], h humor, m money, c char(3), bits bytea)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO t VALUES (1, '2024-06-01 12:00:00+02', "
                "'6f1c2c1e-9a55-4c0e-8a51-0c6bb0f0b001', '{\"å\": [1, 2]}', "
                "'-1 day 02:03:04.5', '<a>ö</a>', '{1,2}', 'glad', 12.34, 'ab', '\\x00ff')"
            )
        )
    engine.dispose()
    out = extract_database(url, tmp_path / "typer.siard").path
    report = validate_siard(out)
    assert report.valid, [f.to_dict() for f in report.errors()]
    with open_siard(out) as reader:
        table = reader.archive.table("public", "t")
        types = {c.name: c.type for c in table.columns}
        [row] = list(reader.iter_rows("public", "t"))
    assert types == {
        "id": "INTEGER",
        "tz": "TIMESTAMP WITH TIME ZONE",
        "u": "CHAR(36)",
        "j": "CLOB",
        "iv": "INTERVAL DAY TO SECOND",
        "x": "XML",
        "arr": "CLOB",
        "h": "VARCHAR(6)",
        "m": "DECIMAL(19, 4)",
        "c": "CHAR(3)",
        "bits": "BLOB",
    }
    values = dict(zip(types, row, strict=True))
    assert values["tz"] == dt.datetime(2024, 6, 1, 10, 0)  # stored in UTC
    assert values["u"] == "6f1c2c1e-9a55-4c0e-8a51-0c6bb0f0b001"
    assert values["j"] == '{"å": [1, 2]}' and values["x"] == "<a>ö</a>"
    assert values["iv"] == dt.timedelta(days=-1, hours=2, minutes=3, seconds=4.5)
    assert values["h"] == "glad"
    assert values["bits"] == b"\x00\xff" and values["c"] == "ab "
    assert values["m"] == Decimal("12.34")
    copy = tmp_path / "kopia.db"
    with open_siard(out) as reader:
        load_siard(reader, f"sqlite:///{copy}")
    with sa.create_engine(f"sqlite:///{copy}").connect() as conn:
        loaded = conn.execute(sa.text("SELECT iv, j, tz FROM t")).one()
    assert loaded == ("-P0DT21H56M55.5S", '{"å": [1, 2]}', "2024-06-01 10:00:00.000000")
