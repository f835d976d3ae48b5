"""Test fixtures built by code, shared by the test suite and the benchmarks."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """The read-only ``shared/`` folder beside the repository (test data, schemas)."""
    return Path(os.environ.get("SAMARKIV_SHARED", REPO_ROOT.parent / "shared"))


def corpus_dir() -> Path:
    return shared_dir() / "corpus" / "eark-ip-test-corpus" / "corpus"


def unpack_corpus(target: Path) -> Path:
    """Unzip every case's ``packages.zip`` into ``target/<SPEC>/<REQ>/`` (never into shared)."""
    for packages in sorted(corpus_dir().glob("*/*/packages.zip")):
        case = packages.parent.relative_to(corpus_dir())
        dest = target / case
        dest.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(packages) as archive:
            archive.extractall(dest)  # trusted test data from shared/, read-only source
        (dest / "testCase.xml").write_bytes((packages.parent / "testCase.xml").read_bytes())
    return target
