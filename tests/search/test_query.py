"""The query language, Swedish word forms and safe highlights, without an index."""

from __future__ import annotations

from samarkiv.access.search import swedish
from samarkiv.access.search.highlight import from_sentinels, mark_byte_ranges
from samarkiv.access.search.query import Clause, ClauseKind, exact_text, parse

T, P, X, F = ClauseKind.TERM, ClauseKind.PHRASE, ClauseKind.PREFIX, ClauseKind.FUZZY


def test_parse_words_phrases_prefixes_fuzzy_and_negation() -> None:
    assert parse('äldreomsorg "bygglov för tillbyggnad" förskol* strandskyd~ -Klippan') == (
        Clause(T, "äldreomsorg"),
        Clause(P, "bygglov för tillbyggnad"),
        Clause(X, "förskol"),
        Clause(F, "strandskyd"),
        Clause(T, "Klippan", negated=True),
    )
    assert parse('-"två ord"  2023/145') == (
        Clause(P, "två ord", negated=True),
        Clause(T, "2023/145"),
    )


def test_parse_never_fails_and_drops_what_has_no_letters() -> None:
    assert parse("") == ()
    assert parse('* ~ - " "" ***') == ()
    assert parse('"unbalanced phrase') == (Clause(P, "unbalanced phrase"),)
    assert len(parse("ord " * 1000)) == 20


def test_exact_text() -> None:
    assert exact_text('"BN  2023/145" ') == "bn 2023/145"


def test_variant_forms_close_the_gaps_of_snowball() -> None:
    assert swedish.stems("förskolorna förskolan äldreomsorgen") == [
        "förskol",
        "förskolan",
        "äldreomsorg",
    ]
    assert "förskolan" in swedish.variant_forms("förskolorna")
    assert "förskol" in swedish.variant_stems("förskolan")
    assert "ärend" in swedish.variant_stems("ärendet")
    assert swedish.variant_forms("2023") == [] and swedish.variant_forms("pl") == []


def test_highlights_escape_everything_but_marks() -> None:
    text = "a <b>&</b> förskolan é"
    start = len(b"a <b>&</b> ")
    end = start + len("förskolan".encode())
    assert mark_byte_ranges(text, [(start, end)]) == (
        "a &lt;b&gt;&amp;&lt;/b&gt; <mark>förskolan</mark> é"
    )
    assert from_sentinels("x < \x02y\x03 &") == "x &lt; <mark>y</mark> &amp;"
