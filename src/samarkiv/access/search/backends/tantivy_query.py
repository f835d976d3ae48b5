"""Parsed clauses -> tantivy queries.

Words reach tantivy only as alphanumeric tokens (``swedish.words``), quoted, so no
user input is ever read as tantivy query syntax; each field's own analyzer then stems
them. Prefixes and fuzzy words are built as regex / fuzzy term queries on the stems.
"""

from __future__ import annotations

import tantivy

from samarkiv.access.search import swedish
from samarkiv.access.search.backends.tantivy_schema import (
    FACET_FIELDS,
    STEMMED_FIELDS,
    TEXT_BOOSTS,
)
from samarkiv.access.search.query import Clause, ClauseKind, SearchQuery

Occur = tantivy.Occur
Query = tantivy.Query

MIN_PREFIX = 2  # a one-letter prefix would walk most of the term dictionary
VARIANT_BOOST = 0.7  # "förskolan" for "förskolorna": a match, a little less sure


def build(index: tantivy.Index, query: SearchQuery) -> tantivy.Query:
    """The whole query: clauses AND-ed, exact registration number OR-ed, filters AND-ed."""
    schema = index.schema
    positive = [q for c in query.positive if (q := clause_query(index, c)) is not None]
    main = _and(positive) if positive else Query.all_query()
    if positive and query.exact:
        exact = Query.term_query(schema, "regno", query.exact)
        main = Query.boolean_query(
            [(Occur.Should, main), (Occur.Should, Query.boost_query(exact, 5.0))]
        )
    parts = [(Occur.Must, main)]
    for clause in query.negative:
        if (q := clause_query(index, clause, variants=False)) is not None:
            parts.append((Occur.MustNot, q))
    for key, values in query.filters.items():
        parts.append((Occur.Must, _filter(schema, key, values)))
    return parts[0][1] if len(parts) == 1 else Query.boolean_query(parts)


def clause_query(index: tantivy.Index, clause: Clause, variants: bool = True):
    tokens = swedish.words(clause.text)
    if not tokens:
        return None
    if clause.kind == ClauseKind.PREFIX and len(tokens[-1]) >= MIN_PREFIX:
        return _prefix(index, tokens)
    if clause.kind == ClauseKind.FUZZY and len(tokens) == 1:
        return _fuzzy(index, tokens[0])
    words = _words(index, tokens)
    if variants and clause.kind == ClauseKind.TERM and len(tokens) == 1:
        extra = swedish.variant_stems(tokens[0])
        if extra:
            alternatives = [
                Query.boost_query(_terms(index.schema, field, extra), VARIANT_BOOST)
                for field in STEMMED_FIELDS
            ]
            return _or([words, *alternatives])
    return words


def _words(index: tantivy.Index, tokens: list[str]):
    """The tokens as a phrase (one token: a term) in every text field."""
    return index.parse_query(
        '"' + " ".join(tokens) + '"', list(TEXT_BOOSTS), field_boosts=TEXT_BOOSTS
    )


def _prefix(index: tantivy.Index, tokens: list[str]):
    last = tokens[-1]
    starts = {last, *swedish.stems(last)}
    options = [
        Query.regex_query(index.schema, field, f"{start}.*")
        for field in TEXT_BOOSTS
        for start in starts
        if len(start) >= MIN_PREFIX
    ]
    prefix = _or(options)
    return _and([_words(index, tokens[:-1]), prefix]) if len(tokens) > 1 else prefix


def _fuzzy(index: tantivy.Index, token: str):
    stem = (swedish.stems(token) or [token])[0]
    distance = 1 if len(stem) <= 6 else 2
    options = [
        Query.fuzzy_term_query(index.schema, field, stem, distance=distance)
        for field in STEMMED_FIELDS
    ]
    options.append(Query.fuzzy_term_query(index.schema, "regno_text", token, distance=1))
    return _or([_words(index, [token]), *options])


def _filter(schema: tantivy.Schema, key: str, values: tuple[str, ...]):
    field = FACET_FIELDS[key]
    if not values:
        return Query.empty_query()
    return Query.term_set_query(schema, field, list(values))


def _terms(schema: tantivy.Schema, field: str, terms: list[str]):
    """Any of ``terms`` (already analyzed) in ``field``; term queries, not a term set,
    so that snippet generators see the terms."""
    return _or([Query.term_query(schema, field, term) for term in terms])


def _and(queries: list):
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def _or(queries: list):
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])


def highlight_query(index: tantivy.Index, searcher: tantivy.Searcher, query: SearchQuery):
    """Terms to mark in snippets: the word clauses, and the words that prefixes matched
    (regex and fuzzy queries name no terms a snippet generator could use)."""
    parts = []
    for clause in query.positive:
        tokens = swedish.words(clause.text)
        if not tokens:
            continue
        if clause.kind == ClauseKind.PREFIX and len(tokens[-1]) >= MIN_PREFIX:
            found = [t for t, _n in searcher.terms_with_prefix("body", tokens[-1], limit=20)]
            if found:
                parts.append(_terms(index.schema, "body", found))
            continue
        q = clause_query(index, clause)
        if q is not None:
            parts.append(q)
    return _or(parts) if parts else None
