"""The audit log pages: the tenant's entries newest first, filters, streaming export,
and the chain check on demand."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from samarkiv.accounts.roles import Role
from samarkiv.auditlog.chain import append
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from tests.manage.conftest import MARK, OTHER, OWN, client_for, make_user

pytestmark = [pytest.mark.db, pytest.mark.django_db]
LOG = reverse("manage:audit_log")
EXPORT = reverse("manage:audit_log_export")


@pytest.fixture
def auditor(home):
    return make_user("bjuv.granskare", OWN, Role.AUDITOR)


@pytest.fixture
def entries(home, django_capture_on_commit_callbacks) -> None:
    """Four entries, one of them Ystad's; the head file is written as on a real commit."""
    with django_capture_on_commit_callbacks(execute=True):
        append(actor="user:anna", action=AuditAction.LOGIN, tenant=OWN)
        append(actor="user:anna", action=AuditAction.DOWNLOAD, tenant=OWN, object_id="aip-bjuv-1")
        append(actor=f"user:{MARK}", action=AuditAction.DOWNLOAD, tenant=OTHER, object_id="x")
        append(actor="user:bertil", action=AuditAction.DECISION, tenant=OWN, object_id="beslut-7")


def _body(response) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def test_log_shows_own_entries_newest_first(auditor, entries) -> None:
    body = client_for(auditor).get(LOG).content.decode()
    assert MARK not in body
    assert "3 poster, senaste först" in body
    assert body.index("beslut-7") < body.index("aip-bjuv-1")
    assert "Nedladdning" in body and "Beslut" in body


def test_log_filters(auditor, entries) -> None:
    client = client_for(auditor)
    body = client.get(LOG, {"action": "download"}).content.decode()
    assert "aip-bjuv-1" in body and "beslut-7" not in body and MARK not in body
    body = client.get(LOG, {"actor": "user:bertil"}).content.decode()
    assert "beslut-7" in body and "aip-bjuv-1" not in body
    body = client.get(LOG, {"object_id": "aip-bjuv-1"}).content.decode()
    assert "1 post, senaste först" in body
    today = timezone.localdate().isoformat()
    body = client.get(LOG, {"since": today, "until": today}).content.decode()
    assert "3 poster" in body
    response = client.get(LOG, {"since": today, "until": "2000-01-01"})
    assert response.status_code == 400
    assert "Slutdatumet ligger före startdatumet." in response.content.decode()
    # the export links keep the filters
    body = client.get(LOG, {"action": "download"}).content.decode()
    assert f"{EXPORT}?action=download&amp;format=csv" in body


def test_csv_export_streams_own_entries_with_a_header(auditor, entries) -> None:
    response = client_for(auditor).get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    day = timezone.localdate().isoformat()
    assert f'filename="granskningslogg-{OWN}-{day}.csv"' in response["Content-Disposition"]
    text = _body(response)
    assert text.startswith("\ufeff")  # spreadsheet programs then read it as UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    header, data = rows[0], rows[1:]
    assert "seq" in header and "actor" in header and "action" in header
    assert MARK not in "".join(",".join(row) for row in data)
    tenant = header.index("tenant")
    own = [row for row in data if row[tenant] == OWN]
    assert len(own) >= 3 and all(row[tenant] == OWN for row in data)


def test_jsonl_export_respects_the_filters(auditor, entries) -> None:
    response = client_for(auditor).get(EXPORT, {"format": "jsonl", "action": "download"})
    assert response.status_code == 200
    assert "granskningslogg-bjuv-" in response["Content-Disposition"]
    lines = [json.loads(line) for line in _body(response).splitlines() if line.strip()]
    assert [line["object_id"] for line in lines] == ["aip-bjuv-1"]


def test_unknown_export_format_is_refused(auditor) -> None:
    assert client_for(auditor).get(EXPORT, {"format": "xlsx"}).status_code == 400


def test_chain_check_runs_on_demand(auditor, entries) -> None:
    client = client_for(auditor)
    assert "Kedjan är hel" not in client.get(LOG).content.decode()
    body = client.get(reverse("manage:audit_log_verify")).content.decode()
    assert "Kedjan är hel" in body

    AuditEntry.objects.filter(object_id="beslut-7").update(actor="user:någon-annan")
    body = client.get(reverse("manage:audit_log_verify")).content.decode()
    assert "Kedjan är bruten" in body
    assert "Innehållet har ändrats efter att posten skrevs." in body
    assert "content was changed after it was written" in body
