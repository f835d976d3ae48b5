"""Helpers of the delivery API tests: system accounts with tokens, tus requests."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import Client

from samarkiv.accounts.models import ApiToken, Membership
from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import user_scope
from samarkiv.accounts.tokens import create_system_account, issue_token
from samarkiv.delivery.models import SubmissionAgreement

OCTETS = "application/offset+octet-stream"
UPLOADS = "/api/v1/uploads"


def make_archivist(tenant: str, username: str | None = None):
    user = get_user_model().objects.create_user(username or f"arkivarie-{tenant}")
    Membership.objects.create(user=user, tenant_id=tenant, role=Role.ARCHIVIST)
    return user


@dataclass
class System:
    """A business system: its account, agreement, token row and plaintext token."""

    tenant: str
    user: object
    agreement: SubmissionAgreement
    token: ApiToken
    secret: str

    def client(self) -> Client:
        return Client(headers={"Authorization": f"Bearer {self.secret}"})


def make_system(tenant: str, name: str = "diarium", agreement_code: str = "") -> System:
    archivist = make_archivist(tenant, f"arkivarie-{tenant}-{name}")
    scope = user_scope(archivist, tenant)
    agreement = SubmissionAgreement.objects.create(
        tenant_id=tenant,
        code=agreement_code or f"{name}-arende",
        name=f"{name} → e-arkiv",
        business_system=name,
        specifications=["eark2"],
    )
    user = create_system_account(scope, tenant, f"{name}-{tenant}")
    token, secret = issue_token(scope, name=f"{name} prod", user=user, agreement=agreement)
    return System(tenant, user, agreement, token, secret)


def metadata(filename: str, sha256: str | None = None) -> str:
    parts = [f"filename {base64.b64encode(filename.encode()).decode()}"]
    if sha256:
        parts.append(f"sha256 {base64.b64encode(sha256.encode()).decode()}")
    return ",".join(parts)


def create(client: Client, length: int, filename: str = "leverans.zip", sha256=None):
    headers = {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": str(length),
        "Upload-Metadata": metadata(filename, sha256),
    }
    return client.post(UPLOADS, headers=headers)


def patch(client: Client, location: str, offset: int, data: bytes, checksum: str | None = None):
    headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": str(offset)}
    if checksum:
        headers["Upload-Checksum"] = checksum
    return client.patch(location, data=data, content_type=OCTETS, headers=headers)


def head(client: Client, location: str):
    return client.head(location, headers={"Tus-Resumable": "1.0.0"})


def checksum(algorithm: str, data: bytes) -> str:
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm} {base64.b64encode(digest).decode()}"


def upload_bytes(client: Client, data: bytes, filename: str = "leverans.zip", chunk=1 << 20):
    """Create an upload and send ``data`` in chunks; returns its location."""
    created = create(client, len(data), filename, hashlib.sha256(data).hexdigest())
    assert created.status_code == 201, created.content
    location = created["Location"]
    for offset in range(0, len(data), chunk):
        part = data[offset : offset + chunk]
        answer = patch(client, location, offset, part, checksum("sha256", part))
        assert answer.status_code == 204, answer.content
    return location
