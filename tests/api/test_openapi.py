"""The OpenAPI document is valid, and the API keeps to it under generated requests.

Schemathesis loads /api/v1/openapi.json from the Django app (WSGI, in-process, on the
test database), generates requests for every operation from the document alone, and
checks each answer: no 5xx, a documented status, the documented body and headers.
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import positive_data_acceptance

from tests.api.support import OCTETS

schemathesis.openapi.media_type(OCTETS, st.binary(max_size=256))
EXAMPLES = 15  # per operation: keeps the whole run well under a minute
# Not checked: "every schema-valid request is accepted". A tus upload's metadata is
# base64 in a header (the file name must end in .zip/.tar/.tar.gz) and the size limit is
# configuration; JSON Schema cannot say either, so a well-formed request may still be a
# documented 400/413.


@pytest.fixture
def api_schema(db, home):
    """The schema, served by Django's WSGI app in this thread, on the test database.

    Django closes "old" connections at the start and end of each request; inside the
    test transaction that would close it (PostgreSQL), so the signals are held off
    here as Django's own test client does.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, home) -> str:
    from tests.api.support import make_system

    return make_system("bjuv").secret


def test_the_document_is_valid_openapi(api_schema):
    api_schema.validate()  # against the OpenAPI meta-schema; raises when invalid
    document = api_schema.raw_schema
    broken = {**document, "paths": {"/x": {"get": {"responses": "none"}}}}
    with pytest.raises(Exception, match="responses"):
        schemathesis.openapi.from_dict(broken).validate()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "samarkiv"
    operations = [op.ok() for op in api_schema.get_all_operations()]
    names = {f"{op.method.upper()} {op.path}" for op in operations}
    assert {
        "OPTIONS /api/v1/uploads",
        "POST /api/v1/uploads",
        "HEAD /api/v1/uploads/{upload_id}",
        "PATCH /api/v1/uploads/{upload_id}",
        "DELETE /api/v1/uploads/{upload_id}",
        "GET /api/v1/agreements",
        "POST /api/v1/deliveries",
        "GET /api/v1/deliveries",
        "GET /api/v1/deliveries/{delivery_id}",
        "GET /api/v1/deliveries/{delivery_id}/receipt",
    } <= names
    patch = api_schema["/api/v1/uploads/{upload_id}"]["PATCH"]
    assert OCTETS in patch.definition.raw["requestBody"]["content"]


def _fresh_upload(secret: str) -> str:
    """A real upload, half received, so tus calls get past "not found"."""
    from samarkiv.accounts.tokens import authenticate_token
    from samarkiv.delivery.services import append_chunk, create_upload

    scope = authenticate_token(secret)
    upload = create_upload(scope, 64, "leverans.zip")
    append_chunk(scope, upload.pk, 0, io.BytesIO(b"x" * 32), 32)
    return str(upload.pk)


def _exercise(operation, secret: str) -> None:
    headers = {"Authorization": f"Bearer {secret}"}
    real_upload = "upload_id" in operation.path

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        if real_upload:
            case.path_parameters["upload_id"] = _fresh_upload(secret)
            if case.method == "PATCH" and case.headers:
                case.headers["Upload-Offset"] = "32"  # where the upload stands
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    run()


def test_every_operation_keeps_to_the_document(api_schema, token):
    """Why not ``schema.parametrize()``: its pytest plugin breaks on pytest 9."""
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            _exercise(operation, token)
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert failures == []
