"""Opening packages safely: every hostile archive is built here, in tmp_path."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import unicodedata
import zipfile
from pathlib import Path

import pytest

from samarkiv.errors import UnreadableInputError, UsageError
from samarkiv.packages import archive_readers, container
from samarkiv.packages.container import Limits, open_package
from samarkiv.packages.report import Level, Severity

GOOD = {
    "pkg/METS.xml": b"<mets/>",
    "pkg/metadata/descriptive/ead.xml": b"<ead/>",
    "pkg/representations/rep1/data/report.txt": b"hello",
}


# --- helpers ---------------------------------------------------------------------------------


def make_zip(path: Path, entries: dict[str, bytes] | list[tuple[str | zipfile.ZipInfo, bytes]]):
    items = entries.items() if isinstance(entries, dict) else entries
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return path


def tar_file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def tar_special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, b""


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes]], mode: str = "w") -> Path:
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT) as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def patch_name(path: Path, placeholder: bytes, raw: bytes) -> Path:
    """Replace a stored zip name by raw bytes (same length), in both headers."""
    data = path.read_bytes()
    assert data.count(placeholder) == 2 and len(placeholder) == len(raw)
    path.write_bytes(data.replace(placeholder, raw))
    return path


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def rules(pkg: container.OpenedPackage, severity: Severity | None = None) -> set[str]:
    return {f.rule_id for f in pkg.findings if severity is None or f.effective_severity is severity}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder


def assert_refused(path: Path, ws: Path, rule: str, *, limits: Limits | None = None) -> str:
    """Open a hostile container: refused with `rule`, nothing left behind anywhere."""
    parent = path.parent
    before = listing(parent)
    with open_package(path, workspace=ws, limits=limits) as pkg:
        assert pkg.root is None
        assert rule in rules(pkg, Severity.ERROR)
        workspace = pkg.workspace
    assert workspace is None or not workspace.exists()
    assert listing(ws) == []
    assert listing(parent) == before
    return next(f.message for f in pkg.findings if f.rule_id == rule)


# --- good packages -------------------------------------------------------------------------


def test_good_zip_extracts_to_single_root(tmp_path: Path, ws: Path) -> None:
    path = make_zip(tmp_path / "sip.zip", GOOD)
    with open_package(path, workspace=ws) as pkg:
        assert pkg.container == "zip"
        assert pkg.findings == []
        assert pkg.root is not None and pkg.root.name == "pkg"
        assert (pkg.root / "METS.xml").read_bytes() == b"<mets/>"
        assert (pkg.root / "representations/rep1/data/report.txt").read_bytes() == b"hello"
        assert pkg.workspace is not None and pkg.workspace.parent == ws
        workspace = pkg.workspace
    assert not workspace.exists()
    assert listing(ws) == []


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_good_tar_detected_by_content(tmp_path: Path, ws: Path, mode: str) -> None:
    members = [tar_special("pkg", tarfile.DIRTYPE)] + [tar_file(n, d) for n, d in GOOD.items()]
    path = make_tar(tmp_path / "sip.bin", members, mode)  # the extension says nothing
    with open_package(path, workspace=ws) as pkg:
        assert pkg.container == "tar"
        assert pkg.findings == []
        assert pkg.root is not None
        assert (pkg.root / "metadata/descriptive/ead.xml").read_bytes() == b"<ead/>"
    assert listing(ws) == []


def test_tar_with_dot_prefix_and_backslash_zip_names(tmp_path: Path, ws: Path) -> None:
    tar = make_tar(tmp_path / "a.tar", [tar_special(".", tarfile.DIRTYPE), tar_file("./p/M", b"1")])
    with open_package(tar, workspace=ws) as pkg:
        assert pkg.root is not None and (pkg.root / "M").read_bytes() == b"1"
    zipped = make_zip(tmp_path / "b.zip", {"p\\sub\\M": b"2"})
    with open_package(zipped, workspace=ws) as pkg:
        assert pkg.root is not None and (pkg.root / "sub" / "M").read_bytes() == b"2"


def test_good_directory_is_used_in_place(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    for name, data in GOOD.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    before = listing(tmp_path)
    with open_package(root) as pkg:
        assert pkg.container == "directory"
        assert pkg.root == root
        assert pkg.workspace is None
        assert [(f.rule_id, f.level) for f in pkg.findings] == [("CSIPSTR3", Level.MAY)]
        assert rules(pkg, Severity.INFO) == {"CSIPSTR3"}
    assert listing(tmp_path) == before


def test_swedish_nfc_and_nfd_names_extract(tmp_path: Path, ws: Path) -> None:
    nfc = unicodedata.normalize("NFC", "åäö.txt")
    nfd = unicodedata.normalize("NFD", "Ärende ö.txt")
    path = make_zip(tmp_path / "sv.zip", {f"pkg/{nfc}": b"nfc", f"pkg/data/{nfd}": b"nfd"})
    with open_package(path, workspace=ws) as pkg:
        assert rules(pkg) == set()
        assert pkg.root is not None
        assert (pkg.root / nfc).read_bytes() == b"nfc"
        assert (pkg.root / "data" / nfd).read_bytes() == b"nfd"


def test_nfc_nfd_and_case_collisions_are_warnings(tmp_path: Path, ws: Path) -> None:
    nfc, nfd = (unicodedata.normalize(form, "å.txt") for form in ("NFC", "NFD"))
    entries = {f"pkg/{nfc}": b"1", f"pkg/{nfd}": b"2", "pkg/METS.xml": b"3", "pkg/mets.xml": b"4"}
    with open_package(make_zip(tmp_path / "c.zip", entries), workspace=ws) as pkg:
        assert rules(pkg, Severity.WARNING) == {"PKG-DUPLICATE-ENTRY"}
        assert rules(pkg, Severity.ERROR) == set()
        assert len(pkg.findings) == 2
        assert pkg.root is not None and (pkg.root / "mets.xml").read_bytes() == b"4"


def test_utf8_name_without_flag_is_accepted(tmp_path: Path, ws: Path) -> None:
    path = patch_name(make_zip(tmp_path / "u.zip", {"pkg/__.txt": b"x"}), b"__", b"\xc3\xa5")
    with open_package(path, workspace=ws) as pkg:
        assert pkg.findings == []
        assert pkg.root is not None and (pkg.root / "å.txt").read_bytes() == b"x"


def test_samarkiv_home_tmp_is_the_default_workspace(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SAMARKIV_HOME", str(tmp_path / "home"))
    with open_package(make_zip(tmp_path / "sip.zip", GOOD)) as pkg:
        assert pkg.workspace is not None and pkg.workspace.parent == tmp_path / "home" / "tmp"
    assert listing(tmp_path / "home" / "tmp") == []


def test_workspace_removed_when_the_with_block_raises(tmp_path: Path, ws: Path) -> None:
    with (
        pytest.raises(RuntimeError),
        open_package(make_zip(tmp_path / "s.zip", GOOD), workspace=ws),
    ):
        raise RuntimeError("boom")
    assert listing(ws) == []


# --- path traversal and links ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../x", "pkg/../../x", "/etc/x", "..\\x", "pkg\\..\\..\\x", "C:\\x", "C:/x", "\\\\srv\\x"],
)
def test_zip_traversal_is_refused(tmp_path: Path, ws: Path, name: str) -> None:
    path = make_zip(tmp_path / "evil.zip", [("pkg/METS.xml", b"m"), (name, b"owned")])
    message = assert_refused(path, ws, "PKG-PATH-TRAVERSAL")
    assert f"zip entry '{name}'" in message
    assert "nothing was extracted" in message


def test_zip_slip_message_is_plain_english(tmp_path: Path, ws: Path) -> None:
    path = make_zip(tmp_path / "evil.zip", {"../../etc/passwd": b"x"})
    message = assert_refused(path, ws, "PKG-PATH-TRAVERSAL")
    assert message == (
        "zip entry '../../etc/passwd' escapes the package root (path traversal); "
        "nothing was extracted"
    )


@pytest.mark.parametrize("name", ["../x", "/etc/x", "pkg/../../x"])
def test_tar_traversal_is_refused(tmp_path: Path, ws: Path, name: str) -> None:
    path = make_tar(tmp_path / "evil.tar", [tar_file("pkg/METS.xml", b"m"), tar_file(name, b"o")])
    assert "tar entry" in assert_refused(path, ws, "PKG-PATH-TRAVERSAL")


def test_tar_symlink_pointing_outside_then_write_through_it(tmp_path: Path, ws: Path) -> None:
    members = [
        tar_special("pkg/escape", tarfile.SYMTYPE, linkname=str(tmp_path)),
        tar_file("pkg/escape/owned.txt", b"owned"),
    ]
    message = assert_refused(make_tar(tmp_path / "evil.tar", members), ws, "PKG-SYMLINK")
    assert "symbolic link" in message and str(tmp_path) in message
    assert not (tmp_path / "owned.txt").exists()


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (tarfile.LNKTYPE, "hard link"),
        (tarfile.CHRTYPE, "special file"),
        (tarfile.BLKTYPE, "special file"),
        (tarfile.FIFOTYPE, "special file"),
    ],
)
def test_tar_hardlink_and_devices_are_refused(tmp_path, ws, kind: bytes, words: str) -> None:
    members = [tar_file("pkg/METS.xml", b"m"), tar_special("pkg/x", kind, "/etc/passwd")]
    assert words in assert_refused(make_tar(tmp_path / "e.tar", members), ws, "PKG-SYMLINK")


def test_zip_symlink_entry_is_refused(tmp_path: Path, ws: Path) -> None:
    link = zipfile.ZipInfo("pkg/passwd")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = make_zip(tmp_path / "link.zip", [("pkg/METS.xml", b"m"), (link, b"/etc/passwd")])
    assert "zip entry 'pkg/passwd' is a symbolic link" in assert_refused(path, ws, "PKG-SYMLINK")


def test_directory_with_symlink_outside_is_refused_and_untouched(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "data").mkdir(parents=True)
    (root / "METS.xml").write_bytes(b"<mets/>")
    (root / "data" / "passwd").symlink_to("/etc/passwd")
    (root / "data" / "loop").symlink_to(root, target_is_directory=True)
    with open_package(root) as pkg:
        assert pkg.root is None
        errors = [f for f in pkg.findings if f.effective_severity is Severity.ERROR]
        assert {(f.rule_id, f.path) for f in errors} == {
            ("PKG-SYMLINK", "data/passwd"),
            ("PKG-SYMLINK", "data/loop"),
        }
        assert any("'/etc/passwd'" in f.message for f in errors)
    assert (root / "data" / "passwd").is_symlink()


def test_directory_with_fifo_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    root.mkdir()
    os.mkfifo(root / "pipe")
    with open_package(root) as pkg:
        assert pkg.root is None and "PKG-SYMLINK" in rules(pkg, Severity.ERROR)


# --- names ---------------------------------------------------------------------------------------


def test_zip_non_utf8_name_is_refused(tmp_path: Path, ws: Path) -> None:
    path = patch_name(make_zip(tmp_path / "l1.zip", {"pkg/_.txt": b"x"}), b"_.txt", b"\xe5.txt")
    with open_package(path, workspace=ws) as pkg:
        assert pkg.root is None
        (finding,) = [f for f in pkg.findings if f.rule_id == "PKG-NAME-ENCODING"]
        assert finding.path == "pkg/\\xe5.txt"
        assert "not valid UTF-8" in finding.message
    assert listing(ws) == []


def test_zip_utf8_flag_with_invalid_bytes_is_refused(tmp_path: Path, ws: Path) -> None:
    path = make_zip(tmp_path / "bad.zip", {"pkg/é.txt": b"x"})
    patch_name(path, "é".encode(), b"\xff\xfe")
    assert "flagged as UTF-8" in assert_refused(path, ws, "PKG-NAME-ENCODING")


def test_tar_non_utf8_name_is_refused(tmp_path: Path, ws: Path) -> None:
    path = tmp_path / "l1.tar"
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT, encoding="latin-1") as tf:
        info, data = tar_file("pkg/å.txt", b"x")
        tf.addfile(info, io.BytesIO(data))
    assert_refused(path, ws, "PKG-NAME-ENCODING")


def test_directory_non_utf8_name_is_reported_but_readable(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "METS.xml").write_bytes(b"<mets/>")
    with open(os.path.join(os.fsencode(root), b"\xe5.txt"), "wb") as fh:
        fh.write(b"x")
    with open_package(root) as pkg:
        assert pkg.root == root
        assert [f.path for f in pkg.findings if f.rule_id == "PKG-NAME-ENCODING"] == ["\\xe5.txt"]


@pytest.mark.parametrize("maker", ["zip", "tar"])
def test_300_byte_name_is_refused(tmp_path: Path, ws: Path, maker: str) -> None:
    name = "pkg/" + "a" * 300
    if maker == "zip":
        path = make_zip(tmp_path / "long.zip", {name: b"x"})
    else:
        path = make_tar(tmp_path / "long.tar", [tar_file(name, b"x")])
    message = assert_refused(path, ws, "PKG-NAME-LENGTH")
    assert "300 bytes" in message and "255" in message


def test_over_long_path_is_refused(tmp_path: Path, ws: Path) -> None:
    path = make_zip(tmp_path / "deep.zip", {"pkg/" + "abcdefghi/" * 10 + "x": b"x"})
    limits = Limits(max_path_bytes=64)
    assert "over the limit of 64 bytes" in assert_refused(
        path, ws, "PKG-NAME-LENGTH", limits=limits
    )


def test_directory_over_long_name(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "a-rather-long-name.txt").write_bytes(b"x")
    with open_package(root, limits=Limits(max_name_bytes=10)) as pkg:
        assert "PKG-NAME-LENGTH" in rules(pkg, Severity.ERROR)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_zip_entry_is_refused(tmp_path: Path, ws: Path) -> None:
    path = make_zip(tmp_path / "dup.zip", [("pkg/METS.xml", b"1"), ("pkg/METS.xml", b"2")])
    assert "more than once" in assert_refused(path, ws, "PKG-DUPLICATE-ENTRY")


def test_file_and_folder_with_the_same_path_is_refused(tmp_path: Path, ws: Path) -> None:
    path = make_zip(tmp_path / "clash.zip", {"pkg/data": b"1", "pkg/data/x": b"2"})
    assert "both a file and a folder" in assert_refused(path, ws, "PKG-DUPLICATE-ENTRY")


# --- single root ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ({"a/METS.xml": b"1", "b/METS.xml": b"2"}, "2 top-level entries ('a', 'b')"),
        ({"METS.xml": b"1", "pkg/data/x": b"2"}, "2 top-level entries"),
        ({"METS.xml": b"1"}, "holds only the file 'METS.xml'"),
        ({}, "is empty"),
    ],
)
def test_single_root_folder_rule(tmp_path: Path, ws: Path, entries, words: str) -> None:
    message = assert_refused(make_zip(tmp_path / "r.zip", entries), ws, "CSIPSTR1")
    assert words in message and "exactly one root folder" in message


def test_tar_with_two_roots(tmp_path: Path, ws: Path) -> None:
    path = make_tar(tmp_path / "r.tar", [tar_file("a/M", b"1"), tar_file("b/M", b"2")])
    assert_refused(path, ws, "CSIPSTR1")


# --- bombs and limits -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 MB of zeros in a ~200 KB zip, written in a streaming way."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    zeros = bytes(2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("pkg/METS.xml", b"<mets/>")
        with zf.open("pkg/zeros.bin", "w") as out:
            for _ in range(200):
                out.write(zeros)
    return path


def test_zip_bomb_ratio_is_refused(zip_bomb: Path, ws: Path) -> None:
    message = assert_refused(zip_bomb, ws, "PKG-BOMB")
    assert "'pkg/zeros.bin'" in message and "ratio" in message and "limit of 200:1" in message


def test_zip_bomb_total_size_is_refused(zip_bomb: Path, ws: Path) -> None:
    limits = Limits(max_total_bytes=10 * 2**20, max_ratio=float("inf"))
    message = assert_refused(zip_bomb, ws, "PKG-BOMB", limits=limits)
    assert f"over the limit of {10 * 2**20} bytes" in message


def test_small_total_limit(tmp_path: Path, ws: Path) -> None:
    path = make_zip(tmp_path / "s.zip", {f"pkg/{i}": bytes(1000) for i in range(3)})
    assert_refused(path, ws, "PKG-BOMB", limits=Limits(max_total_bytes=2000))
    with open_package(path, workspace=ws, limits=Limits(max_total_bytes=3000)) as pkg:
        assert pkg.root is not None


@pytest.mark.parametrize("maker", ["zip", "tar"])
def test_entry_count_limit(tmp_path: Path, ws: Path, maker: str) -> None:
    files = {f"pkg/{i}": b"x" for i in range(5)}
    if maker == "zip":
        path = make_zip(tmp_path / "n.zip", files)
    else:
        path = make_tar(tmp_path / "n.tar", [tar_file(n, d) for n, d in files.items()])
    assert "more than 2 entries" in assert_refused(
        path, ws, "PKG-BOMB", limits=Limits(max_entries=2)
    )


def test_actual_bytes_are_counted_when_declared_sizes_lie(tmp_path, ws, monkeypatch) -> None:
    """zipfile/tarfile frame entries by size, so we fake the lie: declared checks are skipped."""
    original = container._check_size

    def declared_says_nothing(*args, declared: bool, **kwargs) -> None:
        if not declared:
            original(*args, declared=declared, **kwargs)

    monkeypatch.setattr(container, "_check_size", declared_says_nothing)
    path = make_zip(tmp_path / "lie.zip", {"pkg/a": os.urandom(2**20), "pkg/b": os.urandom(2**20)})
    message = assert_refused(path, ws, "PKG-BOMB", limits=Limits(max_total_bytes=3 * 2**19))
    assert "extracted size" in message and "extraction was stopped" in message


def test_entry_larger_than_declared_is_refused(tmp_path, ws, monkeypatch) -> None:
    original = archive_readers._zip_entry

    def understated(info: zipfile.ZipInfo) -> container._Entry:
        entry = original(info)
        entry.size = min(entry.size, 10)
        return entry

    monkeypatch.setattr(archive_readers, "_zip_entry", understated)
    path = make_zip(tmp_path / "lie.zip", {"pkg/a": bytes(5000)})
    assert "lies about sizes" in assert_refused(path, ws, "PKG-BOMB")


def test_oversized_tar_pax_header_is_refused(tmp_path: Path, ws: Path) -> None:
    header = tarfile.TarInfo("././@PaxHeader")
    header.type = tarfile.XHDTYPE
    header.size = 50 * 2**20  # tarfile would read this into memory whole
    path = tmp_path / "pax.tar"
    path.write_bytes(header.tobuf(format=tarfile.USTAR_FORMAT) + bytes(2048))
    with open_package(path, workspace=ws) as pkg:
        assert pkg.container == "tar" and pkg.root is None
        assert "PKG-BOMB" in rules(pkg, Severity.ERROR)


# --- unreadable input ---------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match="does not exist"):
        open_package(tmp_path / "nope.zip")


@pytest.mark.parametrize("content", [os.urandom(4096), b"", b"not an archive at all\n"])
def test_random_file_is_unreadable(tmp_path: Path, ws: Path, content: bytes) -> None:
    path = tmp_path / "random.zip"
    path.write_bytes(content)
    with pytest.raises(UnreadableInputError, match="'random.zip'"):
        open_package(path, workspace=ws)
    assert listing(ws) == []


def test_truncated_zip_is_unreadable(tmp_path: Path, ws: Path) -> None:
    path = make_zip(tmp_path / "cut.zip", GOOD)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(UnreadableInputError, match="'cut.zip'"):
        open_package(path, workspace=ws)


def test_truncated_tar_gz_is_unreadable_and_cleaned_up(tmp_path: Path, ws: Path) -> None:
    big = [tar_file(f"pkg/{i}.bin", os.urandom(200_000)) for i in range(5)]
    path = make_tar(tmp_path / "cut.tar.gz", big, "w:gz")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(UnreadableInputError, match="'cut.tar.gz'"):
        open_package(path, workspace=ws)
    assert listing(ws) == []


def test_corrupt_zip_data_is_unreadable_and_cleaned_up(tmp_path: Path, ws: Path) -> None:
    payload = b"A" * 4096 + os.urandom(4096)
    path = make_zip(tmp_path / "crc.zip", {"pkg/METS.xml": payload})
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF  # inside the deflated data
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableInputError, match="'crc.zip'"):
        open_package(path, workspace=ws)
    assert listing(ws) == []


# --- limits from the environment -------------------------------------------------------------


def test_limits_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMARKIV_MAX_TOTAL_BYTES", "1000")
    monkeypatch.setenv("SAMARKIV_MAX_RATIO", "12.5")
    monkeypatch.setenv("SAMARKIV_MAX_ENTRIES", "7")
    assert Limits.from_env() == Limits(max_total_bytes=1000, max_ratio=12.5, max_entries=7)
    monkeypatch.setenv("SAMARKIV_MAX_ENTRIES", "many")
    with pytest.raises(UsageError, match="SAMARKIV_MAX_ENTRIES"):
        Limits.from_env()
    monkeypatch.setenv("SAMARKIV_MAX_ENTRIES", "0")
    with pytest.raises(UsageError, match="greater than zero"):
        Limits.from_env()


def test_limits_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SAMARKIV_MAX_TOTAL_BYTES", "SAMARKIV_MAX_RATIO", "SAMARKIV_MAX_ENTRIES"):
        monkeypatch.delenv(name, raising=False)
    assert Limits.from_env() == Limits()
    assert Limits().max_total_bytes == 64 * 2**30


def test_read_only_workspace_content_is_still_removed(tmp_path: Path, ws: Path) -> None:
    with open_package(make_zip(tmp_path / "ro.zip", GOOD), workspace=ws) as pkg:
        assert pkg.root is not None
        (pkg.root / "METS.xml").chmod(0o400)
        (pkg.root / "metadata").chmod(0o500)
        pkg.root.chmod(0o500)
    assert listing(ws) == []
