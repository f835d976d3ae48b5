"""Demo data for `samarkiv demo`: build the demo deliveries, validate, record.

Idempotent by design: packages are rebuilt byte-identically and each demo run replaces
the earlier run of the same package, so `make run` can call it every time.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from samarkiv.ingest.demo_packages import archive, build_demo_packages
from samarkiv.ingest.models import ValidationRun
from samarkiv.ingest.services import record_demo_validation
from samarkiv.packages import validation


def demo_inputs(demo_dir: Path) -> list[Path]:
    """The demo packages as folders, plus the valid one as a ZIP container."""
    valid, broken = build_demo_packages(demo_dir)
    zipped = archive(valid, demo_dir / f"{valid.name}.zip")
    return [valid, broken, zipped]


def load_demo_data(demo_dir: Path | None = None) -> list[ValidationRun]:
    """Validate every demo input and record it with source=demo."""
    demo_dir = Path(demo_dir or settings.SAMARKIV_DEMO_DIR)
    return [
        record_demo_validation(validation.validate_package(path, "auto"), path.name)
        for path in demo_inputs(demo_dir)
    ]
