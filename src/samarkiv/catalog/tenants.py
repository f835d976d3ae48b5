"""Seeding and listing tenants from configuration.

The member municipalities are configuration, not code: ``[[tenants]]`` tables in
``samarkiv.toml`` replace the default list below (the Skåne cooperation, Lund as host).
"""

from __future__ import annotations

import unicodedata

from django.conf import settings

from samarkiv.errors import SamarkivError

# (short name, official name); the short name gives the code.
DEFAULT_HOST = ("Lund", "Lunds kommun")
DEFAULT_MEMBERS = (
    ("Bjuv", "Bjuvs kommun"),
    ("Hörby", "Hörby kommun"),
    ("Klippan", "Klippans kommun"),
    ("Landskrona", "Landskrona stad"),
    ("Perstorp", "Perstorps kommun"),
    ("Simrishamn", "Simrishamns kommun"),
    ("Sjöbo", "Sjöbo kommun"),
    ("Tomelilla", "Tomelilla kommun"),
    ("Ystad", "Ystads kommun"),
    ("Åstorp", "Åstorps kommun"),
    ("Ängelholm", "Ängelholms kommun"),
    ("Örkelljunga", "Örkelljunga kommun"),
    ("Svedala", "Svedala kommun"),
    ("Skurup", "Skurups kommun"),
    ("Trelleborg", "Trelleborgs kommun"),
)


class UnknownTenantError(SamarkivError):
    code = "unknown_tenant"
    http_status = 404


def slug(name: str) -> str:
    """Lowercase ASCII slug: 'Hörby' -> 'horby', 'Ängelholm' -> 'angelholm'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c == "-")


def configured_tenants() -> list[dict]:
    """Tenants from settings (``SAMARKIV_TENANTS``) or the default cooperation."""
    configured = getattr(settings, "SAMARKIV_TENANTS", None)
    if configured:
        return [
            {
                "code": t.get("code") or slug(t["name"]),
                "name": t["name"],
                "org_number": t.get("org_number", ""),
                "is_host": bool(t.get("host", False)),
            }
            for t in configured
        ]
    return [
        {"code": slug(short), "name": name, "org_number": "", "is_host": i == 0}
        for i, (short, name) in enumerate((DEFAULT_HOST, *DEFAULT_MEMBERS))
    ]


def seed_tenants() -> int:
    """Create or update the configured tenants; returns how many exist afterwards."""
    from samarkiv.catalog.models import Tenant

    for data in configured_tenants():
        Tenant.objects.update_or_create(code=data["code"], defaults=data)
    return Tenant.objects.count()


def seed_after_migrate(sender, **kwargs) -> None:
    seed_tenants()


def get_tenant(code: str):
    from samarkiv.catalog.models import Tenant

    try:
        return Tenant.objects.get(code=code)
    except Tenant.DoesNotExist:
        known = ", ".join(Tenant.objects.values_list("code", flat=True))
        raise UnknownTenantError(f"unknown tenant '{code}'; known tenants: {known}") from None
