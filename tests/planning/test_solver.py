"""The plan's constraints, on plain inputs to the CP-SAT model (no database)."""

from __future__ import annotations

import random

import pytest

from samarkiv.planning.solver import ItemInput, PlanConfig, PlanInfeasibleError, solve


def _items(spec: list[tuple[str, float, int]], **extra) -> list[ItemInput]:
    return [
        ItemInput(key=n, tenant=t, label=f"system {n} ({t})", score=s, effort=e)
        for n, (t, s, e) in enumerate(spec)
    ]


def _quarter(result, key) -> int:
    """The item's quarter, 99 for "after the horizon"."""
    found = result.placements[key].quarter
    return 99 if found is None else found


def _codes(result, key) -> list[str]:
    return [r["code"] for r in result.placements[key].reasons]


def test_every_municipality_gets_an_early_delivery_even_with_low_scores() -> None:
    # A's systems all outscore C's; one system fits per quarter.
    items = _items([("A", 90 - i, 100) for i in range(6)] + [("C", 5, 100), ("C", 4, 100)])
    result = solve(items, PlanConfig(quarters=8, capacity=100, early_quarters=2))
    early = {i.tenant for i in items if _quarter(result, i.key) < 2}
    assert early == {"A", "C"}
    c_early = next(i.key for i in items if i.tenant == "C" and _quarter(result, i.key) < 2)
    assert "early_delivery" in _codes(result, c_early)
    # Without the constraint C would come after every A system (the objective prefers A).
    free = solve(items, PlanConfig(quarters=8, capacity=100, early_quarters=8))
    assert min(_quarter(free, k) for k in (6, 7)) >= 6


def test_pilots_come_first_whatever_their_score() -> None:
    items = _items([("A", 80, 100), ("A", 70, 100), ("B", 1, 100)])
    items[2].pilot = True
    result = solve(items, PlanConfig(quarters=4, capacity=100, early_quarters=4))
    assert result.placements[2].quarter == 0
    assert "pilot" in _codes(result, 2)
    assert result.placements[0].quarter == 1  # the best non-pilot waits for the pilot
    assert "capacity" in _codes(result, 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_capacity_is_never_exceeded_and_every_rule_holds(seed: int) -> None:
    rng = random.Random(seed)
    items = [
        ItemInput(
            key=n,
            tenant=f"k{n % 5}",
            label=f"s{n}",
            score=rng.uniform(0, 100),
            effort=rng.choice((40, 80, 160, 240)),
            pilot=n in (0, 1),
            earliest=0 if n < 5 else rng.choice((0, 1, 3)),
        )
        for n in range(60)
    ]
    items[10].pinned, items[10].earliest = 2, 0
    cfg = PlanConfig(quarters=6, capacity=800, early_quarters=2, pilot_quarters=1)
    result = solve(items, cfg)
    load = [0] * cfg.quarters
    for item in items:
        placed = result.placements[item.key]
        assert placed.reasons and placed.reasons[-1]["code"] == "score_rank"
        if placed.quarter is not None:
            load[placed.quarter] += item.effort
            assert placed.quarter >= item.earliest
        else:
            assert "beyond_horizon" in _codes(result, item.key)
    assert max(load) <= cfg.capacity
    assert load == result.load
    assert result.placements[10].quarter == 2 and "pinned" in _codes(result, 10)
    assert all(result.placements[k].quarter == 0 for k in (0, 1))
    for tenant in {i.tenant for i in items}:
        assert any(
            _quarter(result, i.key) < cfg.early_quarters for i in items if i.tenant == tenant
        )


def test_prerequisites_hold_back_even_the_best_system() -> None:
    items = _items([("A", 99, 100), ("A", 10, 100)])
    items[0].earliest = 3
    result = solve(items, PlanConfig(quarters=6, capacity=1000, early_quarters=4))
    assert result.placements[0].quarter == 3
    assert "prerequisite" in _codes(result, 0)
    assert result.placements[1].quarter == 0


def test_a_system_bigger_than_a_quarter_is_left_after_the_horizon() -> None:
    items = _items([("A", 50, 100), ("A", 99, 5000)])
    result = solve(items, PlanConfig(quarters=4, capacity=500))
    assert result.placements[1].quarter is None
    assert "beyond_horizon" in _codes(result, 1)


def test_infeasible_early_delivery_names_the_municipality() -> None:
    items = _items([("A", 50, 100), ("Bjuv", 50, 100)])
    items[1].earliest = 5
    with pytest.raises(PlanInfeasibleError) as caught:
        solve(items, PlanConfig(quarters=8, capacity=500, early_quarters=2))
    assert caught.value.constraint == "early_delivery"
    assert "Bjuv" in caught.value.message


def test_infeasible_pilots_over_capacity_name_the_conflict() -> None:
    """Each pilot fits a quarter, together they do not: the solver's conflict is named."""
    items = _items([("A", 50, 300), ("B", 40, 300)])
    for item in items:
        item.pilot = True
    with pytest.raises(PlanInfeasibleError) as caught:
        solve(items, PlanConfig(quarters=4, capacity=500, pilot_quarters=1, early_quarters=2))
    assert set(caught.value.constraint.split(",")) & {"capacity", "pilot"}
    assert "kapaciteten i kvartal 1" in caught.value.message


def test_a_pin_outside_the_horizon_is_refused() -> None:
    items = _items([("A", 50, 100)])
    items[0].pinned = 9
    with pytest.raises(PlanInfeasibleError) as caught:
        solve(items, PlanConfig(quarters=4, capacity=500))
    assert caught.value.constraint == "pin"
