"""Swedish word forms: the analyzer both backends agree on, and what Snowball misses.

Snowball's Swedish stemmer (tantivy and PostgreSQL both use it) folds most
inflections onto one stem: förskola, förskolor, förskolorna -> "förskol";
äldreomsorgen -> "äldreomsorg". It leaves some definite forms alone, which a Swedish
reader expects to match: "förskolan" (first declension -an), "ärendet", "barnet",
"protokollet" (neuter -et; PostgreSQL's older Snowball also keeps "beslutet"). Rather
than re-stem the index (impossible for PostgreSQL without installing dictionaries on
the server), a query word is widened to the few forms its stem can take; each backend
stems them its own way and ORs them in.
"""

from __future__ import annotations

from functools import lru_cache

import tantivy

DEFINITE_ENDINGS = ("an", "et", "en")
MIN_STEM = 4  # shorter stems ("pl" from "plan") would match unrelated words


@lru_cache(maxsize=1)
def stemming_analyzer() -> tantivy.TextAnalyzer:
    """Words split on non-alphanumerics, lower-cased, Snowball-stemmed (Swedish)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("swedish"))
        .build()
    )


@lru_cache(maxsize=1)
def plain_analyzer() -> tantivy.TextAnalyzer:
    """The same split and lower case, no stemming (registration numbers, prefixes)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def stems(text: str) -> list[str]:
    return stemming_analyzer().analyze(text)


def words(text: str) -> list[str]:
    return plain_analyzer().analyze(text)


def variant_forms(word: str) -> list[str]:
    """Surface forms to OR with a one-word query so that definite forms match.

    "förskolorna" -> stem "förskol" -> "förskol", "förskolan", "förskolet";
    "förskolan" (a stem Snowball left whole) -> "förskol", "förskolet".
    Returns forms other than the word itself; nothing for numbers, short words or
    several words.
    """
    found = stems(word)
    if len(found) != 1 or found[0].isdigit() or len(found[0]) < MIN_STEM:
        return []
    stem = found[0]
    base = stem
    for ending in DEFINITE_ENDINGS:
        if stem.endswith(ending) and len(stem) - len(ending) >= MIN_STEM:
            base = stem[: -len(ending)]
            break
    # the bare base too: PostgreSQL's older Snowball keeps some forms whole
    # ("beslutet") that tantivy's strips, so its stem of the word may not be ``base``
    return sorted({base, base + "an", base + "et"} - {word.lower()})


def variant_stems(word: str) -> list[str]:
    """The stems (tantivy's) of :func:`variant_forms`, without the word's own stem."""
    own = set(stems(word))
    out = {s for form in variant_forms(word) for s in stems(form)} - own
    return sorted(out)
