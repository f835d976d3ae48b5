"""What a user may type in the search box, parsed once for every backend.

Why our own small parser and not each engine's: the same words must give the same
hits on tantivy and on PostgreSQL, and user input must never be able to reach an
engine's query syntax (field names, regexes, boosts). The language:

- ``word``: the word in any inflection (Swedish stemming), AND between words;
- ``"several words"``: those words next to each other (a phrase);
- ``prefix*``: any word starting with ``prefix``;
- ``word~``: the word spelt up to one or two letters differently (tantivy; PostgreSQL
  searches the plain word);
- ``-word`` / ``-"a phrase"``: without it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

FACET_KEYS = (
    "tenant",
    "records_creator",
    "classification",
    "period",
    "document_type",
    "format",
    "kind",
)
MAX_QUERY_CHARS = 500
MAX_CLAUSES = 20

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class ClauseKind(enum.StrEnum):
    TERM = "term"
    PHRASE = "phrase"
    PREFIX = "prefix"
    FUZZY = "fuzzy"


@dataclass(frozen=True)
class Clause:
    kind: ClauseKind
    text: str
    negated: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """One search as the backends receive it: parsed text, filters, one page.

    ``filters`` maps a facet key to the values of which a hit must have one (OR inside a
    key, AND between keys); the service has already put the scope's tenant in it.
    ``exact`` is the whole query as typed, matched against registration numbers as one
    token, so "BN 2023/145" finds that case first however the engine splits it.
    """

    clauses: tuple[Clause, ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    offset: int = 0
    limit: int = 20
    exact: str = ""
    facets: bool = True
    highlights: bool = True

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)


def parse(text: str) -> tuple[Clause, ...]:
    """Split a typed query into clauses; never raises, whatever was typed."""
    clauses: list[Clause] = []
    for match in _TOKEN.finditer(text[:MAX_QUERY_CHARS]):
        quoted_neg, phrase, bare = match.groups()
        if bare is None:
            words = " ".join(phrase.split())
            if any(ch.isalnum() for ch in words):
                clauses.append(Clause(ClauseKind.PHRASE, words, negated=bool(quoted_neg)))
        else:
            clause = _bare(bare)
            if clause is not None:
                clauses.append(clause)
    return tuple(clauses[:MAX_CLAUSES])


def _bare(token: str) -> Clause | None:
    negated = token.startswith("-") and len(token) > 1
    if negated:
        token = token[1:]
    kind = ClauseKind.TERM
    if token.endswith("*"):
        kind, token = ClauseKind.PREFIX, token.rstrip("*")
    elif re.search(r"~\d?$", token):
        kind, token = ClauseKind.FUZZY, re.sub(r"~\d?$", "", token)
    token = token.strip('"')
    if not any(ch.isalnum() for ch in token):
        return None
    return Clause(kind, token, negated)


def exact_text(text: str) -> str:
    """The query as one registration number: quotes dropped, spaces collapsed, lower case."""
    return " ".join(text.replace('"', " ").split()).lower()[:128]
