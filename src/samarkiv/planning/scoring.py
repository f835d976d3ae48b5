"""The scoring model: five factors on 0–5 scales, weighted into a score of 0–100.

Why explainable factors rather than one opaque number: the cooperation council adopts
the plan, and a municipality whose system comes late must be able to see why. Every
``Score`` carries its factors with value, weight, contribution and a reason text.
The scales are documented in docs/planning.md; change both together.

Pure Python on plain data (``Facts``), so the CLI, the pages, the solver and the
benchmark score the same way without a database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from django.utils.translation import gettext as _

NEED, RISK, EASE, SAVING, DEMAND = "need", "risk", "ease", "saving", "demand"
FACTORS = (NEED, RISK, EASE, SAVING, DEMAND)

# Domains whose records are mostly secret (OSL 25–26 kap.): harder to connect.
SECRET_DOMAINS = frozenset({"social", "health", "school"})

# (lower bound in SEK per year, value): the first bound the saving reaches.
SAVING_STEPS = ((500_000, 5), (250_000, 4), (100_000, 3), (50_000, 2), (1, 1))
# (lower bound in requests per year, value).
DEMAND_STEPS = ((1000, 5), (200, 4), (50, 3), (10, 2), (1, 1))
# (months left until end of support or contract end, value): the first bound not exceeded.
RISK_STEPS = ((0, 5), (6, 4), (12, 3), (24, 2), (36, 1))


@dataclass(frozen=True)
class Weights:
    need: int = 3
    risk: int = 2
    ease: int = 2
    saving: int = 2
    demand: int = 1

    @property
    def total(self) -> int:
        return self.need + self.risk + self.ease + self.saving + self.demand


@dataclass
class Facts:
    """What scoring needs of one installation (see ``service.facts_of``)."""

    information_types: list[dict] = field(default_factory=list)
    end_of_support: date | None = None
    contract_end: date | None = None
    activity_ceased: bool = False
    fgs_export: bool = False
    siard_able: bool = False
    vendor_export_module: bool = False
    export_module_cost: int = 0
    domain: str = "other"
    shared_installations: int = 1  # installations of the same product, this one included
    yearly_cost: int = 0
    requests_per_year: int = 0


@dataclass
class Factor:
    key: str
    label: str
    value: float  # 0–5
    weight: int
    contribution: float  # points of the 0–100 score
    reason: str


@dataclass
class Score:
    total: float
    factors: list[Factor]

    def as_dicts(self) -> list[dict]:
        return [asdict(f) for f in self.factors]


def labels() -> dict[str, str]:
    return {
        NEED: _("Arkivbehov"),
        RISK: _("Risk och brådska"),
        EASE: _("Anslutningsbarhet"),
        SAVING: _("Kostnadsbesparing"),
        DEMAND: _("Efterfrågan"),
    }


def need(facts: Facts) -> tuple[float, str]:
    """5 × the share of information types kept (bevaras); 2.5 when none are listed."""
    kinds = facts.information_types
    if not kinds:
        return 2.5, _("Inga informationstyper angivna: medelvärde 2,5")
    kept = sum(1 for kind in kinds if kind.get("retention") == "keep")
    value = round(5 * kept / len(kinds), 1)
    return value, _("%(kept)s av %(all)s informationstyper bevaras") % {
        "kept": kept,
        "all": len(kinds),
    }


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def risk(facts: Facts, today: date) -> tuple[float, str]:
    """By the months left to the earlier of end of support and contract end; a ceased
    activity is at least 4 (the system is kept only for its records)."""
    dates = [d for d in (facts.end_of_support, facts.contract_end) if d is not None]
    value, reason = 0.0, _("Inget supportslut eller avtalsslut angivet")
    if dates:
        first = min(dates)
        months = _months_between(today, first)
        value = next((float(v) for bound, v in RISK_STEPS if months <= bound), 0.0)
        reason = _("%(months)s månader kvar till %(date)s") % {
            "months": months,
            "date": first.isoformat(),
        }
        if months <= 0:
            reason = _("Support eller avtal slutade %(date)s") % {"date": first.isoformat()}
    if facts.activity_ceased and value < 4:
        value, reason = 4.0, _("Verksamheten har upphört; ") + reason
    return value, reason


def ease(facts: Facts) -> tuple[float, str]:
    """Export path (FGS/ERMS 3, SIARD 2, vendor module 1), + 1 for every other
    installation of the same product (at most 2), − 1 for secret-heavy domains."""
    parts = []
    if facts.fgs_export:
        value, parts = 3, [_("FGS/ERMS-export +3")]
    elif facts.siard_able:
        value, parts = 2, [_("SIARD-uttag +2")]
    elif facts.vendor_export_module:
        value, parts = 1, [_("leverantörens uttagsmodul +1")]
    else:
        value, parts = 0, [_("ingen färdig exportväg")]
    shared = min(2, max(0, facts.shared_installations - 1))
    if shared:
        value += shared
        parts.append(
            _("kartläggningen delas med %(n)s andra installationer +%(p)s")
            % {"n": facts.shared_installations - 1, "p": shared}
        )
    if facts.domain in SECRET_DOMAINS:
        value -= 1
        parts.append(_("sekretesstung verksamhet −1"))
    return float(max(0, min(5, value))), "; ".join(parts)


def saving(facts: Facts) -> tuple[float, str]:
    cost = facts.yearly_cost
    value = next((float(v) for bound, v in SAVING_STEPS if cost >= bound), 0.0)
    reason = _("%(sek)s kr per år i licens, drift och support") % {
        "sek": f"{cost:,}".replace(",", " ")
    }
    if facts.export_module_cost:
        reason += _(" (uttagsmodul en gång: %(sek)s kr)") % {
            "sek": f"{facts.export_module_cost:,}".replace(",", " ")
        }
    return value, reason


def demand(facts: Facts) -> tuple[float, str]:
    count = facts.requests_per_year
    value = next((float(v) for bound, v in DEMAND_STEPS if count >= bound), 0.0)
    return value, _("%(n)s förfrågningar per år") % {"n": count}


def score(facts: Facts, weights: Weights, today: date | None = None) -> Score:
    """The weighted score (0–100): Σ value × weight × 20 / Σ weights."""
    today = today or date.today()
    raw = {
        NEED: need(facts),
        RISK: risk(facts, today),
        EASE: ease(facts),
        SAVING: saving(facts),
        DEMAND: demand(facts),
    }
    names = labels()
    total_weight = weights.total
    factors = []
    for key in FACTORS:
        value, reason = raw[key]
        weight = getattr(weights, key)
        contribution = value * weight * 20 / total_weight if total_weight else 0.0
        factors.append(Factor(key, names[key], value, weight, round(contribution, 2), reason))
    return Score(round(sum(f.contribution for f in factors), 2), factors)
