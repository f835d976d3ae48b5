"""catalog.records.queries: the scope decides, and fixity is read per file."""

from __future__ import annotations

import pytest

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope, operator_scope
from samarkiv.catalog.records import queries
from samarkiv.catalog.records.queries import FixityStatus
from samarkiv.errors import NotFoundError
from samarkiv.preservation.choices import FindingKind, FindingState
from samarkiv.preservation.models import AuditFinding, AuditRun
from tests.search_ui.conftest import make_case

pytestmark = pytest.mark.django_db


def _scope(tenant: str, *permissions: Permission) -> Scope:
    return Scope(actor="user:test", tenant=tenant, permissions=frozenset(permissions))


READER = (Permission.VIEW_DELIVERIES, Permission.VIEW_CONTENT)


def test_get_record_needs_content_access_in_the_records_tenant() -> None:
    case = make_case("lund")
    assert queries.get_record(_scope("lund", *READER), case.case.pk) == case.case
    with pytest.raises(NotFoundError):
        queries.get_record(_scope("bjuv", *READER), case.case.pk)
    with pytest.raises(NotFoundError):  # lists only: no record content
        queries.get_record(_scope("lund", Permission.VIEW_DELIVERIES), case.case.pk)
    assert queries.get_record(operator_scope(), case.case.pk) == case.case


def test_children_and_parent_follow_the_scope() -> None:
    case = make_case("lund")
    lund = _scope("lund", *READER)
    children = list(queries.record_children(lund, case.case))
    assert [c.title for c in children] == ["Ritning", "Beslut"]
    assert queries.record_parent(lund, children[0]) == case.case
    assert queries.record_parent(lund, case.case) is None
    bjuv = _scope("bjuv", *READER)
    assert list(queries.record_children(bjuv, case.case)) == []
    assert queries.record_parent(bjuv, children[0]) is None
    assert queries.record_files(bjuv, children[0]) == []


def test_record_files_carry_format_checksum_and_fixity() -> None:
    case = make_case("lund")
    lund = _scope("lund", *READER)
    [info] = queries.record_files(lund, case.documents[0])
    assert info.name == "Ritning.pdf"
    file = info.file
    assert (file.puid, file.format_version, file.sha256) == ("fmt/95", "1b", "1" * 64)
    assert info.status == FixityStatus.WRITTEN
    assert info.copies == 1 and info.verified_at is not None
    assert queries.record_files(lund, case.case) == []  # the case itself has no file


def test_findings_count_only_for_the_files_they_name() -> None:
    case = make_case("lund")
    lund = _scope("lund", *READER)
    run = AuditRun.objects.create(location="primary")
    ritning, beslut = case.files
    AuditFinding.objects.create(  # the whole object: names no single file
        run=run,
        aip=case.aip,
        location="offsite",
        kind=FindingKind.MISSING,
        state=FindingState.REPAIRED,
    )
    AuditFinding.objects.create(  # one content file carrying two logical paths
        run=run,
        aip=case.aip,
        location="primary",
        kind=FindingKind.CORRUPT,
        state=FindingState.REPAIRED,
        logical_path=f"f/x.txt, f/{beslut.path}",
    )
    files = queries.files_of(lund, case.documents)
    assert files[case.documents[0].pk][0].status == FixityStatus.WRITTEN
    assert files[case.documents[1].pk][0].status == FixityStatus.REPAIRED
    AuditFinding.objects.create(
        run=run,
        aip=case.aip,
        location="primary",
        kind=FindingKind.SIZE,
        state=FindingState.OPEN,
        logical_path=f"f/{ritning.path}",
    )
    assert queries.record_files(lund, case.documents[0])[0].status == FixityStatus.PROBLEM
