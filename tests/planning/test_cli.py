"""`samarkiv plan` and `samarkiv inventory import|export` as the operator sees them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samarkiv.auditlog.models import AuditEntry
from samarkiv.cli import main
from samarkiv.planning import commands, service
from samarkiv.planning.models import Installation, PlanItem
from tests.planning.conftest import make_installation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_migrate(monkeypatch) -> None:
    """The test database is migrated already; the commands would migrate first."""
    monkeypatch.setattr(commands, "_setup_django", lambda: None)


@pytest.fixture
def systems():
    make_installation("bjuv", "Public 360", pilot=True, effort_hours=50)
    make_installation("ystad", "Public 360", requests_per_year=500)
    make_installation("lund", "Raindance", effort_hours=700, domain="finance")


def test_plan_json_gives_every_item_its_quarter_score_and_factors(systems, capsys) -> None:
    assert main(["plan", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3
    first = next(row for row in rows if row["pilot"])
    assert first["system"] == "Public 360" and first["municipality"] == "Bjuvs kommun"
    assert first["quarter_index"] == 0 and first["pilot"]
    assert [f["key"] for f in first["factors"]] == ["need", "risk", "ease", "saving", "demand"]
    assert sum(f["contribution"] for f in first["factors"]) == pytest.approx(first["score"], 0.01)
    assert any("Pilot" in reason for reason in first["reasons"])
    assert PlanItem.objects.count() == 3  # stored, as the dashboard's re-plan


def test_plan_with_other_quarters_prints_but_does_not_store(systems, capsys) -> None:
    settings = service.plan_settings()
    settings.capacity_hours = 600
    settings.save()
    assert main(["plan", "--quarters", "2"]) == 1  # Lund's only system never fits early
    assert "Tidig leverans: Lunds kommun" in capsys.readouterr().err
    make_installation("lund", "Public 360")
    assert main(["plan", "--quarters", "2"]) == 0
    out = capsys.readouterr().out
    assert "Raindance" in out and "Senare" in out  # 700 h never fits a 600 h quarter
    assert "Arkivbehov:" in out
    assert PlanItem.objects.count() == 0


def test_plan_names_the_constraint_when_infeasible(systems, capsys) -> None:
    installation = Installation.objects.get(tenant_id="bjuv")
    installation.registry_care_done = False
    installation.save()  # a pilot that may not start before its prerequisites
    assert main(["plan"]) == 1
    assert "Piloten Public 360 (Bjuvs kommun)" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import(systems, tmp_path: Path, capsys, suffix: str) -> None:
    target = tmp_path / f"inventering{suffix}"
    assert main(["inventory", "export", str(target)]) == 0
    assert "exported 3 rows" in capsys.readouterr().out
    Installation.objects.all().delete()
    assert main(["inventory", "import", str(target)]) == 0
    assert Installation.objects.count() == 3
    actions = AuditEntry.objects.filter(object_type="planning.inventory").values_list(
        "action", flat=True
    )
    assert list(actions) == ["export", "config_change"]


def test_import_errors_go_to_stderr_with_exit_1(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "fel.csv"
    bad.write_text("kommun;system;benämning;verksamhetsområde;insats_timmar\nxx;A;B;diarium;-1\n")
    assert main(["inventory", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Rad 2, kolumn kommun: okänd kommun: xx" in err
    assert "Rad 2, kolumn insats_timmar: får inte vara negativt: -1" in err
    assert main(["inventory", "import", str(tmp_path / "saknas.csv")]) == 2
