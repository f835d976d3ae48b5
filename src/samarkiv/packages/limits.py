"""Resource limits, tuning constants and rule ids for opening packages.

They live apart from the opening code because every part of it (the entry checks, the
archive readers and the extraction in ``container``) needs them, and keeping them in a
leaf module with no package-internal imports lets those parts depend on them without
import cycles. ``container`` re-exports its public names, so that stays the import path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from samarkiv.errors import UsageError

CHUNK_BYTES = 2**20  # streaming copy size: bounds memory per entry
TINY_ARCHIVE_BYTES = 2**20  # below this uncompressed size the ratio check is skipped
MAX_TAR_META_BYTES = 2**20  # GNU long names and pax headers are read into memory whole
MAX_FINDINGS = 100  # stop listing bad entries after this many; the package is refused anyway
MAX_COLLISION_WARNINGS = 20

RULE_TRAVERSAL = "PKG-PATH-TRAVERSAL"
RULE_LINK = "PKG-SYMLINK"
RULE_BOMB = "PKG-BOMB"
RULE_ENCODING = "PKG-NAME-ENCODING"
RULE_LENGTH = "PKG-NAME-LENGTH"
RULE_DUPLICATE = "PKG-DUPLICATE-ENTRY"
RULE_SINGLE_ROOT = "CSIPSTR1"
RULE_PACKAGED = "CSIPSTR3"


@dataclass(frozen=True)
class Limits:
    """Resource limits for opening one package; defaults suit municipal deliveries."""

    max_total_bytes: int = 64 * 2**30  # total uncompressed size
    max_ratio: float = 200.0  # uncompressed/compressed per archive; skipped below 1 MiB
    max_entries: int = 1_000_000
    max_name_bytes: int = 255  # one path component, UTF-8 bytes
    max_path_bytes: int = 4096

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, overridden by SAMARKIV_MAX_TOTAL_BYTES, _MAX_RATIO and _MAX_ENTRIES."""
        base = cls()
        return cls(
            max_total_bytes=int(_env_number("SAMARKIV_MAX_TOTAL_BYTES", base.max_total_bytes)),
            max_ratio=_env_number("SAMARKIV_MAX_RATIO", base.max_ratio, integer=False),
            max_entries=int(_env_number("SAMARKIV_MAX_ENTRIES", base.max_entries)),
        )


def _env_number(name: str, default: float, *, integer: bool = True) -> float:
    """A positive number from the environment; a bad value is a configuration error."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a valid number") from None
    if not value > 0:
        raise UsageError(f"{name}={raw!r} must be greater than zero")
    return value
