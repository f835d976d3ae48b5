"""The plan proposal: (system × municipality) connections into quarters, by CP-SAT.

Why a constraint solver and not a sorted list: the rules pull against each other
(capacity per quarter, pilots first, every municipality early, prerequisites, pins made
by people), and a greedy order breaks one of them as soon as the inventory grows. The
model (OR-Tools CP-SAT) is an assignment: each item takes exactly one quarter 0..Q-1, or
"after the horizon" (index Q); the objective maximises Σ score × (Q − quarter), so a
high score pulls an item early. Constraints:

* capacity: Σ effort of the items in a quarter ≤ the IT archivists' hours;
* pilots: in the first ``pilot_quarters`` quarters;
* early delivery: every municipality has an item in the first ``early_quarters``;
* prerequisites: not before the item's ``earliest`` quarter;
* pins: an item a person pinned stays where it was pinned.

An infeasible plan raises ``PlanInfeasibleError`` naming the constraint (found by
solving again with one assumption literal per constraint and asking CP-SAT for the
conflicting subset). Every placed item gets reasons: why this quarter.

Pure Python on plain data, so the benchmark runs it without a database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samarkiv.errors import SamarkivError


class PlanInfeasibleError(SamarkivError):
    """No plan satisfies every constraint; ``constraint`` names the one in the way."""

    code = "plan_infeasible"
    http_status = 409

    def __init__(self, message: str, constraint: str) -> None:
        super().__init__(message, rule_id=constraint)
        self.constraint = constraint


@dataclass
class ItemInput:
    key: int
    tenant: str
    label: str  # system product and municipality, for messages
    score: float
    effort: int
    pilot: bool = False
    earliest: int = 0  # first quarter index allowed by the prerequisites
    pinned: int | None = None


@dataclass
class PlanConfig:
    quarters: int = 12
    capacity: int = 1200
    early_quarters: int = 4
    pilot_quarters: int = 1
    time_limit: float = 2.0
    workers: int = 2


@dataclass
class Placement:
    quarter: int | None  # None: after the horizon
    reasons: list[dict] = field(default_factory=list)  # {"code": ..., "text": ...}


@dataclass
class PlanResult:
    placements: dict[int, Placement]
    load: list[int]  # hours per quarter
    optimal: bool
    objective: float


def _check_obvious(items: list[ItemInput], cfg: PlanConfig) -> None:
    """Contradictions visible without search, with the most precise message."""
    for item in items:
        if item.pinned is not None and item.pinned >= cfg.quarters:
            raise PlanInfeasibleError(
                _("%(item)s är fäst till kvartal %(q)s, men planen har bara %(n)s kvartal.")
                % {"item": item.label, "q": item.pinned + 1, "n": cfg.quarters},
                "pin",
            )
        if item.pinned is not None and item.pinned < item.earliest:
            raise PlanInfeasibleError(
                _(
                    "%(item)s är fäst till kvartal %(q)s, men förutsättningarna är klara "
                    "först kvartal %(e)s."
                )
                % {"item": item.label, "q": item.pinned + 1, "e": item.earliest + 1},
                "prerequisite",
            )
        if item.pilot and item.earliest >= cfg.pilot_quarters:
            raise PlanInfeasibleError(
                _(
                    "Piloten %(item)s ska ligga inom de första %(p)s kvartalen, men "
                    "förutsättningarna är klara först kvartal %(e)s."
                )
                % {"item": item.label, "p": cfg.pilot_quarters, "e": item.earliest + 1},
                "pilot",
            )
        if (item.pilot or item.pinned is not None) and item.effort > cfg.capacity:
            raise PlanInfeasibleError(
                _("%(item)s kräver %(h)s timmar men ett kvartal har bara %(c)s.")
                % {"item": item.label, "h": item.effort, "c": cfg.capacity},
                "capacity",
            )
    for tenant, own in _by_tenant(items).items():
        if not any(i.earliest < cfg.early_quarters and i.effort <= cfg.capacity for i in own):
            raise PlanInfeasibleError(
                _(
                    "Tidig leverans: %(tenant)s har inget system som kan anslutas inom de "
                    "första %(k)s kvartalen (förutsättningar eller insats)."
                )
                % {"tenant": tenant, "k": cfg.early_quarters},
                "early_delivery",
            )


def _by_tenant(items: list[ItemInput]) -> dict[str, list[ItemInput]]:
    grouped: dict[str, list[ItemInput]] = defaultdict(list)
    for item in items:
        grouped[item.tenant].append(item)
    return grouped


def _options(item: ItemInput, cfg: PlanConfig, strict: bool) -> range:
    """The quarter indexes an item may take (Q = after the horizon).

    ``strict`` applies pins, pilots and prerequisites to the domain (the fast model);
    the diagnosing model keeps every option and enforces them by assumptions instead.
    """
    if not strict:
        return range(cfg.quarters + 1)
    if item.pinned is not None:
        return range(item.pinned, item.pinned + 1)
    last = cfg.pilot_quarters if item.pilot else cfg.quarters + 1
    start = item.earliest
    if item.effort > cfg.capacity:
        start = cfg.quarters  # it never fits in a quarter
    return range(min(start, cfg.quarters), max(last, min(start, cfg.quarters) + 1))


def _build(items: list[ItemInput], cfg: PlanConfig, strict: bool):
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x: dict[tuple[int, int], object] = {}
    assumptions: dict[int, tuple[str, object]] = {}

    def guard(kind: str, subject: object):
        lit = model.new_bool_var(f"{kind}:{subject}")
        assumptions[lit.index] = (kind, subject)
        return lit

    for n, item in enumerate(items):
        opts = _options(item, cfg, strict)
        for q in opts:
            x[n, q] = model.new_bool_var(f"x{n}_{q}")
        model.add_exactly_one(x[n, q] for q in opts)
        if not strict:
            _soft_item_rules(model, x, n, item, cfg, guard)
    for q in range(cfg.quarters):
        terms = [items[n].effort * x[n, q] for n in range(len(items)) if (n, q) in x]
        if terms:
            rule = model.add(sum(terms) <= cfg.capacity)
            if not strict:
                rule.only_enforce_if(guard("capacity", q))
    positions: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(items):
        positions[item.tenant].append(n)
    for tenant, own in positions.items():
        early = [x[n, q] for n in own for q in range(cfg.early_quarters) if (n, q) in x]
        rule = model.add(sum(early) >= 1)
        if not strict:
            rule.only_enforce_if(guard("early_delivery", tenant))
    weights = [round(item.score * 10) + 1 for item in items]  # +1: zero scores still count
    model.maximize(
        sum(weights[n] * (cfg.quarters - q) * var for (n, q), var in x.items() if q < cfg.quarters)
    )
    return model, x, assumptions


def _soft_item_rules(model, x, n: int, item: ItemInput, cfg: PlanConfig, guard) -> None:
    """Pins, pilots and prerequisites as constraints switched by assumption literals."""
    if item.pinned is not None:
        model.add(x[n, item.pinned] == 1).only_enforce_if(guard("pin", n))
    if item.pilot:
        late = [x[n, q] for q in range(cfg.pilot_quarters, cfg.quarters + 1)]
        model.add(sum(late) == 0).only_enforce_if(guard("pilot", n))
    if item.earliest:
        early = [x[n, q] for q in range(min(item.earliest, cfg.quarters))]
        model.add(sum(early) == 0).only_enforce_if(guard("prerequisite", n))


def _diagnose(items: list[ItemInput], cfg: PlanConfig) -> PlanInfeasibleError:
    """Which constraints conflict: CP-SAT's sufficient assumptions for infeasibility."""
    from ortools.sat.python import cp_model

    model, _x, assumptions = _build(items, cfg, strict=False)
    model.clear_objective()
    model.add_assumptions([model.get_bool_var_from_proto_index(i) for i in assumptions])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = cfg.time_limit
    solver.solve(model)
    core = [assumptions[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    names = sorted({kind for kind, _subject in core}) or ["capacity"]
    parts = []
    for kind, subject in core[:6]:
        if kind == "capacity":
            parts.append(_("kapaciteten i kvartal %(q)s") % {"q": subject + 1})
        elif kind == "early_delivery":
            parts.append(_("tidig leverans för %(t)s") % {"t": subject})
        else:
            rule = {"pin": _("fäst"), "pilot": _("pilot"), "prerequisite": _("förutsättningar")}
            parts.append(f"{rule[kind]}: {items[subject].label}")
    message = _("Ingen plan uppfyller alla villkor. Villkor som krockar: %(parts)s.") % {
        "parts": "; ".join(parts) or _("kapaciteten")
    }
    return PlanInfeasibleError(message, ",".join(names))


def solve(items: list[ItemInput], cfg: PlanConfig) -> PlanResult:
    """The best plan CP-SAT finds within ``cfg.time_limit``; raises when none exists."""
    from ortools.sat.python import cp_model

    if not items:
        return PlanResult({}, [0] * cfg.quarters, True, 0.0)
    _check_obvious(items, cfg)
    model, x, _assumptions = _build(items, cfg, strict=True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = cfg.time_limit
    solver.parameters.num_workers = cfg.workers
    solver.parameters.relative_gap_limit = 0.005
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.INFEASIBLE:
            raise _diagnose(items, cfg)
        raise PlanInfeasibleError(
            _("Ingen plan hittades inom %(s)s sekunder.") % {"s": cfg.time_limit}, "time_limit"
        )
    chosen = {n: q for (n, q), var in x.items() if solver.boolean_value(var)}
    load = [0] * cfg.quarters
    for n, q in chosen.items():
        if q < cfg.quarters:
            load[q] += items[n].effort
    placements = explain(items, chosen, load, cfg)
    return PlanResult(placements, load, status == cp_model.OPTIMAL, float(solver.objective_value))


def explain(
    items: list[ItemInput], chosen: dict[int, int], load: list[int], cfg: PlanConfig
) -> dict[int, Placement]:
    """Why each item is where it is: the rules that put it there, then its rank."""
    ranked = sorted(range(len(items)), key=lambda n: -items[n].score)
    rank = {n: r + 1 for r, n in enumerate(ranked)}
    early_count: dict[str, int] = defaultdict(int)
    for n, q in chosen.items():
        if q < cfg.early_quarters:
            early_count[items[n].tenant] += 1
    placements = {}
    for n, item in enumerate(items):
        q = chosen[n]
        reasons = _reasons(item, q, load, cfg, early_count[item.tenant])
        reasons.append(
            {
                "code": "score_rank",
                "text": _("Poäng %(s)s, plats %(r)s av %(n)s.")
                % {"s": f"{item.score:.1f}".replace(".", ","), "r": rank[n], "n": len(items)},
            }
        )
        placements[item.key] = Placement(q if q < cfg.quarters else None, reasons)
    return placements


def _reasons(item: ItemInput, q: int, load: list[int], cfg: PlanConfig, early: int) -> list:
    reasons = []
    if item.pinned is not None:
        reasons.append({"code": "pinned", "text": _("Fäst till det här kvartalet av arkivarie.")})
    if item.pilot:
        reasons.append(
            {
                "code": "pilot",
                "text": _("Pilot: ligger inom de första %(p)s kvartalen.")
                % {"p": cfg.pilot_quarters},
            }
        )
    if q < cfg.early_quarters and early == 1:
        reasons.append(
            {
                "code": "early_delivery",
                "text": _("Kommunens tidiga leverans: minst en anslutning inom %(k)s kvartal.")
                % {"k": cfg.early_quarters},
            }
        )
    if item.earliest and q == item.earliest:
        reasons.append(
            {
                "code": "prerequisite",
                "text": _("Registervård och gallring är klara först det här kvartalet."),
            }
        )
    full = [
        p
        for p in range(item.earliest, min(q, cfg.quarters))
        if cfg.capacity - load[p] < item.effort
    ]
    if q >= cfg.quarters:
        reasons.append(
            {
                "code": "beyond_horizon",
                "text": _("Ryms inte inom planens %(n)s kvartal (kapacitet).")
                % {"n": cfg.quarters},
            }
        )
    elif full and item.pinned is None:
        reasons.append(
            {
                "code": "capacity",
                "text": _(
                    "Tidigare kvartal är fullbokade (%(n)s av dem saknar %(h)s lediga timmar)."
                )
                % {"n": len(full), "h": item.effort},
            }
        )
    return reasons


def quarter_label(start_year: int, start_quarter: int, index: int | None) -> str:
    """'2027 K3' for an index counted from the plan's first quarter; 'senare' for None."""
    if index is None:
        return _("Senare")
    absolute = start_quarter - 1 + index
    return f"{start_year + absolute // 4} K{absolute % 4 + 1}"
