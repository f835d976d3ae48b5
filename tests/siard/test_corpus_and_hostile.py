"""Real SIARD files from SiardCmd read and validate; hostile or broken ones give findings.

The corpus expectations come from /work/shared/corpus/siard/README.md (checked facts).
Broken variants are made by rewriting one entry of a real file, so each test changes one
thing and must see exactly that rule fire.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from samarkiv.errors import UnsafePackageError
from samarkiv.packages.siard.reader import LobRef, SiardFormatError, open_siard
from samarkiv.packages.siard.validate import validate_siard
from tests.siard.conftest import CORPUS

NATIONS = CORPUS / "nations.siard"
NORTHWIND = CORPUS / "northwind_msaccess2010-2-1.siard"
DATALINK = CORPUS / "sample-datalink-2-2.siard"
TEAMS = CORPUS / "simple-teams-example_postgres13_2-2.siard"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared SIARD corpus missing")


@pytest.mark.parametrize(
    ("path", "version", "tables"),
    [(NATIONS, "2.2", 3), (NORTHWIND, "2.1", 20), (DATALINK, "2.2", 2), (TEAMS, "2.2", 2)],
)
def test_corpus_files_read_completely_and_validate(path: Path, version: str, tables: int):
    report = validate_siard(path)
    assert report.valid, [f.to_dict() for f in report.errors()]
    assert report.specification == f"siard-{version}"
    with open_siard(path) as reader:
        assert reader.archive.version == version
        assert sum(len(s.tables) for s in reader.archive.schemas) == tables
        for schema in reader.archive.schemas:
            for table in schema.tables:
                rows = list(reader.iter_rows(schema.name, table.name))
                assert len(rows) == table.rows
                assert all(len(r) == len(table.columns) for r in rows)


def test_teams_values_keys_and_privileges():
    with open_siard(TEAMS) as reader:
        archive = reader.archive
        members = archive.table("public", "teammembers")
        assert members.primary_key.columns == ["memberid"]
        assert members.foreign_keys[0].referenced_table == "teams"
        assert [c.type for c in members.columns] == ["INT", "INT", "VARCHAR(50)"]
        rows = list(reader.iter_rows("public", "teammembers"))
        assert rows[0] == [1, 1, "Alice"]
        assert len(archive.privileges) >= 7 and archive.users[0].name == "test"


def test_nations_flags_are_png_lobs_with_matching_md5():
    with open_siard(NATIONS) as reader:
        countries = reader.archive.table("Admin", "countries")
        flag = countries.column("flag")
        assert flag.fields[0].mime_type == "image/png"
        first = next(reader.iter_rows("Admin", "countries"))
        png = first[-1][0]
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert hashlib.md5(png).hexdigest().upper() == "1C03C604D5857D00B7FC1B8127D12CDB"  # noqa: S324


def test_datalink_nclob_length_counts_characters_and_escapes_are_undone():
    with open_siard(DATALINK, lob_inline_max=100) as reader:
        row = next(reader.iter_rows("SampleSchema", "TSIMPLE"))
        nclob = row[5]
        assert isinstance(nclob, LobRef) and nclob.length == 1_000_000
        length, digest = nclob.measure()
        assert length == 1_000_000 and nclob.size > length  # UTF-8 bytes > characters
        assert digest == nclob.digest.upper()
        assert row[3] == " " and "\\" in row[1]  # \u0020 and \u005C unescaped
        assert row[7] == b"\x00" and row[12] == 12345


# --- broken and hostile variants ------------------------------------------------------------


def rewrite(src: Path, dst: Path, change, extra: dict[str, bytes] | None = None) -> Path:
    """Copy a zip, passing each entry's bytes through ``change(name, data)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, change(info.filename, zin.read(info)))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def rules(path: Path) -> set[str]:
    return {f.rule_id for f in validate_siard(path).errors()}


def test_zip_slip_entry_is_refused_before_reading(tmp_path):
    bad = rewrite(TEAMS, tmp_path / "slip.siard", lambda n, d: d, {"../../evil.txt": b"x"})
    assert "PKG-PATH-TRAVERSAL" in rules(bad)
    with pytest.raises(UnsafePackageError):
        open_siard(bad)


def test_xxe_in_metadata_is_refused(tmp_path):
    evil = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'

    def change(name: str, data: bytes) -> bytes:
        if name == "header/metadata.xml":
            return evil + data.split(b"?>", 1)[1].replace(b"<dbname>(...)", b"<dbname>&e;")
        return data

    bad = rewrite(TEAMS, tmp_path / "xxe.siard", change)
    assert rules(bad) == {"XML-DOCTYPE"}
    with pytest.raises(SiardFormatError) as info:
        open_siard(bad)
    assert "root:" not in info.value.message


def test_wrong_lob_digest_and_length_are_reported(tmp_path):
    target = "content/schema0/table0/lob7/field0/record0.png"
    bad = rewrite(NATIONS, tmp_path / "digest.siard", lambda n, d: d + b"!" if n == target else d)
    report = validate_siard(bad)
    found = {(f.rule_id, f.path) for f in report.errors()}
    assert ("SIARD-LOB-DIGEST", target) in found and ("SIARD-LOB-LENGTH", target) in found


def test_row_count_mismatch_is_reported(tmp_path):
    def change(name: str, data: bytes) -> bytes:
        return (
            data.replace(b"<rows>3</rows>", b"<rows>4</rows>")
            if name.endswith("metadata.xml")
            else data
        )

    bad = rewrite(TEAMS, tmp_path / "rows.siard", change)
    report = validate_siard(bad)
    assert [f.rule_id for f in report.errors()] == ["SIARD-ROWS"]
    assert "says 4 rows" in report.errors()[0].message


def test_cell_against_table_xsd_and_metadata_against_official_xsd(tmp_path):
    def change(name: str, data: bytes) -> bytes:
        if name.endswith("table1.xml"):
            return data.replace(b"<c1>1</c1>", b"<c1>ett</c1>", 1)
        if name.endswith("metadata.xml"):
            return data.replace(b"<dataOwner>", b"<unknownElement/><dataOwner>")
        return data

    bad = rewrite(TEAMS, tmp_path / "xsd.siard", change)
    assert {"SIARD-TABLE-XSD", "SIARD-META-XSD"} <= rules(bad)


def test_lob_path_leaving_the_archive_folder_is_refused(tmp_path):
    def change(name: str, data: bytes) -> bytes:
        if name.endswith("table0.xml"):
            return data.replace(
                b"content/schema0/table0/lob7/field0/record0.png", b"../../../etc/passwd"
            )
        return data

    bad = rewrite(NATIONS, tmp_path / "path.siard", change)
    assert "SIARD-LOB-PATH" in rules(bad)


def test_missing_version_folder_and_table_file(tmp_path):
    def drop(name: str, data: bytes) -> bytes:
        return data

    with zipfile.ZipFile(TEAMS) as zin, zipfile.ZipFile(tmp_path / "gone.siard", "w") as zout:
        for info in zin.infolist():
            if "siardversion" not in info.filename and not info.filename.endswith("table1.xml"):
                zout.writestr(info, zin.read(info))
    report = validate_siard(tmp_path / "gone.siard")
    messages = " ".join(f.message for f in report.errors())
    assert {f.rule_id for f in report.errors()} == {"SIARD-STRUCTURE"}
    assert "siardversion/2.2" in messages and "table1.xml" in messages


def test_cli_validate_recognises_siard_files(tmp_path):
    bad = rewrite(
        TEAMS, tmp_path / "cli.siard", lambda n, d: d.replace(b"<rows>3</rows>", b"<rows>9</rows>")
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "samarkiv.cli", "validate", "--json", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    good = run(str(TEAMS))
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["specification"] == "siard-2.2"
    broken = run(str(bad))
    assert broken.returncode == 1
    assert "SIARD-ROWS" in {f["rule_id"] for f in json.loads(broken.stdout)["findings"]}


def test_zip_bomb_is_refused_from_declared_sizes(tmp_path):
    from samarkiv.packages.limits import Limits

    small = Limits(max_total_bytes=10_000)
    bomb = rewrite(
        TEAMS, tmp_path / "bomb.siard", lambda n, d: d, {"content/pad.bin": bytes(2**20)}
    )
    report = validate_siard(bomb, limits=small)
    assert {f.rule_id for f in report.errors()} == {"PKG-BOMB"}
    with pytest.raises(UnsafePackageError) as info:
        open_siard(bomb, limits=small)
    assert info.value.rule_id == "PKG-BOMB"
