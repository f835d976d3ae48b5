"""Masking of personal identity numbers in everything the public side shows.

Why keep the birth date: ``19121212-XXXX`` tells a reader that a person is named
(and which of several namesakes) without the full number, which together with a name
is what makes identity theft and register lookups possible. Only numbers that are
real personnummer or samordningsnummer (valid date and Luhn digit, see
``catalog.records.personal_ids``) are masked; diary numbers and organisation numbers
stay readable.
"""

from __future__ import annotations

import re

from samarkiv.catalog.records.personal_ids import classify

MASK = "XXXX"
# the same shape personal_ids looks for: 10 or 12 digits, optional -/+ (also a space)
_CANDIDATE = re.compile(r"(?<![\d\w])(\d{2})?(\d{6})([-+ ]?)(\d{4})(?![\d\w])")


def mask_personal_ids(text: str) -> str:
    """``text`` with every personal identity number written as ``YYYYMMDD-XXXX``."""
    if not text or not any(ch.isdigit() for ch in text):
        return text or ""
    return _CANDIDATE.sub(_replace, text)


def _replace(match: re.Match[str]) -> str:
    raw = match.group(0)
    number = classify(raw.replace(" ", "-") if match.group(3) == " " else raw)
    if number is None or not number.personal:
        return raw
    return number.value[:8] + "-" + MASK


def mask_all(*texts: str) -> list[str]:
    return [mask_personal_ids(t) for t in texts]
