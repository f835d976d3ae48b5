"""SHA-256 of many files: correct, streamed, bounded and with progress."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest

from samarkiv.preservation import hashing
from samarkiv.preservation.hashing import sha256_files


@pytest.fixture
def tree(tmp_path):
    files = {
        "tom.txt": b"",
        "liten.csv": b"a;b\n1;2\n",
        "mapp/protokoll åäö.pdf": b"%PDF-1.4\n" + b"x" * 5000,
        "stor.bin": bytes(range(256)) * 4100 + b"end",  # > one 256 KiB read buffer
    }
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    return tmp_path, files


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_digests_and_sizes_match_hashlib(tree, workers):
    root, files = tree
    result = sha256_files(root, list(files), workers=workers)
    assert result == {
        rel: (len(data), hashlib.sha256(data).hexdigest()) for rel, data in files.items()
    }


def test_progress_reports_every_file_and_the_bytes_so_far(tree):
    root, files = tree
    calls = []
    sha256_files(root, iter(files), progress=lambda n, b: calls.append((n, b)))
    assert [n for n, _ in calls] == list(range(1, len(files) + 1))
    assert [b for _, b in calls] == sorted(b for _, b in calls)
    assert calls[-1] == (len(files), sum(len(d) for d in files.values()))


def test_a_missing_file_raises(tree):
    root, files = tree
    with pytest.raises(FileNotFoundError):
        sha256_files(root, [*files, "saknas.pdf"])


def test_at_most_two_files_per_worker_are_in_flight(tmp_path, monkeypatch):
    rels = [f"f{i:03d}" for i in range(60)]
    for rel in rels:
        (tmp_path / rel).write_bytes(rel.encode())
    pulled = 0
    lock = threading.Lock()
    active = max_active = 0
    real = hashing.sha256_file

    def slow_digest(path):
        nonlocal active, max_active
        with lock:
            active += 1
            max_active = max(max_active, active)
        time.sleep(0.002)
        with lock:
            active -= 1
        return real(path)

    def source():
        nonlocal pulled
        for rel in rels:
            pulled += 1
            yield rel

    ahead = []
    monkeypatch.setattr(hashing, "sha256_file", slow_digest)
    result = sha256_files(
        tmp_path, source(), workers=3, progress=lambda n, b: ahead.append(pulled - n)
    )
    assert len(result) == 60
    assert max_active <= 3
    assert max(ahead) <= 2 * 3  # the input is read lazily, not all submitted up front
