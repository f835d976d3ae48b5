"""Acceptance: a business system delivers a ~200 MB SIP over a connection cut twice.

The real thing: ``samarkiv serve`` (uvicorn) with its own home; a client that knows
only the documented HTTP API (docs/api.md), written with ``http.client`` so it can drop
the connection in the middle of a PATCH body; the in-process delivery worker; the
ingest pipeline. Then another municipality's system must see none of it.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.api.bigsip import build_big_sip, zip_package
from tests.servers import run_samarkiv, server_env, serving

pytestmark = [pytest.mark.slow]

SIZE = 200 * 1024 * 1024
CHUNK = 16 * 1024 * 1024
CUTS = {2: 5 * 1024 * 1024, 7: 11 * 1024 * 1024 + 123}  # chunk index -> bytes sent first
FINISHED = {"done", "duplicate", "rejected", "failed"}

SETUP = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")
django.setup()
from samarkiv.accounts.scope import operator_scope
from samarkiv.accounts.tokens import create_system_account, issue_token
from samarkiv.delivery.models import SubmissionAgreement
secrets = {}
for tenant, name in (("bjuv", "diarium"), ("ystad", "ekonomi")):
    scope = operator_scope(tenant)
    agreement = SubmissionAgreement.objects.create(
        tenant_id=tenant, code=name + "-arende", name=name, business_system=name,
        specifications=["eark2"])
    user = create_system_account(scope, tenant, name + "-" + tenant)
    secrets[tenant] = issue_token(scope, name=name, user=user, agreement=agreement)[1]
print(json.dumps(secrets))
"""

FACTS = """
import json, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")
django.setup()
from pathlib import Path
from samarkiv.delivery.models import Delivery
from samarkiv.ingest.models import Ingest
from samarkiv.preservation.models import Aip, StoredCopy
upload_id, aip_id = sys.argv[1], sys.argv[2]
print(json.dumps({
    "deliveries": Delivery.objects.filter(upload_id=upload_id).count(),
    "ingests": Ingest.objects.count(),
    "ingest_of_delivery": str(Delivery.objects.get(upload_id=upload_id).ingest_id),
    "aip_tenant": Aip.objects.get(pk=aip_id).tenant_id,
    "copies": StoredCopy.objects.filter(aip_id=aip_id).count(),
}))
"""


def _python(env: dict[str, str], code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """uvicorn on a free loopback port, its own home, two systems with tokens."""
    home = tmp_path_factory.mktemp("api-home")
    env = server_env(home, SAMARKIV_LOG_LEVEL="WARNING")
    run_samarkiv(env, "migrate")
    secrets = _python(env, SETUP)
    with serving(env, timeout=90) as base_url:
        port = urlsplit(base_url).port
        yield {"port": port, "env": env, "home": home, "secrets": secrets}


class Client:
    """A business system's client: only documented HTTP calls, one connection each."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}

    def call(self, method: str, path: str, headers=None, body: bytes | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers={**self.auth, **(headers or {})})
            response = conn.getresponse()
            data = response.read()
            return response.status, response.headers, data
        finally:
            conn.close()

    def json(self, method: str, path: str, payload=None) -> tuple[int, object]:
        body = json.dumps(payload).encode() if payload is not None else None
        headers = {"Content-Type": "application/json"} if body else {}
        status, _, data = self.call(method, path, headers, body)
        return status, json.loads(data) if data else None

    def offset(self, path: str) -> int:
        status, headers, _ = self.call("HEAD", path)
        assert status == 200
        assert headers["Cache-Control"] == "no-store"
        return int(headers["Upload-Offset"])

    def patch(self, path: str, offset: int, chunk: bytes) -> int:
        digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
        headers = {
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset),
            "Upload-Checksum": f"sha256 {digest}",
        }
        status, answer, data = self.call("PATCH", path, headers, chunk)
        assert status == 204, data
        return int(answer["Upload-Offset"])

    def cut_patch(self, path: str, offset: int, chunk: bytes, sent: int) -> None:
        """Announce the whole chunk, send ``sent`` bytes of it, then reset the connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.putrequest("PATCH", path)
        for name, value in {
            **self.auth,
            "Content-Type": "application/offset+octet-stream",
            "Content-Length": str(len(chunk)),
            "Upload-Offset": str(offset),
        }.items():
            conn.putheader(name, value)
        conn.endheaders()
        conn.send(chunk[:sent])
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.sock.close()  # RST: the server sees a broken request, not a short one


def _upload(client: Client, package: Path, sha256: str) -> str:
    filename = base64.b64encode(package.name.encode()).decode()
    declared = base64.b64encode(sha256.encode()).decode()
    status, headers, _ = client.call(
        "POST",
        "/api/v1/uploads",
        {
            "Upload-Length": str(package.stat().st_size),
            "Upload-Metadata": f"filename {filename},sha256 {declared}",
        },
    )
    assert status == 201
    path = urlsplit(headers["Location"]).path
    length = package.stat().st_size
    cuts = dict(CUTS)
    with package.open("rb") as fh:
        offset = client.offset(path)
        while offset < length:
            fh.seek(offset)
            chunk = fh.read(CHUNK)
            index = offset // CHUNK
            if index in cuts:
                client.cut_patch(path, offset, chunk, cuts.pop(index))
                resumed = client.offset(path)
                assert resumed == offset  # the cut PATCH left nothing behind
                continue
            offset = client.patch(path, offset, chunk)
    assert not cuts, "both cuts happened"
    assert client.offset(path) == length
    return path


def _wait_for(client: Client, delivery_id: str, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, delivery = client.json("GET", f"/api/v1/deliveries/{delivery_id}")
        assert status == 200
        if delivery["state"] in FINISHED:
            return delivery
        time.sleep(0.5)
    raise TimeoutError(f"delivery {delivery_id} did not finish")


def test_a_large_delivery_survives_cut_connections(server, tmp_path: Path) -> None:
    pkg = build_big_sip(tmp_path / "src", SIZE)
    package = zip_package(pkg, tmp_path / "stor-leverans.zip")
    sha256 = hashlib.sha256(package.read_bytes()).hexdigest()
    client = Client(server["port"], server["secrets"]["bjuv"])

    upload_path = _upload(client, package, sha256)
    upload_id = upload_path.rstrip("/").rsplit("/", 1)[1]
    status, delivery = client.json("POST", "/api/v1/deliveries", {"upload_id": upload_id})
    assert status == 202
    status, again = client.json("POST", "/api/v1/deliveries", {"upload_id": upload_id})
    assert (status, again["id"]) == (202, delivery["id"])  # a retried start is harmless

    finished = _wait_for(client, delivery["id"])
    assert finished["state"] == "done", finished["message"]
    status, receipt = client.json("GET", f"/api/v1/deliveries/{delivery['id']}/receipt")
    assert status == 200
    assert receipt["aip_id"] and receipt["aip_id"] == finished["aip_id"]
    assert receipt["bytes"] > SIZE
    assert receipt["copies"]

    facts = _python(server["env"], FACTS, upload_id, receipt["aip_id"])
    assert facts["deliveries"] == 1 and facts["ingests"] == 1
    assert facts["ingest_of_delivery"] == receipt["ingest_id"] == finished["ingest_id"]
    assert facts["aip_tenant"] == "bjuv" and facts["copies"] >= 1
    assert not list((server["home"] / "uploads").rglob("*.part"))  # the bytes were moved on

    stranger = Client(server["port"], server["secrets"]["ystad"])
    assert stranger.call("HEAD", upload_path)[0] == 404
    assert stranger.call("DELETE", upload_path)[0] == 404
    for path in (
        f"/api/v1/deliveries/{delivery['id']}",
        f"/api/v1/deliveries/{delivery['id']}/receipt",
    ):
        status, body = stranger.json("GET", path)
        assert (status, body["code"]) == (404, "not_found")
    assert stranger.json("GET", "/api/v1/deliveries") == (200, [])
