"""The API half of the isolation matrix: every operation in the OpenAPI document, as
every role of tenant A (a business system by token, staff by session) and the host's
staff, against tenant B's uploads and deliveries: 401/403/404 every time, and no list
shows B's rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import user_scope
from samarkiv.accounts.tokens import issue_token
from samarkiv.delivery.models import Delivery, SubmissionAgreement, Upload
from samarkiv.web.api.v1 import api
from tests.factories import log_in
from tests.tenancy.test_isolation_matrix import ROLES
from tests.tenancy.world import OWN, World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

OCTETS = "application/offset+octet-stream"
REFUSED = {401, 403, 404, 405}


@pytest.fixture
def world(home: Path, tmp_path: Path) -> World:
    return build_world(tmp_path)


def _token_client(world: World) -> Client:
    """Tenant A's business system, with a real token for an agreement of A."""
    archivist = world.people[Role.ARCHIVIST.value]
    agreement = SubmissionAgreement.objects.create(
        tenant_id=OWN, code="diarium", name="Diarium", specifications=["eark2"]
    )
    system = world.people[Role.SYSTEM.value]
    _, secret = issue_token(
        user_scope(archivist, OWN), name="diarium", user=system, agreement=agreement
    )
    return Client(headers={"Authorization": f"Bearer {secret}", "Tus-Resumable": "1.0.0"})


def _operations(world: World):
    """(method, url, extra request arguments) for every operation, aimed at B's objects."""
    ids = {
        "upload_id": str(world.upload.pk),
        "delivery_id": str(world.delivery.pk),
        "record_id": str(world.record.pk),  # B's record, never published: 404 for all
    }
    for template, ops in api.get_openapi_schema()["paths"].items():
        url = template.format(**ids)
        for method in ops:
            kwargs: dict = {}
            if method == "patch":
                kwargs = {"data": b"x", "content_type": OCTETS, "HTTP_UPLOAD_OFFSET": "0"}
            elif method == "post" and url.endswith("/deliveries"):
                body = json.dumps({"upload_id": ids["upload_id"]})
                kwargs = {"data": body, "content_type": "application/json"}
            yield method, url, kwargs, "{" in template


def _failures(client: Client, world: World) -> list[str]:
    failures = []
    for method, url, kwargs, names_object in _operations(world):
        if method in ("options",) or (method == "post" and url.endswith("/uploads")):
            continue  # no object named: creates in the caller's own tenant
        response = getattr(client, method)(url, **kwargs)
        body = response.content.decode("utf-8", "replace")
        aimed_at_b = names_object or (method == "post" and url.endswith("/deliveries"))
        if aimed_at_b and response.status_code not in REFUSED:
            failures.append(f"{method.upper()} {url}: {response.status_code} {body[:200]}")
        leaked = [m for m in world.markers if m in body]
        if leaked and response.status_code < 400:
            failures.append(f"{method.upper()} {url} shows tenant B's {leaked}")
    return failures


def _unchanged(world: World) -> tuple:
    upload = Upload.objects.get(pk=world.upload.pk)
    return (upload.offset, upload.state, Delivery.objects.filter(upload=upload).count())


def test_a_business_system_of_tenant_a_cannot_reach_tenant_b(world: World) -> None:
    before = _unchanged(world)
    failures = _failures(_token_client(world), world)
    assert not failures, "\n".join(failures)
    assert _unchanged(world) == before


@pytest.mark.parametrize(("role", "tenant"), ROLES, ids=[r.value for r, _ in ROLES])
def test_staff_sessions_of_tenant_a_cannot_reach_tenant_b(world: World, role, tenant) -> None:
    before = _unchanged(world)
    failures = _failures(log_in(Client(), world.people[role.value], tenant), world)
    assert not failures, "\n".join(failures)
    assert _unchanged(world) == before


def test_the_matrix_walks_every_operation(world: World) -> None:
    operations = list(_operations(world))
    assert len(operations) >= 10
    assert {m for m, *_ in operations} >= {"get", "post", "patch", "head", "delete"}
