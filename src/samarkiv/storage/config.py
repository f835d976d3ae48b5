"""Storage locations and per-tenant storage policies, from configuration.

In ``samarkiv.toml`` (the embedded default is one local location, ``primary``)::

    [storage.locations.primary]
    type = "local"
    path = "/srv/samarkiv/primary"          # default: $SAMARKIV_HOME/storage/<name>

    [storage.locations.offsite]
    type = "s3"
    endpoint_url = "https://s3.example.se"
    bucket = "samarkiv-offsite"
    prefix = "ocfl"

    [storage.policies]
    default = ["primary"]
    horby = ["primary", "offsite"]          # two geographically separate copies

    [storage.audits.offsite]                # fixity audit schedule (these are the defaults)
    full_every_days = 182                   # re-read every AIP twice a year
    sample_every_days = 30                  # and a random sample every month
    sample_pct = 5

S3 credentials are never configuration: they come from the environment, as
``SAMARKIV_S3_<LOCATION>_ACCESS_KEY`` and ``SAMARKIV_S3_<LOCATION>_SECRET_KEY``.
Plain Python (no Django): callers pass the parsed settings in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samarkiv.storage.location import StorageError, StorageLocation

DEFAULT_POLICY = "default"


class StorageConfigError(StorageError):
    code = "storage_config"


@dataclass(frozen=True)
class LocationSpec:
    name: str
    kind: str  # "local" | "s3"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditSchedule:
    """How often a location's fixity is audited: full sweeps, and random samples between.

    Why both: a full sweep re-reads every byte (hours on a large archive, and egress
    costs on S3), so it runs seldom; a small random sample between sweeps still finds
    spreading damage (a failing disk, a bad bucket) within weeks rather than months.
    """

    full_every_days: float = 182
    sample_every_days: float = 30
    sample_pct: int = 5


_SCHEDULE_KEYS = {"full_every_days", "sample_every_days", "sample_pct"}


@dataclass(frozen=True)
class StorageConfig:
    locations: dict[str, LocationSpec]
    policies: dict[str, tuple[str, ...]]
    audits: dict[str, AuditSchedule] = field(default_factory=dict)

    def audit_schedule(self, location: str) -> AuditSchedule:
        """The location's schedule; the defaults when it has no ``[storage.audits.*]``."""
        return self.audits.get(location) or AuditSchedule()

    def policy_for(self, tenant_code: str) -> tuple[str, ...]:
        """Location names an AIP of this tenant must be stored in; the first is primary."""
        return self.policies.get(tenant_code) or self.policies[DEFAULT_POLICY]


def parse_storage_config(raw: dict[str, Any] | None, storage_dir: Path) -> StorageConfig:
    """Validate the ``[storage]`` table; a typo is an error, not a silently lost copy."""
    raw = raw or {}
    locations_raw = raw.get("locations") or {"primary": {"type": "local"}}
    locations = {}
    for name, options in locations_raw.items():
        kind = options.get("type", "local")
        if kind not in ("local", "s3"):
            raise StorageConfigError(f"storage location '{name}': unknown type '{kind}'")
        opts = {k: v for k, v in options.items() if k != "type"}
        if kind == "local":
            opts.setdefault("path", str(storage_dir / name))
        locations[name] = LocationSpec(name, kind, opts)
    policies = {k: tuple(v) for k, v in (raw.get("policies") or {}).items()}
    policies.setdefault(DEFAULT_POLICY, (next(iter(locations)),))
    for tenant, names in policies.items():
        unknown = [n for n in names if n not in locations]
        if not names or unknown:
            raise StorageConfigError(
                f"storage policy '{tenant}' names unknown locations {unknown or names}; "
                f"known: {', '.join(locations)}"
            )
    return StorageConfig(locations, policies, _parse_audits(raw.get("audits") or {}, locations))


def _parse_audits(raw: dict[str, Any], locations: dict[str, LocationSpec]) -> dict:
    """``[storage.audits.<location>]`` tables; a typo must not silently stop audits."""
    schedules = {}
    for name, table in raw.items():
        if name not in locations:
            raise StorageConfigError(f"storage.audits.{name}: no such storage location")
        unknown = sorted(set(table) - _SCHEDULE_KEYS)
        if unknown:
            raise StorageConfigError(f"storage.audits.{name}: unknown keys {unknown}")
        try:
            schedule = AuditSchedule(
                full_every_days=float(table.get("full_every_days", 182)),
                sample_every_days=float(table.get("sample_every_days", 30)),
                sample_pct=int(table.get("sample_pct", 5)),
            )
        except (TypeError, ValueError) as exc:
            raise StorageConfigError(f"storage.audits.{name}: {exc}") from exc
        if schedule.full_every_days <= 0 or schedule.sample_every_days <= 0:
            raise StorageConfigError(f"storage.audits.{name}: intervals must be positive")
        if not 1 <= schedule.sample_pct <= 100:
            raise StorageConfigError(f"storage.audits.{name}: sample_pct must be 1-100")
        schedules[name] = schedule
    return schedules


def open_spec(spec: LocationSpec, storage_dir: Path) -> StorageLocation:
    if spec.kind == "local":
        from samarkiv.storage.local import LocalOcflLocation

        return LocalOcflLocation(Path(spec.options["path"]), name=spec.name)
    from samarkiv.storage.s3 import S3OcflLocation

    env = f"SAMARKIV_S3_{spec.name.upper().replace('-', '_')}"
    access, secret = os.environ.get(f"{env}_ACCESS_KEY"), os.environ.get(f"{env}_SECRET_KEY")
    if not access or not secret:
        raise StorageConfigError(
            f"storage location '{spec.name}' needs {env}_ACCESS_KEY and {env}_SECRET_KEY"
        )
    opts = spec.options
    return S3OcflLocation(
        spec.name,
        endpoint_url=opts["endpoint_url"],
        bucket=opts["bucket"],
        prefix=opts.get("prefix", ""),
        access_key=access,
        secret_key=secret,
        region=opts.get("region", "us-east-1"),
        staging_base=Path(opts.get("staging", storage_dir / f"{spec.name}-staging")),
        retention_days=int(opts.get("retention_days", 365)),
    )
