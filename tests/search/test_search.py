"""What staff find: Swedish word forms, phrases, prefixes, fuzzy words, registration
numbers, facets, filters and highlights; the same assertions on both engines."""

from __future__ import annotations

import pytest

from samarkiv.access.search.service import search
from tests.search.conftest import found, ids, scope

pytestmark = pytest.mark.django_db


def test_swedish_stemming_finds_other_inflections(records) -> None:
    bjuv = scope("bjuv")
    # "äldreomsorgen" (definite) finds the record that says "äldreomsorg"
    assert found(search(bjuv, "äldreomsorgen")) == ids(records["care"])
    # "förskolorna" (plural definite) finds the file text "förskolan" (singular definite)
    assert found(search(bjuv, "förskolorna")) == ids(records["decision"])
    assert found(search(bjuv, "förskola")) == ids(records["decision"])
    assert found(search(bjuv, "skolskjuts")) == set()


def test_words_are_and_ed_and_minus_excludes(records) -> None:
    bjuv = scope("bjuv")
    assert found(search(bjuv, "bygglov tillbyggnad")) == ids(records["permit"], records["shore"])
    assert found(search(bjuv, "bygglov tillbyggnad -strandskyddat")) == ids(records["permit"])
    assert found(search(bjuv, "bygglov hemtjänst")) == set()


def test_a_phrase_needs_the_words_in_order(records) -> None:
    bjuv = scope("bjuv")
    assert found(search(bjuv, '"bygglov för tillbyggnad"')) == ids(records["permit"])
    assert found(search(bjuv, '"tillbyggnad utan bygglov"')) == ids(records["shore"])
    assert found(search(bjuv, '"tillbyggnad bygglov"')) == set()  # both have the words
    assert found(search(bjuv, '"enbostadshus tillbyggnad"')) == set()


def test_prefix(records) -> None:
    bjuv = scope("bjuv")
    assert found(search(bjuv, "tillbygg*")) == ids(records["permit"], records["shore"])
    assert found(search(bjuv, "strandsk*")) == ids(records["shore"])
    assert found(search(bjuv, "förskol*")) == ids(records["decision"])
    assert found(search(bjuv, "xyzzy*")) == set()


def test_fuzzy(records, engine) -> None:
    bjuv = scope("bjuv")
    # the plain word with ~ is found by both engines
    assert found(search(bjuv, "strandskyddsdispens~")) == ids(records["shore"])
    typo = found(search(bjuv, "strandskydsdispens~"))  # one letter missing
    if engine == "tantivy":
        assert typo == ids(records["shore"])
    else:  # PostgreSQL has no edit-distance search: ~ means the plain word
        assert typo == set()


def test_registration_number_exactly_and_as_text(records) -> None:
    bjuv = scope("bjuv")
    exact = search(bjuv, '"BN 2023/145"')
    assert [h.record_id for h in exact.hits] == [str(records["permit"].pk)]  # not 2023/1456
    assert exact.hits[0].registration_number == "BN 2023/145"
    assert found(search(bjuv, "2023/145")) == ids(records["permit"])
    assert found(search(bjuv, "bn 2023/145")) == ids(records["permit"])
    assert found(search(bjuv, "2023/1456")) == ids(records["shore"])
    assert found(search(bjuv, "SN 2021/77")) == ids(records["care"], records["decision"])


def test_parties_names_are_searchable_but_not_personal_identity_numbers(records) -> None:
    bjuv = scope("bjuv")
    assert found(search(bjuv, "Greta Persson")) == ids(records["care"])
    assert found(search(bjuv, "Karin Lind")) == ids(records["care"])
    assert found(search(bjuv, "19400101-1234")) == set()
    assert found(search(bjuv, "19400101*")) == set()


def test_facet_counts(records) -> None:
    result = search(scope("bjuv"), "")
    assert result.total == 4
    counts = {key: {v.value: v.count for v in values} for key, values in result.facets.items()}
    assert counts["tenant"] == {"bjuv": 4}
    assert counts["kind"] == {"case": 3, "document": 1}
    assert counts["document_type"] == {"Ansökan": 2, "Beslut": 2}
    assert counts["period"] == {"2020": 3, "1990": 1}
    assert counts["format"] == {"fmt/276": 1}
    assert counts["records_creator"] == {"Socialnämnden": 2, "Byggnadsnämnden": 2}
    assert counts["classification"] == {"3.2.1": 2, "4.1": 1, "4.2": 1}
    labels = {key: {v.value: v.label for v in values} for key, values in result.facets.items()}
    assert labels["tenant"]["bjuv"] == "Bjuvs kommun"
    assert labels["period"]["1990"] == "1990–1999"
    assert labels["kind"]["case"] == "Ärende"
    narrowed = search(scope("bjuv"), "bygglov")
    assert {v.value: v.count for v in narrowed.facets["period"]} == {"2020": 1, "1990": 1}


def test_filters(records) -> None:
    bjuv = scope("bjuv")
    beslut = search(bjuv, "", filters={"document_type": ["Beslut"]})
    assert found(beslut) == ids(records["decision"], records["shore"])
    assert found(search(bjuv, "", filters={"period": ["1990"]})) == ids(records["shore"])
    assert found(search(bjuv, "", filters={"format": ["fmt/276"]})) == ids(records["decision"])
    both = {"document_type": ["Beslut"], "period": ["2020"]}
    assert found(search(bjuv, "", filters=both)) == ids(records["decision"])
    either = {"classification": ["4.1", "4.2"]}
    assert found(search(bjuv, "", filters=either)) == ids(records["permit"], records["shore"])
    assert found(search(bjuv, "bygglov", filters={"kind": ["document"]})) == set()
    # unknown keys are ignored, not an error
    assert search(bjuv, "bygglov", filters={"nonsense": ["x"]}).total == 2


def test_highlights_are_escaped_html_with_marks(records) -> None:
    result = search(scope("bjuv"), "förskolorna")
    (hit,) = result.hits
    (fragment,) = hit.highlights
    assert "<mark>förskolan</mark>" in fragment
    assert "Bjuv &amp; <mark>" in fragment  # the text escaped...
    assert "<script>" not in fragment  # ...and never a tag from a document
    assert fragment.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_best_match_first_and_paging(records) -> None:
    bjuv = scope("bjuv")
    result = search(bjuv, "bygglov")
    assert [h.record_id for h in result.hits][0] == str(records["permit"].pk)  # in the title
    assert result.hits[0].score >= result.hits[1].score
    first = search(bjuv, "bygglov", per_page=1, page=1)
    second = search(bjuv, "bygglov", per_page=1, page=2)
    assert first.total == second.total == 2 and first.pages == 2
    assert found(first) | found(second) == ids(records["permit"], records["shore"])
    assert search(bjuv, "bygglov", per_page=1, page=3).hits == []
    plain = search(bjuv, "bygglov", facets=False)  # what the CLI asks for
    assert plain.total == 2 and plain.facets == {}


def test_hit_fields(records) -> None:
    (hit,) = search(scope("bjuv"), "strandskyddsdispens").hits
    shore = records["shore"]
    assert (hit.aip_id, hit.tenant, hit.kind) == (shore.aip_id, "bjuv", "case")
    assert (hit.title, hit.date_start, hit.date_end) == (
        "Strandskyddsdispens",
        shore.date_start,
        None,
    )


def test_input_that_looks_like_engine_syntax_is_just_text(records) -> None:
    bjuv = scope("bjuv")
    for query in (
        "title:bygglov",
        "bygglov^10",
        "(bygglov OR x",
        'bygglov" AND "',
        "'; --",
        "*",
        "~",
        '"',
    ):
        search(bjuv, query)  # never raises
    assert found(search(bjuv, "title:bygglov")) == set()  # "title" is a word here
