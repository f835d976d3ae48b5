"""Highlights as safe HTML: the text escaped, only our own ``<mark>`` tags left raw.

Why here and not in a template: the fragments come from engines (tantivy snippets,
PostgreSQL ``ts_headline``) that would happily pass on a ``<script>`` from an archived
document's text. Every fragment goes through one of these two functions.
"""

from __future__ import annotations

import html

# ts_headline start/stop markers: control characters that cannot occur in indexed text
# (documents.clean_text removes them), so they survive to be replaced after escaping.
START, STOP = "\x02", "\x03"


def mark_byte_ranges(fragment: str, ranges: list[tuple[int, int]]) -> str:
    """Escape ``fragment``, wrapping the UTF-8 byte ``ranges`` in ``<mark>``."""
    raw = fragment.encode("utf-8")
    out: list[str] = []
    pos = 0
    for start, end in sorted(ranges):
        if start < pos or end <= start:
            continue
        out.append(html.escape(raw[pos:start].decode("utf-8", "replace")))
        out.append("<mark>" + html.escape(raw[start:end].decode("utf-8", "replace")) + "</mark>")
        pos = end
    out.append(html.escape(raw[pos:].decode("utf-8", "replace")))
    return "".join(out).strip()


def from_sentinels(fragment: str) -> str:
    """Escape a ``ts_headline`` fragment, turning START/STOP into ``<mark>``/``</mark>``."""
    escaped = html.escape(fragment)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>").strip()


def has_mark(fragment: str) -> bool:
    return "<mark>" in fragment
