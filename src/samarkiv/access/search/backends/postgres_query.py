"""Parsed clauses -> PostgreSQL ``tsquery`` expressions and WHERE clauses (parameterised).

User text only ever travels as a bound parameter into ``websearch_to_tsquery``
(which cannot fail on any input) or, for prefixes, as alphanumeric tokens quoted into
``to_tsquery`` syntax. PostgreSQL stems with its own Swedish Snowball stemmer; the
forms Snowball keeps apart (``swedish.variant_forms``) are OR-ed in.
"""

from __future__ import annotations

from samarkiv.access.search import swedish
from samarkiv.access.search.query import Clause, ClauseKind, SearchQuery

WEB = "websearch_to_tsquery('swedish', %s)"
PLAIN = "plainto_tsquery('swedish', %s)"
MIN_PREFIX = 2

# facet key -> (column, SQL type of the filter array)
FILTER_COLUMNS = {
    "tenant": ("tenant", "text[]"),
    "records_creator": ("records_creator", "text[]"),
    "classification": ("classification", "text[]"),
    "period": ("decade", "int[]"),
    "document_type": ("document_type", "text[]"),
    "kind": ("kind", "text[]"),
}


def clause_sql(clause: Clause, variants: bool = True) -> tuple[str, list] | None:
    """One clause as a tsquery expression, or None when it holds no word."""
    tokens = swedish.words(clause.text)
    if not tokens:
        return None
    if clause.kind == ClauseKind.PHRASE:
        return WEB, ['"' + " ".join(tokens) + '"']
    if clause.kind == ClauseKind.PREFIX and len(tokens[-1]) >= MIN_PREFIX:
        return _prefix(tokens)
    sql, params = WEB, [clause.text]
    if variants and clause.kind == ClauseKind.TERM and len(tokens) == 1:
        forms = swedish.variant_forms(tokens[0])
        sql = " || ".join([WEB] + [PLAIN] * len(forms))
        params += forms
    return f"({sql})", params


def _prefix(tokens: list[str]) -> tuple[str, list]:
    """``'a' <-> 'b':*`` in the simple (unstemmed) and the Swedish (stemmed) forms."""
    expr = " <-> ".join(f"'{t}'" for t in tokens) + ":*"
    return "(to_tsquery('simple', %s) || to_tsquery('swedish', %s))", [expr, expr]


def tsquery_sql(clauses: tuple[Clause, ...], variants: bool = True) -> tuple[str, list] | None:
    """The clauses AND-ed into one tsquery expression (None: no words at all)."""
    parts, params = [], []
    for clause in clauses:
        built = clause_sql(clause, variants)
        if built is not None:
            parts.append(built[0])
            params += built[1]
    if not parts:
        return None
    return "(" + " && ".join(parts) + ")", params


def where_sql(query: SearchQuery, alias: str = "d") -> tuple[str, list]:
    """The WHERE condition: words (or the exact registration number), no negated
    words, every filter."""
    conds, params = [], []
    positive = tsquery_sql(query.positive)
    if positive is not None:
        match = f"{alias}.tsv @@ {positive[0]}"
        params += positive[1]
        if query.exact:
            match = f"({match} OR lower({alias}.registration_number) = %s)"
            params.append(query.exact)
        conds.append(match)
    elif query.positive:
        conds.append("FALSE")  # only stop words or punctuation: nothing to find
    for clause in query.negative:
        built = clause_sql(clause, variants=False)
        if built is not None:
            conds.append(f"NOT ({alias}.tsv @@ {built[0]})")
            params += built[1]
    for key, values in query.filters.items():
        cond, value = _filter(alias, key, values)
        conds.append(cond)
        params.append(value)
    return (" AND ".join(conds) or "TRUE"), params


def _filter(alias: str, key: str, values: tuple[str, ...]) -> tuple[str, object]:
    if key == "format":
        return f"{alias}.formats && %s::text[]", list(values)
    column, sql_type = FILTER_COLUMNS[key]
    if sql_type == "int[]":
        return f"{alias}.{column} = ANY(%s::int[])", [int(v) for v in values if v.isdigit()]
    return f"{alias}.{column} = ANY(%s::text[])", list(values)


def rank_sql(query: SearchQuery, alias: str = "d") -> tuple[str, list]:
    """Relevance: ts_rank with the weights A title/registration number, B metadata,
    D body; an exact registration number first. (ts_rank_cd, cover density, cost
    up to twice as much on broad queries, for rankings staff could not tell apart.)"""
    positive = tsquery_sql(query.positive)
    if positive is None:
        return "0.0", []
    sql = f"ts_rank({alias}.tsv, {positive[0]})"
    params = list(positive[1])
    if query.exact:
        sql += f" + CASE WHEN lower({alias}.registration_number) = %s THEN 1.0 ELSE 0.0 END"
        params.append(query.exact)
    return sql, params
