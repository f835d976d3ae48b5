"""Format identification: PRONOM PUIDs for the formats municipalities deliver, in batches."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pygfried
import pytest
from PIL import Image

from samarkiv.ingest import demo_sips
from samarkiv.ingest.demo_sips import FORMATS, build_demo_deliveries
from samarkiv.packages.model import FileRecord
from samarkiv.preservation import formats
from samarkiv.preservation.formats import FormatResult, identifier_agent, identify_files


def _sample(ext: str) -> bytes:
    """One file of each demo format, made by the same code as the demo deliveries."""
    rng = random.Random(ext)
    im = Image.new("L", (120, 90), 255)
    makers = {
        ".pdf": lambda: demo_sips.pdf_bytes("Beslut", [["Ärende KS 2023/412"]], "Lunds kommun"),
        ".docx": lambda: demo_sips.docx_bytes("Tjänsteskrivelse", ["Hörby kommun"]),
        ".odt": lambda: demo_sips.odt_bytes("Kallelse", ["Kommunfullmäktige i Klippan"]),
        ".tif": lambda: demo_sips.image_bytes(demo_sips.drawing(rng, "Plan"), "TIFF"),
        ".png": lambda: demo_sips.image_bytes(im, "PNG"),
        ".jpg": lambda: demo_sips.image_bytes(demo_sips.photo(rng, "Foto"), "JPEG"),
        ".csv": lambda: demo_sips.csv_bytes(["Diarienummer", "Ärende"], [["KS 2023/1", "Å"]]),
        ".xml": lambda: b'<?xml version="1.0" encoding="UTF-8"?>\n<a>\xc3\xa5</a>\n',
    }
    return makers[ext]()


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_each_generated_format_gets_its_pronom_puid(ext, tmp_path):
    name = f"fil med åäö{ext}"
    (tmp_path / name).write_bytes(_sample(ext))
    result = identify_files(tmp_path, [name])[name]
    assert result.puid == FORMATS[ext].puid, result
    assert result.format_name and result.basis
    assert result.mime == FORMATS[ext].mime


def test_every_data_file_of_the_demo_deliveries_is_identified_as_declared(tmp_path):
    deliveries = build_demo_deliveries(tmp_path)
    for delivery in deliveries:
        rels = [p.relative_to(delivery.path).as_posix() for p in delivery.path.rglob("*")]
        data = [r for r in rels if "/data/" in r and (delivery.path / r).is_file()]
        results = identify_files(delivery.path, data)
        assert set(results) == set(data)
        wrong = {
            r: res.puid for r, res in results.items() if res.puid != FORMATS[Path(r).suffix].puid
        }
        assert wrong == {}


def test_an_empty_file_is_reported_not_raised(tmp_path):
    (tmp_path / "tom.pdf").write_bytes(b"")
    result = identify_files(tmp_path, ["tom.pdf"])["tom.pdf"]
    assert result == FormatResult(warning="empty file")
    assert not result.identified


def test_an_unknown_binary_gets_no_puid_and_siegfrieds_warning(tmp_path):
    (tmp_path / "okänd").write_bytes(random.Random(1).randbytes(4096))
    result = identify_files(tmp_path, ["okänd"])["okänd"]
    assert result.puid == ""
    assert result.warning == "no match"


def test_a_missing_file_is_reported_not_raised(tmp_path):
    result = identify_files(tmp_path, ["saknas.pdf"])["saknas.pdf"]
    assert result.puid == ""
    assert "no such file" in result.warning


def test_a_name_that_is_not_utf8_does_not_spoil_the_batch(tmp_path):
    bad = os.fsdecode(b"protokoll-\xe5.csv")  # Latin-1 bytes from an old system
    (tmp_path / bad).write_text("a;b\n", encoding="utf-8")
    (tmp_path / "bra.csv").write_text("a;b\n", encoding="utf-8")
    results = identify_files(tmp_path, [bad, "bra.csv"])
    assert list(results) == [bad, "bra.csv"]
    assert results[bad].puid == "" and "UTF-8" in results[bad].warning
    assert results["bra.csv"].puid == "x-fmt/18"


def test_files_go_to_siegfried_in_batches_not_one_call_per_file(tmp_path, monkeypatch):
    rels = [f"mapp/{i:02d} å.csv" for i in range(7)]
    (tmp_path / "mapp").mkdir()
    for rel in rels:
        (tmp_path / rel).write_text("a;b\n1;2\n", encoding="utf-8")
    calls = []
    real = pygfried.identify_many

    def spy(paths, *, workers=1):
        calls.append((len(paths), workers))
        return real(paths, workers=workers)

    def no_single_calls(*args, **kwargs):
        raise AssertionError("identify() per file must not be used")

    monkeypatch.setattr(formats, "CHUNK", 3)
    monkeypatch.setattr(pygfried, "identify_many", spy)
    monkeypatch.setattr(pygfried, "identify", no_single_calls)
    results = identify_files(tmp_path, rels, workers=2)
    assert calls == [(3, 2), (3, 2), (1, 2)]
    assert list(results) == rels
    assert {r.puid for r in results.values()} == {"x-fmt/18"}


def test_no_paths_means_no_work(tmp_path):
    assert identify_files(tmp_path, []) == {}


def test_the_identifier_agent_names_siegfried_and_its_signatures():
    name, version = identifier_agent()
    assert name == "siegfried"
    assert f"siegfried {pygfried.version()}" in version
    assert "pygfried" in version
    assert "DROID_SignatureFile" in version
    assert "container-signature" in version


def test_a_format_result_fills_a_file_record(tmp_path):
    (tmp_path / "a.xml").write_text('<?xml version="1.0"?><a/>', encoding="utf-8")
    result = identify_files(tmp_path, ["a.xml"])["a.xml"]
    record = result.apply_to(FileRecord(path="a.xml", size=25, sha256="0" * 64))
    assert (record.puid, record.format_version, record.mime) == (
        "fmt/101",
        "1.0",
        "application/xml",
    )
    assert record.size == 25
