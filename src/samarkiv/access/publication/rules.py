"""Publication rules: which records a tenant puts online (separate from release on request).

Why a decision and not a default: publishing online reaches far more people than
releasing a copy to one requester, so nothing is published that no active
``publish=True`` rule covers.

Matching, in order:

1. an active ``publish=False`` rule whose criteria match (and whose minimum age is
   reached, when it has one) wins: never online;
2. among the active ``publish=True`` rules whose criteria match, the most specific
   ones (most criteria filled in) decide, and the record is published when one of them
   has its minimum age reached. So "drawings only after 10 years" refines "everything
   after 0 years" without the general rule publishing young drawings.

Criteria: document type contains (case-insensitive), classification code starts with,
records creator (the record's or the AIP description's, case-insensitive), series (of
the AIP's description). Age: the record's end date (else start date) plus
``min_age_years`` must be on or before today; a record without dates has no age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samarkiv.access.publication.secrecy import add_years


@dataclass(frozen=True)
class RuleFacts:
    """What rules look at, for one record."""

    document_type: str
    classification_code: str
    records_creators: tuple[str, ...]  # lower-cased
    series_id: int | None
    reference_date: date | None


@dataclass(frozen=True)
class RuleOutcome:
    published: bool
    rule_id: int | None  # the deciding rule (None: no rule covers the record)
    rule_name: str
    code: str  # "rule_publish" | "rule_never" | "rule_too_young" | "no_rule"
    publish_from: date | None = None  # when a too-young record will be old enough


def facts_for(record, description=None) -> RuleFacts:
    creators = {(record.records_creator_name or "").strip().lower()}
    series_id = None
    if description is not None:
        series_id = description.series_id
        if description.records_creator_id and description.records_creator:
            creators.add(description.records_creator.name.strip().lower())
    return RuleFacts(
        document_type=(record.document_type or "").lower(),
        classification_code=(record.classification_code or "").strip(),
        records_creators=tuple(sorted(c for c in creators if c)),
        series_id=series_id,
        reference_date=record.date_end or record.date_start,
    )


def criteria_match(rule, facts: RuleFacts) -> bool:
    if rule.document_type and rule.document_type.strip().lower() not in facts.document_type:
        return False
    if rule.classification_prefix and not facts.classification_code.startswith(
        rule.classification_prefix.strip()
    ):
        return False
    if rule.records_creator and rule.records_creator.strip().lower() not in facts.records_creators:
        return False
    return not (rule.series_id and rule.series_id != facts.series_id)


def specificity(rule) -> int:
    return sum(
        bool(v)
        for v in (
            rule.document_type,
            rule.classification_prefix,
            rule.records_creator,
            rule.series_id,
        )
    )


def old_enough(rule, facts: RuleFacts, today: date) -> bool:
    if not rule.min_age_years:
        return True
    if facts.reference_date is None:
        return False
    return add_years(facts.reference_date, int(rule.min_age_years)) <= today


def decide(rules, facts: RuleFacts, today: date) -> RuleOutcome:
    """Apply a tenant's rules (any order) to one record; see the module docstring."""
    active = [r for r in rules if r.active]
    for rule in active:
        if not rule.publish and criteria_match(rule, facts) and old_enough(rule, facts, today):
            return RuleOutcome(False, rule.pk, rule.name, "rule_never")
    covering = [r for r in active if r.publish and criteria_match(r, facts)]
    if not covering:
        return RuleOutcome(False, None, "", "no_rule")
    top = max(specificity(r) for r in covering)
    best = sorted((r for r in covering if specificity(r) == top), key=lambda r: r.pk or 0)
    for rule in best:
        if old_enough(rule, facts, today):
            return RuleOutcome(True, rule.pk, rule.name, "rule_publish")
    dates = [
        add_years(facts.reference_date, int(r.min_age_years))
        for r in best
        if facts.reference_date is not None and r.min_age_years
    ]
    return RuleOutcome(False, best[0].pk, best[0].name, "rule_too_young", min(dates, default=None))
