"""The hash chain: it survives the database round trip, and every tampering shows.

The tampering is done the way a person with database access would do it: raw SQL on
the table, behind Django's back. Every test commits (``transaction=True``) so the head
file is written, in a private home (conftest.py). All of these run again on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from samarkiv.auditlog.chain import (
    GENESIS,
    Head,
    clean_json,
    entry_digest,
    read_head,
    verify,
)
from samarkiv.auditlog.chain import append as chain_append
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.models import AuditEntry

pytestmark = [pytest.mark.db, pytest.mark.django_db(transaction=True)]

TABLE = AuditEntry._meta.db_table
CONTENT = (
    "at",
    "actor",
    "tenant",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "detail",
    "prev_hash",
    "entry_hash",
)
AWKWARD_DETAIL = {
    "zebra": 1,
    "alfa": {"ö": "Åsa Öberg", "a": [3, 2, 1]},
    "big": 2**62,
    "float": 0.1,
    "huge_float": 1e20,
    "minus_zero": -0.0,
    "nan": float("nan"),
    "nul": "a\x00b",
    "not_utf8": "fil\udce9.txt",
    "when": datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC),
    "tuple": (1, "två"),
}


def append(**kwargs) -> AuditEntry:
    defaults = {"actor": "user:anna", "action": AuditAction.VIEW, "tenant": "bjuv"}
    return chain_append(**{**defaults, **kwargs})


def make_chain(count: int = 6) -> list[AuditEntry]:
    rows = []
    for number in range(1, count + 1):
        rows.append(
            append(
                actor=f"user:användare-{number}",
                object_type="preservation.aip",
                object_id=f"urn:uuid:{number:08d}",
                detail={"number": number, **(AWKWARD_DETAIL if number % 2 else {})},
            )
        )
    return rows


def run_sql(statement: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def json_placeholder() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def problems(result) -> list[tuple[int, str]]:
    return [(p.seq, p.code) for p in result.problems]


# --------------------------------------------------------------------------- round trip


def test_an_untouched_chain_verifies_with_awkward_content(home):
    rows = make_chain()
    result = verify()
    assert result.ok, result.problems
    assert (result.entries, result.last_seq) == (6, 6)
    assert result.last_hash == rows[-1].entry_hash
    assert read_head() == Head(6, rows[-1].entry_hash)


def test_the_detail_is_stored_as_it_was_hashed(home):
    row = append(detail=AWKWARD_DETAIL)
    stored = AuditEntry.objects.get(seq=row.seq)
    assert stored.detail == clean_json(AWKWARD_DETAIL)
    assert stored.detail["huge_float"] == 10**20 and stored.detail["nan"] == "nan"
    assert stored.detail["nul"] == "a\\x00b" and stored.detail["not_utf8"] == "fil\\udce9.txt"
    assert stored.detail["alfa"]["ö"] == "Åsa Öberg"
    assert stored.at == row.at and stored.at.microsecond == row.at.microsecond


def test_the_first_entry_follows_genesis_and_each_the_one_before(home):
    rows = make_chain(3)
    assert rows[0].prev_hash == GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.entry_hash for r in rows[:-1]]


def test_an_entry_rolled_back_with_its_transaction_leaves_no_gap(home):
    append()
    with pytest.raises(RuntimeError), transaction.atomic():
        append(action=AuditAction.DECISION)
        raise RuntimeError("the decision failed")
    append()
    result = verify()
    assert result.ok, result.problems
    assert list(AuditEntry.objects.values_list("seq", "action")) == [
        (1, AuditAction.VIEW),
        (2, AuditAction.VIEW),
    ]


def test_entries_inside_a_callers_transaction_commit_with_it(home):
    with transaction.atomic():
        append()
        append(outcome=AuditOutcome.DENIED)
        assert read_head() is None  # not committed yet: the head must not name it
    assert verify().ok
    assert read_head().seq == 2


# --------------------------------------------------------------------------- concurrency


def test_appends_from_many_threads_make_one_unbroken_chain(home):
    threads, each = 8, 15

    def work(number: int) -> None:
        try:
            for i in range(each):
                append(actor=f"thread:{number}", detail={"i": i, "namn": "Malmö"})
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))
    result = verify()
    assert result.ok, result.problems
    assert result.entries == threads * each
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(
        range(1, threads * each + 1)
    )
    assert read_head() == Head(result.last_seq, result.last_hash)


APPENDER = """
import os, sys, django
django.setup()
from samarkiv.auditlog.chain import append
from samarkiv.auditlog.choices import AuditAction
for i in range(int(sys.argv[1])):
    append(actor=f"process:{os.getpid()}", action=AuditAction.VIEW, tenant="lund",
           detail={"i": i, "text": "Ängelholm"})
"""


def test_appends_from_several_processes_make_one_unbroken_chain(home, settings):
    """On PostgreSQL the processes share the test database; on SQLite the test database
    lives in memory, so there test_cli.py runs processes against a file database."""
    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database cannot be shared; see test_cli.py")
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="samarkiv.settings",
        SAMARKIV_HOME=str(home),
        SAMARKIV_DATABASE_URL=(f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"),
    )
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, "20"], env=env) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    result = verify()
    assert result.ok, result.problems
    assert result.entries == 80


# --------------------------------------------------------------------------- tampering


def test_an_edited_column_of_a_middle_entry_is_reported_at_that_entry(home):
    make_chain()
    run_sql(f"UPDATE {TABLE} SET actor = %s WHERE seq = %s", ["user:mallory", 3])
    result = verify()
    assert problems(result) == [(3, "altered")]


def test_an_edited_outcome_is_reported(home):
    make_chain()
    run_sql(f"UPDATE {TABLE} SET outcome = %s WHERE seq = %s", [AuditOutcome.SUCCESS, 4])
    run_sql(f"UPDATE {TABLE} SET object_id = %s WHERE seq = %s", ["urn:uuid:x", 5])
    assert problems(verify()) == [(5, "altered")]  # 4 was already a success: no change


def test_an_edited_time_is_reported(home):
    make_chain()
    row = AuditEntry.objects.get(seq=2)
    AuditEntry.objects.filter(seq=2).update(at=row.at.replace(year=2020))
    assert problems(verify()) == [(2, "altered")]


def test_edited_detail_json_is_reported(home):
    make_chain()
    run_sql(
        f"UPDATE {TABLE} SET detail = {json_placeholder()} WHERE seq = %s",
        ['{"number": 3, "note": "nothing happened"}', 3],
    )
    assert problems(verify()) == [(3, "altered")]


def test_a_deleted_middle_entry_is_reported(home):
    make_chain()
    run_sql(f"DELETE FROM {TABLE} WHERE seq = %s", [3])
    result = verify()
    assert (4, "gap") in problems(result) and (4, "broken_link") in problems(result)
    assert {seq for seq, _ in problems(result)} == {4}
    assert "entries 3..3 are missing" in result.problems[0].problem


def test_two_swapped_entries_are_reported(home):
    make_chain()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(CONTENT)} FROM {TABLE} WHERE seq IN (2, 4) ORDER BY seq")
        second, fourth = cursor.fetchall()
    run_sql(f"UPDATE {TABLE} SET entry_hash = %s WHERE seq = 2", ["x" * 64])  # unique
    assignments = ", ".join(
        f"{column} = {json_placeholder() if column == 'detail' else '%s'}" for column in CONTENT
    )
    for seq, values in ((4, second), (2, fourth)):
        values = [json.dumps(v) if isinstance(v, dict) else v for v in values]
        run_sql(f"UPDATE {TABLE} SET {assignments} WHERE seq = %s", [*values, seq])
    assert AuditEntry.objects.get(seq=2).object_id == "urn:uuid:00000004"
    found = problems(verify())
    assert (2, "altered") in found and (4, "altered") in found
    assert {seq for seq, _ in found} == {2, 3, 4, 5}


def test_deleted_newest_entries_are_reported_through_the_head_file(home):
    make_chain()
    run_sql(f"DELETE FROM {TABLE} WHERE seq > %s", [4])
    result = verify()
    assert problems(result) == [(6, "truncated")]
    assert "entries 5..6 were removed" in result.problems[0].problem


def test_deleting_every_entry_is_reported_through_the_head_file(home):
    make_chain(2)
    run_sql(f"DELETE FROM {TABLE}")
    assert problems(verify()) == [(2, "truncated")]


def test_a_chain_rewritten_with_fresh_hashes_is_caught_by_the_head_file(home):
    """Whoever recomputes every hash after an edit still changes the newest hash."""
    make_chain()
    AuditEntry.objects.filter(seq=3).update(actor="user:mallory")
    prev = AuditEntry.objects.get(seq=2).entry_hash
    for row in AuditEntry.objects.filter(seq__gte=3).order_by("seq"):
        digest = entry_digest(
            seq=row.seq,
            at=row.at,
            actor=row.actor,
            tenant=row.tenant,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            outcome=row.outcome,
            detail=row.detail,
            prev_hash=prev,
        )
        run_sql(
            f"UPDATE {TABLE} SET prev_hash = %s, entry_hash = %s WHERE seq = %s",
            [prev, digest, row.seq],
        )
        prev = digest
    assert problems(verify()) == [(6, "head_mismatch")]


def test_a_missing_head_file_is_reported(home):
    make_chain(2)
    (home / "audit-log.head").unlink()
    assert problems(verify()) == [(2, "head_missing")]


def test_a_stale_head_is_not_a_problem_but_still_anchors_its_entry(home):
    """A crash between a commit and the head write leaves the head one entry behind."""
    rows = make_chain(3)
    (home / "audit-log.head").write_text(f"2 {rows[1].entry_hash}\n", encoding="ascii")
    assert verify().ok
    (home / "audit-log.head").write_text(f"2 {'f' * 64}\n", encoding="ascii")
    assert problems(verify()) == [(2, "head_mismatch")]
