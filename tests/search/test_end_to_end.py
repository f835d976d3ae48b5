"""A real delivery, end to end: ingest, the worker's indexing pass with the records
domain's extraction (EAD + PDF/DOCX/ODT text), then staff search for it."""

from __future__ import annotations

import pytest

from samarkiv.access.search.choices import IndexState
from samarkiv.access.search.models import IndexTask
from samarkiv.access.search.service import search
from samarkiv.ingest.demo_sips import SPECS, build_delivery
from samarkiv.ingest.pipeline import IngestRequest, ingest
from tests.search.conftest import scope

pytestmark = pytest.mark.django_db


def test_a_delivered_diary_is_found_by_registration_number_and_words(
    home,  # noqa: F811
    engine,
    tmp_path,
) -> None:
    from samarkiv.preservation.worker import _run_indexing

    spec = next(s for s in SPECS if s.kind == "diarium")  # EAD with file-level units
    delivery = build_delivery(tmp_path / "src", spec)
    receipt = ingest(IngestRequest(source=delivery.path, tenant=spec.tenant))
    assert receipt.state == "done", receipt.message
    assert search(scope(spec.tenant), "parkbänkar").total == 0  # queued, not yet indexed

    _run_indexing()
    task = IndexTask.objects.get(aip_id=receipt.aip_id)
    assert (task.state, task.last_error) == (IndexState.DONE, "")
    assert task.records > 5

    staff = scope(spec.tenant)
    number = f"{spec.code} {spec.year}/87"
    exact = search(staff, f'"{number}"')
    assert exact.total >= 1 and exact.hits[0].registration_number == number
    assert exact.hits[0].aip_id == receipt.aip_id
    # "Medborgarförslag om fler parkbänkar i Stadsparken", another inflection
    assert number in {h.registration_number for h in search(staff, "parkbänken").hits}
    assert search(scope("bjuv"), f'"{number}"').total == 0  # another tenant
