"""Effective secrecy and the projection, on hand-built catalogue rows.

Each case is worked out by hand: which markings apply (own, the case's, else the
series', class's or agreement's), the earliest release date, and what the public
projection then holds (published row, stub, or nothing at all).
"""

from __future__ import annotations

from datetime import date

import pytest

from samarkiv.access.publication.choices import HarmTest, MarkingTarget, Visibility
from samarkiv.access.publication.models import (
    PublicationRule,
    PublicStub,
    PublishedFile,
    PublishedRecord,
    RecordVisibility,
    SecrecyMarking,
)
from samarkiv.access.publication.refresh import refresh
from samarkiv.catalog.records.choices import RecordKind
from tests.publication.builders import (
    make_agreement,
    make_aip,
    make_description,
    make_file,
    make_nodes,
    make_record,
    make_series,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)
T = "bjuv"


def publish_all(tenant: str = T) -> None:
    PublicationRule.objects.create(tenant_id=tenant, name="Allt", publish=True)


def mark(target=MarkingTarget.RECORD, **fields) -> SecrecyMarking:
    fields.setdefault("ground", "26 kap. 1 § OSL")
    fields.setdefault("harm_test", HarmTest.REVERSE)
    return SecrecyMarking.objects.create(tenant_id=T, target=target, **fields)


def vis(record) -> RecordVisibility:
    return RecordVisibility.objects.get(pk=record.pk)


def test_own_marking_makes_the_record_secret_until_start_plus_years(pub_home):
    publish_all()
    aip = make_aip(T)
    case = make_record(
        aip, title="Socialakt", date_start=date(2000, 1, 1), date_end=date(2001, 5, 2)
    )
    other = make_record(aip, title="Öppet ärende", date_start=date(2000, 1, 1))
    mark(record_id=case.pk, max_years=70)  # no period start: the end date counts
    refresh(tenant=T, today=TODAY)
    assert vis(case).visibility == Visibility.SECRET
    assert vis(case).earliest_release == date(2071, 5, 2)
    assert vis(other).visibility == Visibility.PUBLISHED
    assert not PublishedRecord.objects.filter(pk=case.pk).exists()
    stub = PublicStub.objects.get(pk=case.pk)
    assert (stub.year_start, stub.year_end, stub.reason) == (2000, 2001, Visibility.SECRET)
    assert PublishedRecord.objects.filter(pk=other.pk).exists()


def test_period_start_wins_and_an_expired_marking_no_longer_hides(pub_home):
    publish_all()
    aip = make_aip(T)
    old = make_record(aip, title="Gammalt", date_start=date(1950, 1, 1))
    mark(record_id=old.pk, max_years=50, period_start=date(1960, 3, 1))  # ended 2010-03-01
    fresh = make_record(aip, title="Nytt", date_start=date(1950, 1, 1))
    mark(record_id=fresh.pk, max_years=50, period_start=date(1976, 6, 2))  # 2026-06-02
    refresh(tenant=T, today=TODAY)
    assert vis(old).visibility == Visibility.PUBLISHED
    assert vis(old).earliest_release is None  # nothing in force any more
    assert vis(fresh).visibility == Visibility.SECRET
    assert vis(fresh).earliest_release == date(2026, 6, 2)
    refresh(tenant=T, today=date(2026, 6, 2))  # the day it ends: published
    assert vis(fresh).visibility == Visibility.PUBLISHED


def test_absolute_or_unlimited_secrecy_has_no_release_date(pub_home):
    publish_all()
    aip = make_aip(T)
    a = make_record(aip, title="A", date_start=date(1900, 1, 1))
    b = make_record(aip, title="B", date_start=date(1900, 1, 1))
    mark(record_id=a.pk, harm_test=HarmTest.ABSOLUTE, max_years=5)
    mark(record_id=b.pk, max_years=None)
    refresh(tenant=T, today=TODAY)
    for record in (a, b):
        assert vis(record).visibility == Visibility.SECRET
        assert vis(record).earliest_release is None


def test_a_document_inherits_its_case_marking(pub_home):
    publish_all()
    aip = make_aip(T)
    case = make_record(aip, title="Ärende", date_end=date(2020, 1, 1))
    doc = make_record(aip, title="Handling", kind=RecordKind.DOCUMENT, parent=case)
    mark(record_id=case.pk, max_years=20)
    refresh(tenant=T, today=TODAY)
    assert vis(doc).visibility == Visibility.SECRET
    assert vis(doc).earliest_release == date(2040, 1, 1)


def test_series_class_and_agreement_markings_apply_only_without_own(pub_home):
    publish_all()
    series = make_series(T)
    nodes = make_nodes(T, "3", "3.4", "3.4.2")
    agreement = make_agreement(T, "bygg")
    in_series = make_aip(T)
    make_description(in_series, series=series)
    by_node = make_aip(T)
    make_description(by_node, node=nodes["3.4.2"])
    by_agreement = make_aip(T, agreement="bygg")
    by_code = make_aip(T)
    r1 = make_record(in_series, title="I serien")
    r2 = make_record(by_node, title="I klassen")
    r3 = make_record(by_agreement, title="Via avtalet")
    r4 = make_record(by_code, title="Via koden", classification_code="3.4.2")
    r5 = make_record(by_code, title="Annan klass", classification_code="5.1")
    overridden = make_record(in_series, title="Egen bedömning", date_end=date(1990, 1, 1))
    mark(MarkingTarget.SERIES, series=series)
    mark(MarkingTarget.CLASSIFICATION, classification_node=nodes["3.4"])  # a parent class
    mark(MarkingTarget.AGREEMENT, agreement=agreement)
    mark(record_id=overridden.pk, max_years=10)  # its own, expired in 2000
    refresh(tenant=T, today=TODAY)
    assert [vis(r).visibility for r in (r1, r2, r3, r4)] == [Visibility.SECRET] * 4
    assert vis(r5).visibility == Visibility.PUBLISHED
    assert vis(overridden).visibility == Visibility.PUBLISHED


def test_another_tenants_markings_never_apply(pub_home):
    publish_all()
    aip = make_aip(T)
    record = make_record(aip, title="Bjuvs ärende")
    SecrecyMarking.objects.create(tenant_id="ystad", target="record", record_id=record.pk)
    refresh(tenant=T, today=TODAY)
    assert vis(record).visibility == Visibility.PUBLISHED


def test_protected_identity_gives_no_published_row_and_no_stub(pub_home):
    publish_all()
    aip = make_aip(T)
    marked = make_record(aip, title="Skyddad A")
    party = make_record(
        aip, title="Skyddad B",
        parties=[{"name": "N N", "role": "Sökande", "protected_identity": True}],
    )  # fmt: skip
    mark(record_id=marked.pk, protected_identity=True, max_years=1, period_start=date(1900, 1, 1))
    refresh(tenant=T, today=TODAY)
    for record in (marked, party):
        assert vis(record).visibility == Visibility.PROTECTED
        assert not PublishedRecord.objects.filter(pk=record.pk).exists()
        assert not PublicStub.objects.filter(pk=record.pk).exists()


def test_package_restrictions_keep_a_record_secret(pub_home):
    publish_all()
    aip = make_aip(T)
    restricted = make_record(
        aip, title="Med restriktion",
        extra={"restrictions": [{"type": "secrecy", "regulation": "OSL 39:3", "explanation": ""}]},
    )  # fmt: skip
    refresh(tenant=T, today=TODAY)
    assert vis(restricted).visibility == Visibility.SECRET


def test_unpublished_without_a_rule_gets_a_stub(pub_home):
    aip = make_aip(T)
    record = make_record(aip, title="Ingen regel", date_start=date(1999, 1, 1))
    refresh(tenant=T, today=TODAY)
    assert vis(record).visibility == Visibility.UNPUBLISHED
    assert PublicStub.objects.get(pk=record.pk).reason == Visibility.UNPUBLISHED


def test_file_markings_hide_that_file_and_shared_files_of_secret_records(pub_home):
    publish_all()
    aip = make_aip(T)
    case = make_record(aip, title="Öppet ärende")
    open_file = make_file(case, "data/a.pdf", "öppen text alfa")
    make_file(case, "data/b.pdf", "hemlig text beta")
    mark(MarkingTarget.FILE, aip_id=aip.pk, file_path="data/b.pdf", record_id=case.pk)
    secret = make_record(aip, title="Hemligt", kind=RecordKind.DOCUMENT)
    shared = make_file(secret, "data/c.pdf", "delad text gamma")
    from samarkiv.catalog.records.models import RecordFile

    RecordFile.objects.create(record=case, aip_file=shared)
    mark(record_id=secret.pk)
    refresh(tenant=T, today=TODAY)
    published = PublishedRecord.objects.get(pk=case.pk)
    assert [f.path for f in PublishedFile.objects.filter(record=published)] == [open_file.path]
    assert "alfa" in published.body
    assert "beta" not in published.body and "gamma" not in published.body


def test_published_text_is_masked_and_refresh_is_idempotent(pub_home):
    publish_all()
    aip = make_aip(T)
    case = make_record(
        aip, title="Ärende om 19121212-1212", description="Sökande 191212121212",
        parties=[{"name": "Tolvan Tolvansson 19121212-1212", "personal_id": "19121212-1212"}],
    )  # fmt: skip
    make_file(case, "data/a.txt", "personnummer 121212-1212 i texten")
    first = refresh(tenant=T, today=TODAY)
    second = refresh(tenant=T, today=TODAY)
    assert first.counts == second.counts == {"published": 1}
    row = PublishedRecord.objects.get(pk=case.pk)
    everything = " ".join([row.title, row.description, row.names, row.body])
    assert "1212-1212" not in everything and "121212121212" not in everything
    assert row.title == "Ärende om 19121212-XXXX"
    assert "20121212-XXXX" in row.body
    assert PublishedRecord.objects.count() == 1 and PublishedFile.objects.count() == 1
