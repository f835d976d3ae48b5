"""`samarkiv publish` at the shell, the demo, and the worker's daily pass."""

from __future__ import annotations

import json
from datetime import date

import pytest

from samarkiv.access.publication import public
from samarkiv.access.publication.daily import last_full_refresh, refresh_if_due
from samarkiv.access.publication.models import PublicationRule, SecrecyMarking
from samarkiv.cli import main
from tests.publication.builders import make_aip, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_migrate(monkeypatch) -> None:
    """The test database is migrated already; the command would migrate first."""
    from samarkiv.web import commands

    monkeypatch.setattr(commands, "migrate", lambda: 0)


@pytest.fixture
def rows(pub_home):
    PublicationRule.objects.create(tenant_id="bjuv", name="Allt", publish=True)
    aip = make_aip("bjuv")
    open_one = make_record(aip, title="Öppen handling", date_end=date(2000, 1, 1))
    secret = make_record(aip, title="Sekretessbelagd", date_end=date(2000, 1, 1))
    SecrecyMarking.objects.create(tenant_id="bjuv", target="record", record_id=secret.pk)
    make_record(make_aip("ystad"), title="Ystads utan regel")
    return open_one, secret


def test_publish_prints_counts_per_visibility(rows, capsys):
    assert main(["publish", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["visibility"] == {"published": 1, "unpublished": 1, "secret": 1, "protected": 0}
    assert out["records"] == 3 and out["indexed"] == 1
    assert main(["publish", "--tenant", "bjuv"]) == 0
    text = capsys.readouterr().out
    assert "published: 1" in text and "secret: 1" in text and "records: 2" in text
    assert public.public_search("handling").total == 1


def test_publish_in_an_unknown_tenant_is_a_usage_error(rows, capsys):
    assert main(["publish", "--tenant", "atlantis"]) == 2
    assert "atlantis" in capsys.readouterr().err


def test_rebuild_index_restores_a_lost_public_index(rows, capsys):
    assert main(["publish"]) == 0
    from samarkiv.access.publication.public_index import public_index

    idx = public_index()
    idx.writer().delete_all_documents()
    idx.commit()
    assert public.public_search("").total == 0
    assert main(["publish", "--rebuild-index", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["indexed"] == 1
    assert public.public_search("").total == 1


def test_the_daily_pass_runs_once_a_day_and_ends_secrecy_on_time(rows):
    _open, secret = rows
    marking = SecrecyMarking.objects.get()
    marking.max_years, marking.period_start = 10, date(2016, 6, 2)  # ends 2026-06-02
    marking.save()
    assert refresh_if_due(date(2026, 6, 1)).counts["secret"] == 1
    assert last_full_refresh() == date(2026, 6, 1)
    assert refresh_if_due(date(2026, 6, 1)) is None  # once a day
    assert public.public_search("Sekretessbelagd").total == 0
    summary = refresh_if_due(date(2026, 6, 2))
    assert summary.counts.get("secret", 0) == 0
    assert public.public_search("Sekretessbelagd").total == 1


def test_the_demo_publishes_some_and_hides_some(pub_home):
    from samarkiv.access.publication.demo import load_demo

    assert load_demo() == 0  # no demo records in this database: rules only, no error
    assert PublicationRule.objects.filter(tenant_id="horby").count() == 2
    assert load_demo() == 0
    assert PublicationRule.objects.count() == 5  # idempotent
