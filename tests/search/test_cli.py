"""`samarkiv search` and `samarkiv index` as the operator at the shell sees them."""

from __future__ import annotations

import json

import pytest

from samarkiv.access import commands
from samarkiv.access.search import queue
from samarkiv.access.search.models import IndexTask
from samarkiv.auditlog.models import AuditEntry
from samarkiv.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_migrate(monkeypatch) -> None:
    """The test database is migrated already; the commands would migrate first."""
    monkeypatch.setattr(commands, "_setup_django", lambda: None)


def test_search_prints_hits_of_every_tenant(records, capsys) -> None:
    assert main(["search", "äldreomsorgen"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 hit(s)"
    assert {line.split()[1] for line in lines[1:]} == {"bjuv", "klippan"}
    assert any(
        str(records["klippan"].pk) in line and "Äldreomsorgen i Klippan" in line for line in lines
    )
    entry = AuditEntry.objects.filter(object_type="search").latest("pk")
    assert entry.actor.startswith("cli:") and entry.detail["query"] == "äldreomsorgen"


def test_search_json_lines_for_one_tenant_with_a_limit(records, capsys) -> None:
    assert main(["search", "bygglov", "--tenant", "bjuv", "--json", "--limit", "1"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    hit = json.loads(line)
    assert hit["record_id"] == str(records["permit"].pk)
    assert (hit["tenant"], hit["registration_number"], hit["date_start"]) == (
        "bjuv",
        "BN 2023/145",
        "2023-05-10",
    )
    assert isinstance(hit["score"], float) and hit["highlights"] is not None


def test_search_in_an_unknown_tenant_is_a_usage_error(records, capsys) -> None:
    assert main(["search", "bygglov", "--tenant", "atlantis"]) == 2
    assert "atlantis" in capsys.readouterr().err


def test_index_indexes_the_queue_and_exits_0(catalogue, capsys) -> None:
    aip = catalogue.aip("bjuv")
    catalogue.record(aip, title="Taxa för bygglov")
    queue.enqueue_aip(aip.pk)
    assert main(["index"]) == 0
    assert capsys.readouterr().out.splitlines() == ["indexed 1 AIP(s), 1 record(s)"]
    assert IndexTask.objects.get(aip=aip).state == "done"
    assert main(["search", "taxa", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_index_prints_failures_and_exits_1(catalogue, monkeypatch, capsys) -> None:
    good, bad = catalogue.aip("bjuv"), catalogue.aip("klippan")
    catalogue.record(good, title="Taxa")

    def extract(aip) -> None:
        if aip.pk == bad.pk:
            raise ValueError("no descriptive metadata")

    monkeypatch.setattr(queue, "_extract_records", extract)
    queue.enqueue_all()
    assert main(["index"]) == 1
    captured = capsys.readouterr()
    assert "indexed 1 AIP(s), 1 record(s)" in captured.out
    (problem,) = [line for line in captured.out.splitlines() if bad.pk in line]
    assert "PENDING" in problem and "(klippan)" in problem and "1 attempt(s)" in problem
    assert "ValueError: no descriptive metadata" in problem
    assert "1 AIP(s) could not be indexed" in captured.err
    # run again: still not indexed, still reported, still 1
    assert main(["index"]) == 1
    assert "2 attempt(s)" in capsys.readouterr().out


def test_index_rebuild(records, capsys) -> None:
    assert main(["index", "--rebuild"]) == 0
    assert capsys.readouterr().out.strip() == "indexed 3 AIP(s), 5 record(s)"
    assert main(["search", "", "--json", "--limit", "50"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5


def test_a_postgresql_backend_on_sqlite_is_a_usage_error(settings, capsys) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("this catalogue is on PostgreSQL: the backend is valid here")
    settings.SAMARKIV_SEARCH_BACKEND = "postgresql"
    assert main(["index"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
    assert main(["search", "bygglov"]) == 2
