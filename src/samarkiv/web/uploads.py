"""An uploaded delivery on disk under its own name, for the ingest pipeline.

Why the name matters: the pipeline records the delivery's file name in the ingest row,
the receipt and the AIP's PREMIS; the spool name (``upload-x1y2.zip``) would tell the
archivist nothing. The file is spooled by ``ingest.uploads`` (inside SAMARKIV_HOME) and
moved, not copied, into a private folder under its cleaned original name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from samarkiv.ingest.uploads import clean_name, spooled_upload


@contextmanager
def named_upload(upload: UploadedFile) -> Iterator[Path]:
    """Yield the upload as ``<tmp>/delivery-XXXX/<original name>``; remove both on exit."""
    name = clean_name(upload.name or "")
    with spooled_upload(upload.chunks(), name) as spooled:
        folder = Path(tempfile.mkdtemp(prefix="delivery-", dir=spooled.parent))
        try:
            target = folder / name
            os.replace(spooled, target)
            yield target
        finally:
            shutil.rmtree(folder, ignore_errors=True)
