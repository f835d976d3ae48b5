"""The small rules that protect people on the search and record pages."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from samarkiv.web.search import presenters as show


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("19121212-1212", "19121212-****"),
        ("121212-1212", "121212-****"),
        ("191212121212", "19121212****"),
        ("19121212+1212", "19121212+****"),
        ("okänt", "*****"),
        ("", ""),
    ],
)
def test_personal_identity_numbers_lose_their_last_four_digits(value: str, masked: str) -> None:
    assert show.mask_personal_id(value) == masked


def test_parties_are_masked_unless_revealed() -> None:
    rows = [
        {"name": "Tolvan", "role": "Sökande", "personal_id": "19121212-1212"},
        {"name": "Bygg AB", "organisation_number": "556016-0680"},
        {"name": "Hemlig Person", "protected_identity": True, "personal_data": True},
        "skräp",
    ]
    hidden = show.parties(rows, reveal=False)
    assert [p.identifier for p in hidden] == ["19121212-****", "556016-0680", ""]
    assert [p.name for p in hidden] == ["Tolvan", "Bygg AB", ""]
    assert hidden[2].protected
    shown = show.parties(rows, reveal=True)
    assert [p.identifier for p in shown] == ["19121212-1212", "556016-0680", ""]
    assert shown[2].name == "Hemlig Person"
    assert show.has_personal_ids(rows)
    assert not show.has_personal_ids([rows[1]])
    assert show.has_personal_ids([{"name": "Tolvan 19121212-1212"}])


def test_identity_numbers_in_text_and_highlights_are_masked() -> None:
    text = "sökande <mark>19121212</mark>-<mark>1212</mark>, 121212-1212, ombud 556016-0680"
    text += ", dnr 2019-1234, datum 20230101-0000"
    assert show.mask_ids_in_text(text) == (
        "sökande <mark>19121212</mark>-<mark>****</mark>, 121212-****, ombud 556016-0680"
        ", dnr 2019-1234, datum 20230101-0000"
    )
    assert show.has_ids_in_text("", "x 191212121212") and not show.has_ids_in_text("BN 2019/12")


@pytest.mark.parametrize(
    ("snippet", "shown"),
    [
        ("a <mark>b</mark> &lt;i&gt;", "a <mark>b</mark> &lt;i&gt;"),
        ("<script>x</script><mark>y</mark>", "&lt;script>x&lt;/script><mark>y</mark>"),
        ('<mark onclick="x">y</mark>', '&lt;mark onclick="x">y</mark>'),
        ("<MARK>y</MARK>", "<MARK>y</MARK>"),
    ],
)
def test_highlights_keep_mark_as_their_only_tag(snippet: str, shown: str) -> None:
    assert str(show.safe_highlight(snippet)) == shown


def test_filters_are_read_cleaned_and_deduplicated() -> None:
    params = QueryDict("q=x&kind=case&kind=%20case%20&kind=&tenant=ystad&format=fmt/95")
    assert show.read_filters(params) == {"format": ["fmt/95"], "kind": ["case"]}


@pytest.mark.parametrize(
    ("stored", "messages"),
    [
        (None, []),
        ({"standard": "CITS ERMS v3", "valid": True, "xsd_errors": []}, []),
        ("Ogiltig XML", ["Ogiltig XML"]),
        ([{"message": "A", "severity": "ERROR"}, "B"], ["A", "B"]),
        ({"valid": False, "errors": [{"text": "C", "line": 3}]}, ["C"]),
    ],
)
def test_validation_problems_accept_the_usual_shapes(stored, messages: list[str]) -> None:
    summary = show.validation_problems({"validation": stored} if stored is not None else {})
    assert [p.message for p in summary.problems] if summary else messages == []


def test_the_records_domains_report_is_read_with_its_sources_and_counts() -> None:
    report = {
        "standard": "CITS ERMS v3",
        "valid": False,
        "xsd_error_count": 3,
        "schematron_error_count": 1,
        "xsd_errors": [{"line": 4, "message": "Element 'rubrik': not expected."}],
        "schematron_errors": [
            {"test": "@otherAggregationType", "location": "/erms/records", "message": "M"}
        ],
    }
    summary = show.validation_problems({"validation": report})
    assert summary.standard == "CITS ERMS v3"
    xsd, sch = summary.problems
    assert (xsd.source, xsd.where) == ("XSD", "rad 4")
    assert xsd.message == "Element 'rubrik': not expected."
    assert (sch.source, sch.where) == ("Schematron", "/erms/records")
    assert sch.rule == "@otherAggregationType"
    assert summary.more == 2  # 4 counted, 2 stored


def test_unknown_severities_get_no_badge_colour() -> None:
    summary = show.validation_problems(
        {"validation": [{"message": "a", "severity": "Error"}, {"message": "b", "level": "x"}]}
    )
    assert [p.severity for p in summary.problems] == ["error", ""]
