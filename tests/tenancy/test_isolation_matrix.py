"""The isolation matrix: every page and API endpoint, as every role of tenant A (and the
host's technical staff), against the objects of tenant B: 403 or 404 every time, and no
list ever shows B's rows.

New pages and endpoints join the matrix by themselves: the URL table and the OpenAPI
document are walked, and a URL whose object parameters the matrix cannot fill fails
the test until it is added to ``PAGE_OBJECTS``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samarkiv.accounts.models import ApiToken, EmergencyGrant, Membership
from samarkiv.accounts.roles import Role
from samarkiv.delivery.models import SubmissionAgreement
from tests.factories import log_in
from tests.tenancy.world import HOST_ROLES, MARK, MUNICIPAL_ROLES, OWN, World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Pages that need no login or carry no tenant data at all.
PUBLIC = {
    "healthz",
    "set_language",
    "web:login",
    "web:logout",
    "web:oidc_login",
    "web:oidc_callback",
    "web:switch_tenant",
}

# URL name -> the URL parameters naming tenant B's object.
PAGE_OBJECTS: dict[str, Callable[[World], dict]] = {
    "web:validation_detail": lambda w: {"pk": w.validation.pk},
    "web:validation_json": lambda w: {"pk": w.validation.pk},
    "web:ingest_detail": lambda w: {"pk": w.ingest.pk},
    "web:ingest_receipt": lambda w: {"pk": w.ingest.pk},
    "web:aip_detail": lambda w: {"pk": w.aip.pk},
    "catalog_ui:creator_detail": lambda w: {"code": w.catalog["creator"].code},
    "catalog_ui:creator_edit": lambda w: {"code": w.catalog["creator"].code},
    "catalog_ui:relation_new": lambda w: {"code": w.catalog["creator"].code},
    "catalog_ui:relation_delete": lambda w: {"pk": w.catalog["relation"].pk},
    "catalog_ui:archive_new": lambda w: {"code": w.catalog["creator"].code},
    "catalog_ui:archive_edit": lambda w: {"pk": w.catalog["archive"].pk},
    "catalog_ui:series_new": lambda w: {"pk": w.catalog["archive"].pk},
    "catalog_ui:series_edit": lambda w: {"pk": w.catalog["series"].pk},
    "catalog_ui:volume_new": lambda w: {"pk": w.catalog["series"].pk},
    "catalog_ui:volume_edit": lambda w: {"pk": w.catalog["volume"].pk},
    "catalog_ui:scheme_detail": lambda w: {"pk": w.catalog["scheme"].pk},
    "catalog_ui:scheme_edit": lambda w: {"pk": w.catalog["scheme"].pk},
    "catalog_ui:scheme_copy": lambda w: {"pk": w.catalog["scheme"].pk},
    "catalog_ui:scheme_activate": lambda w: {"pk": w.catalog["scheme"].pk},
    "catalog_ui:node_new": lambda w: {"pk": w.catalog["scheme"].pk},
    "catalog_ui:node_edit": lambda w: {"pk": w.catalog["node"].pk},
    "catalog_ui:node_delete": lambda w: {"pk": w.catalog["node"].pk},
    "catalog_ui:aip_description": lambda w: {"aip_id": w.aip.pk},
    "catalog_ui:inventory_xml": lambda w: {"code": w.catalog["creator"].code},
    "catalog_ui:inventory_pdf": lambda w: {"code": w.catalog["creator"].code},
    "search_ui:record": lambda w: {"pk": w.record.pk},
    "manage:delivery_detail": lambda w: {"pk": w.delivery.pk},
    "manage:delivery_status": lambda w: {"pk": w.delivery.pk},
    "manage:delivery_receipt": lambda w: {"pk": w.delivery.pk},
    "manage:agreement_edit": lambda w: {"pk": w.agreement.pk},
    "manage:agreement_deactivate": lambda w: {"pk": w.agreement.pk},
    "manage:token_revoke": lambda w: {"pk": w.token.pk},
    "manage:role_revoke": lambda w: {"pk": w.membership.pk},
    "manage:grant_revoke": lambda w: {"pk": w.grant.pk},
}


def _walk(patterns, namespace: str = "") -> Iterator[tuple[str, list[str]]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns.startswith("api"):
                continue  # the API is walked through its OpenAPI document below
            yield from _walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            params = list(getattr(entry.pattern, "converters", {}) or {})
            params += list(re.compile(str(entry.pattern.regex.pattern)).groupindex)
            yield f"{namespace}{entry.name}", sorted(set(params))


def _page_modules() -> list:
    """``tests/tenancy/pages_*.py``: each area adds ``PAGES`` (URL name -> parameters of
    tenant B's object), optionally ``PUBLIC`` (names that need no login and show no
    tenant data) and ``build(world)`` (creates B's objects, adds their markers)."""
    here = Path(__file__).parent
    return [
        importlib.import_module(f"tests.tenancy.{path.stem}")
        for path in sorted(here.glob("pages_*.py"))
    ]


PAGE_MODULES = _page_modules()
for _module in PAGE_MODULES:
    PAGE_OBJECTS.update(getattr(_module, "PAGES", {}))
    PUBLIC |= set(getattr(_module, "PUBLIC", ()))


def staff_urls(world: World) -> tuple[list[str], list[str], list[str]]:
    """(list URLs, URLs of B's objects, names the matrix does not know how to fill)."""
    lists, objects, unknown = [], [], []
    for name, params in _walk(get_resolver().url_patterns):
        if name in PUBLIC:
            continue
        if not params:
            lists.append(reverse(name))
        elif name in PAGE_OBJECTS:
            objects.append(reverse(name, kwargs=PAGE_OBJECTS[name](world)))
        else:
            unknown.append(name)
    return lists, objects, unknown


def _snapshot(world: World) -> dict:
    return {
        "agreement": SubmissionAgreement.objects.filter(pk=world.agreement.pk)
        .values("name", "active")
        .first(),
        "token_revoked": ApiToken.objects.get(pk=world.token.pk).revoked_at,
        "membership": Membership.objects.filter(pk=world.membership.pk).exists(),
        "grant_revoked": EmergencyGrant.objects.get(pk=world.grant.pk).revoked_at,
    }


@pytest.fixture
def world(home: Path, tmp_path: Path) -> World:
    built = build_world(tmp_path)
    for module in PAGE_MODULES:
        if hasattr(module, "build"):
            module.build(built)
    return built


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


def _failures_for(client: Client, world: World, markers: list[str]) -> list[str]:
    lists, objects, unknown = staff_urls(world)
    assert not unknown, f"add these URLs to the isolation matrix: {unknown}"
    failures = []
    for url in lists:
        response = client.get(url)
        body = _body(response)
        if response.status_code not in (200, 403, 405):
            failures.append(f"GET {url}: {response.status_code}")
        leaked = [m for m in markers if m in body]
        if leaked:
            failures.append(f"GET {url} shows tenant B's {leaked}")
    for url in objects:
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status not in (403, 404, 405):
                failures.append(f"{method.upper()} {url}: {status}")
    return failures


ROLES = [(r, OWN) for r in MUNICIPAL_ROLES] + [(r, "lund") for r in HOST_ROLES]


@pytest.mark.parametrize(("role", "tenant"), ROLES, ids=[r.value for r, _ in ROLES])
def test_no_page_shows_or_changes_another_tenants_objects(world: World, role: Role, tenant: str):
    before = _snapshot(world)
    client = log_in(Client(), world.people[role.value], tenant)
    # Host staff may see AIP ids on the technical pages, never names or content.
    markers = [MARK] if role in HOST_ROLES else world.markers
    failures = _failures_for(client, world, markers)
    assert not failures, "\n".join(failures)
    assert _snapshot(world) == before


def test_matrix_covers_the_tenancy_pages(world: World) -> None:
    """A matrix that silently skipped the new pages would prove nothing."""
    lists, objects, _ = staff_urls(world)
    assert len(objects) >= 5
    assert any("/staff/manage/" in url for url in lists)
