"""The tantivy index layout: fields, analyzers, and opening the index directory.

Why these fields: ``title``/``body``/``meta`` are stemmed Swedish text; the
registration number is indexed twice, as one lower-cased token (``regno``: the query
"BN 2023/145" as a whole) and as plain words (``regno_text``: "2023/145" inside it);
facets are raw fast fields, counted with term aggregations; dates are yyyymmdd
integers. ``SCHEMA_VERSION`` changes whenever this layout does: an index of another
version is thrown away and rebuilt from the catalogue (it is only a projection).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import tantivy

from samarkiv.access.search import swedish

SCHEMA_VERSION = "1"
VERSION_FILE = "samarkiv-schema-version"

SV = "sv_stem"
SV_PLAIN = "sv_plain"
EXACT = "sv_exact"

# facet key -> raw fast field
FACET_FIELDS = {
    "tenant": "tenant",
    "records_creator": "records_creator",
    "classification": "classification",
    "period": "period",
    "document_type": "document_type",
    "format": "format",
    "kind": "kind",
}
# searched text fields and their weight
TEXT_BOOSTS = {"title": 3.0, "regno_text": 3.0, "meta": 1.5, "body": 1.0}
STEMMED_FIELDS = ("title", "meta", "body")


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("record_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("aip_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name=SV)
    sb.add_text_field("regno", stored=True, tokenizer_name=EXACT)
    sb.add_text_field("regno_text", tokenizer_name=SV_PLAIN)
    sb.add_text_field("meta", tokenizer_name=SV)
    sb.add_text_field("body", stored=True, tokenizer_name=SV)
    for name in FACET_FIELDS.values():
        sb.add_text_field(name, stored=name in ("tenant", "kind"), fast=True, tokenizer_name="raw")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_unsigned_field("date_start", stored=True)
    sb.add_unsigned_field("date_end", stored=True)
    return sb.build()


def register_analyzers(index: tantivy.Index) -> None:
    """Analyzers are not stored in the index: register them every time it is opened."""
    index.register_tokenizer(SV, swedish.stemming_analyzer())
    index.register_tokenizer(SV_PLAIN, swedish.plain_analyzer())
    exact = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
        .filter(tantivy.Filter.lowercase())
        .build()
    )
    index.register_tokenizer(EXACT, exact)


def open_index(path: Path) -> tuple[tantivy.Index, bool]:
    """Open (or create) the index at ``path``; True when it had to be created afresh.

    An index written with another ``SCHEMA_VERSION`` (or not by us) is removed: the
    caller must then re-index every AIP.
    """
    marker = path / VERSION_FILE
    existing = path.exists() and any(path.iterdir())
    stale = existing and (
        not marker.exists() or marker.read_text(encoding="ascii").strip() != SCHEMA_VERSION
    )
    if stale:
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(build_schema(), path=str(path), reuse=True)
    register_analyzers(index)
    marker.write_text(SCHEMA_VERSION + "\n", encoding="ascii")
    return index, not existing or stale
