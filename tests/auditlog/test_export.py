"""Exports: checkable JSON Lines, spreadsheet-safe CSV, and every export on the record."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model

from samarkiv.accounts.models import Membership
from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import operator_scope, user_scope
from samarkiv.auditlog.chain import append
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.export import COLUMNS, check_jsonl, export_rows
from samarkiv.auditlog.models import AuditEntry
from samarkiv.errors import AccessDeniedError, UsageError

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def person(name: str, tenant: str, role: Role):
    user = get_user_model().objects.create_user(name, f"{name}@example.se")
    Membership.objects.create(user=user, tenant_id=tenant, role=role)
    return user_scope(user, tenant)


@pytest.fixture
def log() -> list[AuditEntry]:
    return [
        append(actor="user:åsa", action=AuditAction.LOGIN, tenant="bjuv"),
        append(actor="user:ystad", action=AuditAction.VIEW, tenant="ystad"),
        append(
            actor='=HYPERLINK("http://evil")',
            action=AuditAction.VIEW,
            tenant="bjuv",
            object_id="-2+3",
            detail={"fil": "protokoll-ö.pdf", "n": 3},
        ),
        append(actor="@SUM(A1)", action=AuditAction.DOWNLOAD, tenant="bjuv", object_id="+1"),
    ]


def test_jsonl_carries_every_hashed_column_and_checks_out(log):
    lines = list(export_rows(operator_scope("bjuv"), "jsonl"))
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == [log[0].seq, log[2].seq, log[3].seq]
    assert set(records[0]) == set(COLUMNS)
    assert records[1]["detail"] == {"fil": "protokoll-ö.pdf", "n": 3}
    assert records[0]["entry_hash"] == log[0].entry_hash
    assert records[0]["prev_hash"] == log[0].prev_hash
    assert check_jsonl(lines) == []


def test_an_edited_jsonl_export_fails_its_check(log):
    lines = list(export_rows(operator_scope("bjuv"), "jsonl"))
    record = json.loads(lines[1])
    record["actor"] = "user:someone-else"
    lines[1] = json.dumps(record, ensure_ascii=False)
    assert check_jsonl(lines) == [(record["seq"], "content does not match its hash")]


def test_a_whole_chain_export_also_checks_the_links(log):
    lines = list(export_rows(operator_scope(), "jsonl"))
    assert len(lines) == 4 and check_jsonl(lines) == []
    first = json.loads(lines[1])
    first["prev_hash"] = "0" * 64  # a row lifted out of another chain
    lines[1] = json.dumps(first)
    assert (first["seq"], "does not follow the entry before it") in check_jsonl(lines)


def test_csv_has_a_header_utf8_and_no_formulas(log):
    text = "".join(export_rows(operator_scope("bjuv"), "csv"))
    assert text.startswith("\ufeffseq,at,actor")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [int(r["seq"]) for r in rows] == [log[0].seq, log[2].seq, log[3].seq]
    assert rows[0]["actor"] == "user:åsa"
    assert rows[1]["actor"] == '\'=HYPERLINK("http://evil")'
    assert rows[1]["object_id"] == "'-2+3"
    assert rows[2]["actor"] == "'@SUM(A1)" and rows[2]["object_id"] == "'+1"
    assert json.loads(rows[1]["detail"]) == {"fil": "protokoll-ö.pdf", "n": 3}
    assert rows[1]["entry_hash"] == log[2].entry_hash
    assert text.encode("utf-8").decode("utf-8") == text


def test_an_export_is_recorded_and_not_part_of_itself(log):
    scope = person("granskare", "bjuv", Role.AUDITOR)
    lines = list(export_rows(scope, "jsonl", action=AuditAction.VIEW))
    assert [json.loads(line)["seq"] for line in lines] == [log[2].seq]
    recorded = AuditEntry.objects.order_by("-seq").first()
    assert (recorded.action, recorded.actor, recorded.tenant) == (
        AuditAction.EXPORT,
        "user:granskare",
        "bjuv",
    )
    assert recorded.detail == {"format": "jsonl", "filters": {"action": "view"}}
    again = [json.loads(line)["seq"] for line in export_rows(scope, "jsonl")]
    assert recorded.seq in again  # the first export shows up in the next one


def test_the_permission_is_checked_when_the_export_is_asked_for(log):
    before = AuditEntry.objects.count()
    with pytest.raises(AccessDeniedError):
        export_rows(person("registrator", "bjuv", Role.REGISTRAR), "csv")
    assert AuditEntry.objects.count() == before


def test_an_unknown_format_is_a_usage_error(log):
    with pytest.raises(UsageError):
        export_rows(operator_scope("bjuv"), "xlsx")
