"""The scoring model against hand-computed expectations (docs/planning.md's scales)."""

from __future__ import annotations

from datetime import date

import pytest

from samarkiv.planning.scoring import Facts, Weights, score

TODAY = date(2027, 1, 1)


def _by_key(result) -> dict:
    return {f.key: f for f in result.factors}


def test_a_well_exportable_diarium_scores_as_computed_by_hand() -> None:
    facts = Facts(
        information_types=[
            {"name": "Diarieförda handlingar", "retention": "keep"},
            {"name": "Beslut", "retention": "keep"},
            {"name": "Loggar", "retention": "dispose"},
        ],
        end_of_support=date(2027, 6, 30),  # 5 months left -> 4
        contract_end=date(2028, 12, 31),
        fgs_export=True,  # +3
        shared_installations=3,  # +2
        domain="diarium",
        yearly_cost=260_000,  # >= 250 000 -> 4
        requests_per_year=55,  # >= 50 -> 3
    )
    result = score(facts, Weights(), today=TODAY)
    factors = _by_key(result)
    # Σ weights = 10, so contribution = value × weight × 20 / 10.
    assert [(f.key, f.value, f.weight, f.contribution) for f in result.factors] == [
        ("need", 3.3, 3, 19.8),
        ("risk", 4.0, 2, 16.0),
        ("ease", 5.0, 2, 20.0),
        ("saving", 4.0, 2, 16.0),
        ("demand", 3.0, 1, 6.0),
    ]
    assert result.total == pytest.approx(77.8)
    assert factors["need"].reason == "2 av 3 informationstyper bevaras"
    assert factors["risk"].reason == "5 månader kvar till 2027-06-30"
    assert "FGS/ERMS-export +3" in factors["ease"].reason
    assert "260 000 kr per år" in factors["saving"].reason


def test_a_ceased_secret_system_without_export() -> None:
    facts = Facts(activity_ceased=True, domain="social")
    result = score(facts, Weights(1, 1, 1, 1, 1), today=TODAY)
    factors = _by_key(result)
    assert factors["need"].value == 2.5  # no information types: the middle
    assert factors["risk"].value == 4.0  # ceased: at least 4
    assert factors["ease"].value == 0.0  # no export path, secret domain: clamped at 0
    assert factors["saving"].value == 0.0
    assert factors["demand"].value == 0.0
    # Σ weights = 5: contribution = value × 1 × 20 / 5 = 4 × value.
    assert result.total == pytest.approx(10.0 + 16.0)
    assert factors["risk"].reason.startswith("Verksamheten har upphört")


def test_ended_support_siard_school_and_the_weights_change_the_total() -> None:
    facts = Facts(
        information_types=[{"name": "Betyg", "retention": "keep"}],
        end_of_support=date(2026, 5, 1),  # already ended -> 5
        siard_able=True,  # +2
        vendor_export_module=True,  # ignored: SIARD is the better path
        shared_installations=2,  # +1
        domain="school",  # -1
        yearly_cost=49_999,  # < 50 000 -> 1
        requests_per_year=1000,  # -> 5
    )
    factors = _by_key(score(facts, Weights(), today=TODAY))
    assert [factors[k].value for k in ("need", "risk", "ease", "saving", "demand")] == [
        5.0,
        5.0,
        2.0,
        1.0,
        5.0,
    ]
    assert factors["risk"].reason == "Support eller avtal slutade 2026-05-01"
    only_saving = score(facts, Weights(0, 0, 0, 1, 0), today=TODAY)
    assert only_saving.total == pytest.approx(20.0)  # 1 × 1 × 20 / 1
    assert [f.contribution for f in only_saving.factors] == [0, 0, 0, 20.0, 0]


@pytest.mark.parametrize(
    ("months_left", "value"), [(-1, 5), (0, 5), (6, 4), (7, 3), (12, 3), (24, 2), (36, 1), (37, 0)]
)
def test_risk_scale_boundaries(months_left: int, value: float) -> None:
    year, month = divmod(TODAY.month - 1 + months_left, 12)
    end = date(TODAY.year + year, month + 1, 1)
    assert _by_key(score(Facts(contract_end=end), Weights(), today=TODAY))["risk"].value == value
