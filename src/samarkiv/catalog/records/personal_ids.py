"""Swedish identity numbers in metadata: personnummer, samordningsnummer, organisationsnummer.

Why: cases name private persons by their personnummer; the archive must know which records
carry personal data (for masking, access decisions and GDPR requests) without a human
reading every case. A number counts only when its date is real and the Luhn check digit
holds, so diary numbers, dates and phone numbers are not mistaken for people.
Organisation numbers (the month position is 20 or more) identify companies and
authorities: not personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
ORGANISATIONSNUMMER = "organisationsnummer"
PERSONAL_KINDS = frozenset({PERSONNUMMER, SAMORDNINGSNUMMER})

# 10 or 12 digits, optionally "-" or "+" before the last four; not inside a longer number.
_NUMBER = re.compile(r"(?<![\d\w])(\d{2})?(\d{6})([-+]?)(\d{4})(?![\d\w])")


@dataclass(frozen=True)
class IdNumber:
    kind: str  # PERSONNUMMER | SAMORDNINGSNUMMER | ORGANISATIONSNUMMER
    value: str  # normalised: YYYYMMDD-NNNN for persons, NNNNNN-NNNN for organisations

    @property
    def personal(self) -> bool:
        return self.kind in PERSONAL_KINDS


def luhn_valid(digits: str) -> bool:
    """The mod-10 check of Swedish identity numbers, over the 10-digit form."""
    total = 0
    for i, char in enumerate(digits):
        value = int(char) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _century_year(yy: int, plus: bool, today: dt.date) -> int:
    """The full year of a 10-digit number: the latest plausible one ('+' = 100 or older)."""
    year = today.year - (today.year - yy) % 100
    return year - 100 if plus else year


def _as_person(
    century: str | None, six: str, sep: str, last4: str, today: dt.date
) -> IdNumber | None:
    yy, month, day = int(six[:2]), int(six[2:4]), int(six[4:6])
    kind = PERSONNUMMER
    if day > 60:
        kind, day = SAMORDNINGSNUMMER, day - 60
    year = int(century + six[:2]) if century else _century_year(yy, sep == "+", today)
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return None
    if born > today or year < 1850:
        return None
    return IdNumber(kind, f"{year:04d}{six[2:]}-{last4}")


def classify(value: str, *, today: dt.date | None = None) -> IdNumber | None:
    """The identity number that ``value`` is (whitespace allowed), or None."""
    match = _NUMBER.fullmatch(value.strip())
    return _from_match(match, today or dt.date.today()) if match else None


def _from_match(match: re.Match[str], today: dt.date) -> IdNumber | None:
    century, six, sep, last4 = match.groups()
    if not luhn_valid(six + last4):
        return None
    if int(six[2:4]) >= 20:
        if century and century != "16":  # organisationsnummer may carry the prefix 16
            return None
        return IdNumber(ORGANISATIONSNUMMER, f"{six}-{last4}")
    if century and century not in ("18", "19", "20"):
        return None
    return _as_person(century, six, sep, last4, today)


def find_ids(text: str, *, today: dt.date | None = None) -> list[IdNumber]:
    """Every valid identity number in free text, in order of appearance."""
    today = today or dt.date.today()
    found = []
    for match in _NUMBER.finditer(text or ""):
        number = _from_match(match, today)
        if number is not None:
            found.append(number)
    return found


def find_personal_ids(text: str) -> list[str]:
    """The personnummer and samordningsnummer in free text, normalised."""
    return [number.value for number in find_ids(text) if number.personal]
