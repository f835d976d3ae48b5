"""The local OCFL storage location: validity, dedup, refusals, audit, recovery, crashes.

Validity is judged by ocfl-py (an independent OCFL 1.1 validator), not by our own code.
The crash tests SIGKILL a real commit in a subprocess at named points between its
steps (``SAMARKIV_CRASH_AT``) and check that storage shows the old state or the new
one, never a mix, and that ``recover()`` plus a re-run always gets to the new state.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import unicodedata
from pathlib import Path

import ocfl
import pytest
from ocfl.layout_registry import get_layout
from ocfl.validator import Validator

from samarkiv.storage import (
    LocalOcflLocation,
    ObjectNotFoundError,
    StagingMismatchError,
    StorageError,
    StorageLayoutError,
    StorageLocation,
    open_location,
    sha256_file,
    sha256_many,
)
from samarkiv.storage.inventory import object_path

OID = "urn:uuid:5f0c7d3e-8a1b-4c2d-9e3f-a0b1c2d3e4f5"
SV = "representations/rep1/data"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def tree_v1() -> dict[str, bytes]:
    """21 files (two with the same content), Swedish NFC names, nested folders."""
    tree = {
        "METS.xml": b"<mets OBJID='v1'/>",
        "metadata/preservation/premis.xml": b"<premis v1/>",
        _nfc(f"{SV}/Årsredovisning för Hörby kommun.pdf"): b"%PDF-1.7 " + b"\xe5\xe4\xf6" * 5000,
        _nfc(f"{SV}/Ärenden/ärende 2024-ö.txt"): "Ärendet gäller övergång".encode(),
        _nfc(f"{SV}/kopia av årsredovisning.pdf"): b"%PDF-1.7 " + b"\xe5\xe4\xf6" * 5000,
    }
    for index in range(16):
        tree[f"{SV}/protokoll/sammanträde-{index:02d}.xml"] = f"<protokoll n='{index}'/>".encode()
    return tree


def tree_v2() -> dict[str, bytes]:
    """A new generation: METS and PREMIS changed, one file gone, two added."""
    tree = dict(tree_v1())
    tree["METS.xml"] = b"<mets OBJID='v2'/>"
    tree["metadata/preservation/premis.xml"] = b"<premis v2/>"
    del tree[f"{SV}/protokoll/sammanträde-03.xml"]
    tree[_nfc(f"{SV}/normaliserat/Årsredovisning för Hörby kommun.pdf")] = b"%PDF/A-2b"
    tree[f"{SV}/protokoll/bilaga.txt"] = b"bilaga"
    return tree


def digests(tree: dict[str, bytes]) -> dict[str, str]:
    return {path: hashlib.sha256(data).hexdigest() for path, data in tree.items()}


def write_tree(folder: Path, tree: dict[str, bytes]) -> None:
    for logical, data in tree.items():
        target = folder / logical
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def store(location: LocalOcflLocation, tree: dict[str, bytes], object_id: str = OID):
    with location.begin_version(object_id) as staging:
        write_tree(staging.content_dir, tree)
        return staging.commit(
            digests(tree), message="test", user_name="samarkiv", user_address="mailto:a@b.se"
        )


def ocfl_messages(location: LocalOcflLocation) -> tuple[bool, str]:
    """ocfl-py's verdict on the storage root and on each object in it, with warnings."""
    root = ocfl.StorageRoot(root=str(location.root))
    root_ok = root.validate(validate_objects=True, check_digests=True, log_warnings=True)
    messages = [str(root.log), *(m for _path, m in root.errors)]
    objects_ok = root.good_objects == root.num_objects
    for folder in location.root.glob("*/*/*/*"):
        validator = Validator(log_warnings=True, check_digests=True)
        objects_ok &= validator.validate_object(str(folder))
        messages.append(validator.status_str(prefix=f"[{folder.name}] "))
    return root_ok and objects_ok, "\n".join(m for m in messages if m)


def assert_ocfl_valid(location: LocalOcflLocation) -> None:
    ok, messages = ocfl_messages(location)
    print(f"ocfl-py: {'VALID' if ok else 'INVALID'}\n{messages}")
    assert ok, messages
    assert "[E" not in messages, messages


def assert_state(location: LocalOcflLocation, tree: dict, version: str | None = None) -> None:
    assert location.logical_files(OID, version) == digests(tree)
    for logical, data in tree.items():
        with location.open_file(OID, logical, version) as handle:
            assert handle.read() == data


@pytest.fixture
def location(tmp_path: Path) -> LocalOcflLocation:
    return LocalOcflLocation(tmp_path / "primary")


# --- layout and basic storing -----------------------------------------------------------


def test_layout_follows_extension_0003_and_agrees_with_ocfl_py():
    assert object_path("object-01") == "3c0/ff4/240/object-01"
    assert object_path("..hor/rib:le-$id") == "487/326/d8c/%2e%2ehor%2frib%3ale-%24id"
    assert object_path("..Hor/rib:lè-$id") == "373/529/21a/%2e%2eHor%2frib%3al%c3%a8-%24id"
    long_id = "abcdefghij" * 10 + "a"
    assert object_path(long_id).endswith(
        "abcdefghij" * 10 + "-5cc73e648fbcff136510e330871180922ddacf193b68fdeff855683a01464220"
    )
    layout = get_layout("0003-hash-and-id-n-tuple-storage-layout")
    for object_id in (OID, "Hörby/ärende:1", "a" * 300):
        assert object_path(object_id) == layout.identifier_to_path(object_id)


def test_new_object_is_valid_ocfl_and_reads_back(location: LocalOcflLocation):
    receipt = store(location, tree_v1())
    assert (receipt.version, receipt.files, receipt.new_files) == ("v1", 21, 21)
    assert receipt.bytes == sum(len(d) for d in tree_v1().values())
    assert receipt.url == str(location.root / object_path(OID))
    assert (location.root / "0=ocfl_1.1").read_text() == "ocfl_1.1\n"
    layout = json.loads((location.root / "ocfl_layout.json").read_text())
    assert layout["extension"] == "0003-hash-and-id-n-tuple-storage-layout"
    config = location.root / "extensions/0003-hash-and-id-n-tuple-storage-layout/config.json"
    assert json.loads(config.read_text())["tupleSize"] == 3
    inventory = json.loads((Path(receipt.url) / "inventory.json").read_text())
    assert inventory["digestAlgorithm"] == "sha256" and inventory["id"] == OID
    assert (Path(receipt.url) / "v1/inventory.json").read_bytes() == (
        Path(receipt.url) / "inventory.json"
    ).read_bytes()
    assert location.exists(OID) and location.head_version(OID) == "v1"
    assert list(location.list_objects()) == [OID]
    assert_state(location, tree_v1())
    assert location.verify_object(OID) == []
    assert_ocfl_valid(location)
    assert list(location.staging_root.iterdir()) == []  # staging cleaned up


def test_swedish_nfc_names_are_stored_as_is(location: LocalOcflLocation):
    receipt = store(location, tree_v1())
    name = _nfc("ärende 2024-ö.txt")
    stored = Path(receipt.url) / "v1/content" / SV / _nfc("Ärenden") / name
    assert stored.is_file()
    assert os.listdir(stored.parent) == [name]  # the same NFC bytes on disk
    # Identical content within a version is kept under each path: v1 is a whole AIP.
    duplicate = _nfc("Årsredovisning för Hörby kommun.pdf")
    assert (Path(receipt.url) / "v1/content" / SV / duplicate).is_file()
    text = (Path(receipt.url) / "inventory.json").read_text(encoding="utf-8")
    assert name in text and duplicate in text  # readable UTF-8, not \u escapes


def test_absent_objects(location: LocalOcflLocation):
    assert not location.exists(OID)
    assert location.head_version(OID) is None
    assert location.verify_object(OID) != []
    with pytest.raises(ObjectNotFoundError):
        location.logical_files(OID)
    with pytest.raises(ObjectNotFoundError):
        location.remove_object(OID)


def test_v2_dedupes_unchanged_content_and_both_versions_read_back(location):
    store(location, tree_v1())
    receipt = store(location, tree_v2())
    assert (receipt.version, receipt.files, receipt.new_files) == ("v2", 22, 4)
    folder = Path(receipt.url)
    stored_v2 = sorted(
        p.relative_to(folder / "v2/content").as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "v2/content" in p.as_posix()
    )
    assert stored_v2 == sorted(
        [
            "METS.xml",
            "metadata/preservation/premis.xml",
            f"{SV}/protokoll/bilaga.txt",
            _nfc(f"{SV}/normaliserat/Årsredovisning för Hörby kommun.pdf"),
        ]
    )
    assert location.head_version(OID) == "v2"
    assert_state(location, tree_v2())
    assert_state(location, tree_v1(), "v1")
    with pytest.raises(ObjectNotFoundError):
        location.open_file(OID, f"{SV}/protokoll/sammanträde-03.xml")
    with pytest.raises(ObjectNotFoundError):
        location.logical_files(OID, "v3")
    assert location.verify_object(OID) == []
    assert_ocfl_valid(location)


def test_protocol_factory_and_reopening(tmp_path: Path):
    location = open_location("primary", tmp_path / "loc")
    assert isinstance(location, StorageLocation) and location.name == "primary"
    store(location, tree_v1())
    again = open_location("primary", tmp_path / "loc")
    assert again.logical_files(OID) == digests(tree_v1())
    foreign = tmp_path / "foreign" / "ocfl"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("not an archive")
    with pytest.raises(StorageLayoutError):
        LocalOcflLocation(tmp_path / "foreign")


def test_remove_object_leaves_no_empty_folders(location: LocalOcflLocation):
    store(location, tree_v1())
    location.remove_object(OID)
    assert not location.exists(OID)
    assert sorted(p.name for p in location.root.iterdir()) == [
        "0=ocfl_1.1",
        "extensions",
        "ocfl_layout.json",
    ]
    assert_ocfl_valid(location)


def test_digest_helpers(tmp_path: Path):
    paths = []
    for index in range(12):
        path = tmp_path / f"f{index}"
        path.write_bytes(os.urandom(1000 + index))
        paths.append(path)
    seen = []
    result = sha256_many(paths, workers=3, on_each=lambda i, p: seen.append(i))
    assert sorted(seen) == list(range(12))
    assert all(result[p] == hashlib.sha256(p.read_bytes()).hexdigest() for p in paths)
    assert sha256_file(paths[0]) == result[paths[0]]


# --- refusals -----------------------------------------------------------------------


def test_commit_refuses_a_byte_flipped_after_writing(location: LocalOcflLocation):
    tree = tree_v1()
    with location.begin_version(OID) as staging:
        write_tree(staging.content_dir, tree)
        victim = staging.content_dir / "METS.xml"
        data = bytearray(victim.read_bytes())
        data[3] ^= 0x01
        victim.write_bytes(bytes(data))
        with pytest.raises(StagingMismatchError, match="METS.xml"):
            staging.commit(digests(tree), message="m", user_name="u")
        scratch = staging.content_dir.parent
    assert not scratch.exists()
    assert not location.exists(OID)
    assert list(location.list_objects()) == []
    assert list(location.staging_root.iterdir()) == []
    assert_ocfl_valid(location)


def test_tampered_v2_leaves_v1_untouched(location: LocalOcflLocation):
    store(location, tree_v1())
    before = (location.root / object_path(OID) / "inventory.json").read_bytes()
    with location.begin_version(OID) as staging:
        write_tree(staging.content_dir, tree_v2())
        (staging.content_dir / f"{SV}/protokoll/bilaga.txt").write_bytes(b"bilagA")
        with pytest.raises(StagingMismatchError):
            staging.commit(digests(tree_v2()), message="m", user_name="u")
    assert (location.root / object_path(OID) / "inventory.json").read_bytes() == before
    assert not (location.root / object_path(OID) / "v2").exists()
    assert_state(location, tree_v1())
    assert_ocfl_valid(location)


@pytest.mark.parametrize("case", ["unexpected", "missing", "bad digest", "symlink", "empty dir"])
def test_commit_refuses_what_was_not_declared(location: LocalOcflLocation, case: str):
    tree = tree_v1()
    expected = digests(tree)
    with location.begin_version(OID) as staging:
        write_tree(staging.content_dir, tree)
        if case == "unexpected":
            (staging.content_dir / "metadata/stray.tmp").write_bytes(b"?")
        elif case == "missing":
            expected["metadata/forgotten.xml"] = hashlib.sha256(b"x").hexdigest()
        elif case == "bad digest":
            expected["METS.xml"] = "not-a-digest"
        elif case == "symlink":
            (staging.content_dir / "link.xml").symlink_to(staging.content_dir / "METS.xml")
            expected["link.xml"] = expected["METS.xml"]
        else:
            (staging.content_dir / "tomt").mkdir()
        with pytest.raises(StagingMismatchError):
            staging.commit(expected, message="m", user_name="u")
    assert not location.exists(OID)
    assert_ocfl_valid(location)


def test_leaving_without_commit_discards_and_commit_is_once_only(location):
    with location.begin_version(OID) as staging:
        write_tree(staging.content_dir, {"a.txt": b"a"})
        scratch = staging.content_dir.parent
        assert scratch.parent == location.staging_root
        assert not scratch.is_relative_to(location.root)  # staging is outside the OCFL root
        assert os.stat(scratch).st_dev == os.stat(location.root).st_dev
    assert not scratch.exists() and not location.exists(OID)
    with pytest.raises(RuntimeError), location.begin_version(OID) as staging:
        write_tree(staging.content_dir, {"a.txt": b"a"})
        raise RuntimeError("caller failed")
    assert list(location.staging_root.iterdir()) == []
    with location.begin_version(OID) as staging:
        write_tree(staging.content_dir, {"a.txt": b"a"})
        staging.commit(digests({"a.txt": b"a"}), message="m", user_name="u")
        with pytest.raises(StorageError):
            staging.commit(digests({"a.txt": b"a"}), message="m", user_name="u")


# --- audit -------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete", "extra", "sidecar"])
def test_verify_object_finds_damage(location: LocalOcflLocation, damage: str):
    receipt = store(location, tree_v1())
    folder = Path(receipt.url)
    victim = folder / "v1/content" / _nfc(f"{SV}/kopia av årsredovisning.pdf")
    assert victim.is_file()
    if damage == "flip":
        data = bytearray(victim.read_bytes())
        data[len(data) // 2] ^= 0x80
        victim.write_bytes(bytes(data))
    elif damage == "truncate":
        victim.write_bytes(victim.read_bytes()[:100])
    elif damage == "delete":
        victim.unlink()
    elif damage == "extra":
        (folder / "v1/content/smuggled.txt").write_bytes(b"?")
    else:
        (folder / "inventory.json.sha256").write_text("0" * 64 + " inventory.json\n")
    problems = location.verify_object(OID)
    print(problems)
    assert len(problems) == 1
    expected_word = {
        "flip": "corrupt",
        "truncate": "100 bytes",
        "delete": "missing",
        "extra": "not in the manifest",
        "sidecar": "sidecar",
    }[damage]
    assert expected_word in problems[0]
    ok, _messages = ocfl_messages(location)
    assert not ok  # ocfl-py agrees that the object is damaged


# --- recovery --------------------------------------------------------------------------


def test_recover_removes_staging_leftovers_and_half_written_versions(location):
    store(location, tree_v1())
    folder = location.root / object_path(OID)
    dead = location.staging_root / "0123456789abcdef"
    (dead / "content/deep").mkdir(parents=True)
    (dead / "content/deep/file").write_bytes(b"half")
    (location.staging_root / "0123456789abcdef.lock").touch()  # nobody holds it
    orphan = location.staging_root / "fedcba9876543210"
    orphan.mkdir()
    (folder / "v2/content").mkdir(parents=True)  # a half-written version
    (folder / "v2/content/METS.xml").write_bytes(b"half")
    (location.root / "abc/def").mkdir(parents=True)  # empty tuple folders
    assert any("uncommitted" in p for p in location.verify_object(OID))
    with location.begin_version("urn:uuid:other") as live:  # a live writer is spared
        done = location.recover()
        assert live.content_dir.is_dir()
    print(done)
    assert len(done) == 5
    assert not dead.exists() and not orphan.exists() and not (folder / "v2").exists()
    assert not (location.root / "abc").exists()
    assert location.recover() == []
    assert location.verify_object(OID) == []
    assert_ocfl_valid(location)
    assert store(location, tree_v2()).version == "v2"


# --- crashes ---------------------------------------------------------------------------

CHILD = r"""
import json, sys
from pathlib import Path
from samarkiv.storage import open_location

base, object_id, source, expected_file = sys.argv[1:5]
expected = json.loads(Path(expected_file).read_text(encoding="utf-8"))
location = open_location("primary", base)
with location.begin_version(object_id) as staging:
    for logical in expected:
        target = staging.content_dir / logical
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((Path(source) / logical).read_bytes())
    staging.commit(expected, message="crash test", user_name="samarkiv")
"""

# (crash point, the state storage must show afterwards, needs recover() to be OCFL-valid)
V1_POINTS = [
    ("storage:fsync_file_0", "old", False),
    ("storage:fsync_file_13", "old", False),
    ("storage:fsync_dirs", "old", False),
    ("storage:verified_file_0", "old", False),
    ("storage:verified_file_20", "old", False),
    ("storage:verified", "old", False),
    ("storage:after_rename_file_0", "old", False),
    ("storage:after_rename_file_9", "old", False),
    ("storage:after_rename_file_17", "old", False),
    ("storage:after_write_inventory", "old", False),
    ("storage:before_object_rename", "old", False),
    ("storage:after_object_rename", "new", False),
    ("storage:committed", "new", False),
]
V2_POINTS = [
    ("storage:fsync_file_5", "old", False),
    ("storage:verified_file_7", "old", False),
    ("storage:after_rename_file_0", "old", False),
    ("storage:after_rename_file_3", "old", False),
    ("storage:before_version_rename", "old", False),
    ("storage:after_version_rename", "old", True),  # uncommitted v2/ beside v1
    ("storage:after_inventory_replace", "new", True),  # committed, stale root sidecar
    ("storage:after_sidecar_replace", "new", False),
    ("storage:committed", "new", False),
]


def run_killed_commit(tmp_path: Path, base: Path, tree: dict, point: str) -> None:
    source = tmp_path / "source"
    write_tree(source, tree)
    expected_file = tmp_path / "expected.json"
    expected_file.write_text(json.dumps(digests(tree), ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "SAMARKIV_CRASH_AT": point}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(base), OID, str(source), str(expected_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, f"{point} never reached: {child.stderr}"


def check_after_crash(location, old: dict | None, new: dict, outcome: str, needs_recover: bool):
    """Old or new state exactly; OCFL-valid (after recover() in the two windows); re-runnable."""
    shown = new if outcome == "new" else old
    if shown is None:
        assert not location.exists(OID)
    else:
        assert_state(location, shown)  # readers see one whole state even before recover()
    ok_before, messages = ocfl_messages(location)
    assert ok_before != needs_recover, messages
    done = location.recover()
    print(done)
    assert list(location.staging_root.iterdir()) == []
    assert_ocfl_valid(location)
    if shown is not None:
        assert location.verify_object(OID) == []
        assert_state(location, shown)
    store(location, new)
    assert_state(location, new)
    assert location.verify_object(OID) == []
    assert_ocfl_valid(location)


@pytest.mark.parametrize(("point", "outcome", "needs_recover"), V1_POINTS)
def test_crash_while_creating_an_object(tmp_path, point, outcome, needs_recover):
    base = tmp_path / "loc"
    run_killed_commit(tmp_path, base, tree_v1(), point)
    check_after_crash(LocalOcflLocation(base), None, tree_v1(), outcome, needs_recover)


@pytest.mark.parametrize(("point", "outcome", "needs_recover"), V2_POINTS)
def test_crash_while_adding_a_version(tmp_path, point, outcome, needs_recover):
    base = tmp_path / "loc"
    store(LocalOcflLocation(base), tree_v1())
    run_killed_commit(tmp_path, base, tree_v2(), point)
    check_after_crash(LocalOcflLocation(base), tree_v1(), tree_v2(), outcome, needs_recover)


def test_concurrent_commits_to_one_object_are_serialised(location: LocalOcflLocation):
    """Writers of the same object queue on its lock: each commit becomes its own version."""
    from concurrent.futures import ThreadPoolExecutor

    trees = [{"METS.xml": f"<mets n='{n}'/>".encode(), "fil.txt": b"same"} for n in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        receipts = list(pool.map(lambda tree: store(location, tree), trees))
    assert sorted(r.version for r in receipts) == [f"v{n}" for n in range(1, 7)]
    for receipt, tree in zip(receipts, trees, strict=True):
        assert location.logical_files(OID, receipt.version) == digests(tree)
    assert location.verify_object(OID) == []
    assert_ocfl_valid(location)


def test_objects_sharing_tuple_folders(location: LocalOcflLocation):
    """A second object under an existing tuple folder is placed by a deeper single rename."""
    first = object_path(OID).split("/")[0]
    other = next(
        f"urn:uuid:{n:08d}" for n in range(100_000) if object_path(f"urn:uuid:{n:08d}")[:3] == first
    )
    store(location, tree_v1())
    store(location, {"METS.xml": b"<mets/>"}, object_id=other)
    assert sorted(location.list_objects()) == sorted([OID, other])
    assert location.verify_object(other) == []
    assert_ocfl_valid(location)
    location.remove_object(other)
    assert list(location.list_objects()) == [OID]
    assert (location.root / first).is_dir()  # still holds the first object
    assert_ocfl_valid(location)


def test_a_big_version_is_made_durable_with_one_syncfs(location: LocalOcflLocation, monkeypatch):
    import samarkiv.storage.local as local_module

    calls = {"syncfs": 0, "fsync_file": 0}
    real_syncfs = local_module.syncfs

    def counting_syncfs(path):
        calls["syncfs"] += 1
        return real_syncfs(path)

    def counting_fsync(path):
        calls["fsync_file"] += 1

    monkeypatch.setattr(local_module, "syncfs", counting_syncfs)
    monkeypatch.setattr(local_module, "fsync_file", counting_fsync)
    tree = {f"many/file-{i:04d}.txt": f"innehåll {i}".encode() for i in range(300)}
    store(location, tree)
    assert calls == {"syncfs": 1, "fsync_file": 0}
    assert location.verify_object(OID) == []
    assert_ocfl_valid(location)
