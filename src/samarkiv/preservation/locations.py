"""The configured storage locations of this archive (``[storage]`` in samarkiv.toml).

The storage package is plain Python; this is where Django settings meet it. Opened
locations are cached per (name, storage dir, options), so tests that change the storage dir or
the storage table get fresh ones.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from samarkiv.storage.config import StorageConfig, open_spec, parse_storage_config
from samarkiv.storage.location import StorageLocation


def storage_config() -> StorageConfig:
    return parse_storage_config(settings.SAMARKIV_STORAGE, Path(settings.SAMARKIV_STORAGE_DIR))


@lru_cache(maxsize=64)
def _opened(name: str, home: str, config_json: str) -> StorageLocation:
    config = parse_storage_config(json.loads(config_json), Path(home))
    return open_spec(config.locations[name], Path(home))


def location(name: str) -> StorageLocation:
    raw = json.dumps(settings.SAMARKIV_STORAGE or {}, sort_keys=True, default=str)
    return _opened(name, str(settings.SAMARKIV_STORAGE_DIR), raw)


def all_locations() -> list[StorageLocation]:
    return [location(name) for name in storage_config().locations]


def policy_of(aip) -> tuple[str, ...]:
    """The locations an AIP must have copies in: its agreement's policy, else its tenant's."""
    from samarkiv.delivery.agreements import policy_for_aip

    return policy_for_aip(aip.tenant_id, getattr(aip, "agreement", ""))


def locations_for_tenant(tenant_code: str) -> list[StorageLocation]:
    """The tenant's policy, primary location first."""
    return [location(name) for name in storage_config().policy_for(tenant_code)]
