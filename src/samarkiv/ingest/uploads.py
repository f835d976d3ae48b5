"""Spooling uploaded containers to disk inside SAMARKIV_HOME, and cleaning up after.

Why not the system /tmp: the home is the one place an operator sizes, backs up and
wipes, and a multi-gigabyte delivery must not fill a small root partition.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from samarkiv.errors import UsageError

CONTAINER_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")


def container_suffix(name: str) -> str:
    """The container suffix of a file name, or raise UsageError for anything else."""
    lowered = name.lower()
    for suffix in CONTAINER_SUFFIXES:
        if lowered.endswith(suffix):
            return suffix
    raise UsageError(_("Endast .zip, .tar och .tar.gz kan valideras."), path=name)


def clean_name(name: str) -> str:
    """The last path component of a client-supplied file name, at most 255 characters."""
    base = Path(name.replace("\\", "/")).name.strip() or "paket"
    return base[-255:]


@contextmanager
def spooled_upload(chunks: Iterable[bytes], original_name: str) -> Iterator[Path]:
    """Write the chunks to a private temp file (keeping the suffix); delete it on exit."""
    suffix = container_suffix(original_name)
    tmp_dir = Path(settings.SAMARKIV_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=tmp_dir)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        yield path
    finally:
        path.unlink(missing_ok=True)
