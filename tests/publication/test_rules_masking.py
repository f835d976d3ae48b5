"""Publication rule matching and identity-number masking, computed by hand."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from samarkiv.access.publication.masking import mask_personal_ids
from samarkiv.access.publication.rules import RuleFacts, decide

TODAY = date(2026, 6, 1)


def rule(pk, name="r", *, publish=True, active=True, document_type="", prefix="", creator="",
         series_id=None, age=None):  # fmt: skip
    return SimpleNamespace(
        pk=pk, name=name, publish=publish, active=active, document_type=document_type,
        classification_prefix=prefix, records_creator=creator, series_id=series_id,
        min_age_years=age,
    )  # fmt: skip


def facts(doc_type="Beslut", code="3.4.2", creators=("byggnämnden",), series=None,
          when=date(2010, 1, 1)):  # fmt: skip
    return RuleFacts(doc_type.lower(), code, creators, series, when)


def test_nothing_is_published_without_a_rule():
    assert not decide([], facts(), TODAY).published
    assert decide([], facts(), TODAY).code == "no_rule"
    assert not decide([rule(1, active=False)], facts(), TODAY).published


def test_each_criterion_must_match():
    assert decide([rule(1, document_type="besl")], facts(), TODAY).published
    assert not decide([rule(1, document_type="ritning")], facts(), TODAY).published
    assert decide([rule(1, prefix="3.4")], facts(), TODAY).published
    assert not decide([rule(1, prefix="3.5")], facts(), TODAY).published
    assert decide([rule(1, creator="Byggnämnden")], facts(), TODAY).published
    assert not decide([rule(1, creator="Socialnämnden")], facts(), TODAY).published
    assert decide([rule(1, series_id=7)], facts(series=7), TODAY).published
    assert not decide([rule(1, series_id=7)], facts(series=8), TODAY).published


def test_minimum_age_counts_from_the_end_date():
    young = facts(when=date(2016, 6, 2))  # ten years on 2026-06-02: one day short
    old = facts(when=date(2016, 6, 1))  # ten years exactly today
    assert not decide([rule(1, age=10)], young, TODAY).published
    assert decide([rule(1, age=10)], old, TODAY).published
    outcome = decide([rule(1, age=10)], young, TODAY)
    assert outcome.code == "rule_too_young"
    assert outcome.publish_from == date(2026, 6, 2)
    assert not decide([rule(1, age=1)], facts(when=None), TODAY).published


def test_a_never_rule_wins_over_any_publish_rule():
    rules = [rule(1), rule(2, "hemligt", publish=False, document_type="beslut")]
    outcome = decide(rules, facts(), TODAY)
    assert not outcome.published and outcome.code == "rule_never" and outcome.rule_id == 2
    assert decide(rules, facts(doc_type="Ansökan"), TODAY).published


def test_the_most_specific_publish_rule_decides():
    rules = [rule(1, "allt", age=0), rule(2, "ritningar", document_type="ritning", age=10)]
    drawing_young = facts(doc_type="Fasadritning", when=date(2020, 1, 1))
    drawing_old = facts(doc_type="Fasadritning", when=date(2010, 1, 1))
    assert not decide(rules, drawing_young, TODAY).published
    assert decide(rules, drawing_old, TODAY).rule_id == 2
    assert decide(rules, facts(doc_type="Beslut", when=date(2025, 1, 1)), TODAY).rule_id == 1


def test_personal_identity_numbers_are_masked_everywhere_in_a_text():
    text = "Anna 19121212-1212, Bo 121212-1212 och 191212121212; samordning 19121272-1219"
    masked = mask_personal_ids(text)
    assert masked == (
        "Anna 19121212-XXXX, Bo 20121212-XXXX och 19121212-XXXX; samordning 19121272-XXXX"
    )


def test_other_numbers_are_left_alone():
    text = "Dnr BN 2023/145, org 556677-8899, tel 0701234567, datum 20230314, 19121212-1213"
    assert mask_personal_ids(text) == text  # 1213: wrong check digit, not a person
