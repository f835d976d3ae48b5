"""Cell values: SIARD text ↔ Python, including the spec's escaping of odd characters.

SIARD 2.x (§ "Escaping of characters", table XML) writes characters that XML 1.0 cannot carry
(control characters, lone surrogates, U+FFFE/U+FFFF) and the backslash itself as ``\\uXXXX``.
Real SiardCmd output also escapes U+007F–U+009F and a leading/trailing blank, so the
unescaper accepts every ``\\uXXXX``. Carriage return is escaped too: an XML parser turns CR
into LF, which would silently change the value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

_UNESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")
_NEEDS_ESCAPE = re.compile("[\\\\\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def escape_text(value: str) -> str:
    """Escape a string for a SIARD cell (the XML writer then handles & < >)."""
    if not _NEEDS_ESCAPE.search(value):
        return value
    return _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)


def unescape_text(value: str) -> str:
    r"""Undo ``\uXXXX`` escapes (the reverse of :func:`escape_text`, tolerant of any)."""
    if "\\u" not in value:
        return value
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def _to_bool(text: str) -> bool:
    return text.strip().lower() in ("true", "1")


def _to_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip().rstrip("Z")[:10])


def _strip_zone(text: str) -> str:
    text = text.strip()
    if text.endswith("Z"):
        return text[:-1]
    return text


def _frac6(text: str) -> str:
    """Python parses at most 6 fractional digits; SIARD allows 9 (nanoseconds)."""
    if "." not in text:
        return text
    head, frac = text.split(".", 1)
    return f"{head}.{frac[:6]}"


def _to_time(text: str) -> dt.time:
    return dt.time.fromisoformat(_frac6(_strip_zone(text)))


def _to_datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(_frac6(_strip_zone(text)))


def _to_float(text: str) -> float:
    text = text.strip()
    return float({"INF": "inf", "-INF": "-inf", "NaN": "nan"}.get(text, text))


def _to_bytes(text: str) -> bytes:
    return bytes.fromhex(text.strip())


_CONVERTERS: dict[str, Callable[[str], object]] = {
    "INT": int,
    "INTEGER": int,
    "SMALLINT": int,
    "BIGINT": int,
    "DECIMAL": Decimal,
    "DEC": Decimal,
    "NUMERIC": Decimal,
    "REAL": _to_float,
    "FLOAT": _to_float,
    "DOUBLE PRECISION": _to_float,
    "DOUBLE": _to_float,
    "BOOLEAN": _to_bool,
    "DATE": _to_date,
    "TIME": _to_time,
    "TIME WITH TIME ZONE": _to_time,
    "TIMESTAMP": _to_datetime,
    "TIMESTAMP WITH TIME ZONE": _to_datetime,
    "BINARY": _to_bytes,
    "VARBINARY": _to_bytes,
    "BINARY VARYING": _to_bytes,
    "BLOB": _to_bytes,
    "BINARY LARGE OBJECT": _to_bytes,
}


def base_type(sql_type: str | None) -> str:
    """``NUMERIC(10, 3)`` → ``NUMERIC``; ``TIMESTAMP(6) WITH TIME ZONE`` keeps the zone."""
    text = re.sub(r"\([^)]*\)", "", sql_type or "").strip().upper()
    return re.sub(r"\s+", " ", text)


_DURATION = re.compile(r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def _to_interval(text: str) -> object:
    """Day-time xs:duration → timedelta; year-month ones (P1Y2M) stay text."""
    match = _DURATION.match(text.strip())
    if not match or text.strip() in ("P", "-P"):
        return unescape_text(text)
    sign, days, hours, minutes, seconds = match.groups()
    delta = dt.timedelta(
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=float(Decimal(seconds or 0)),
    )
    return -delta if sign else delta


def converter(sql_type: str | None) -> Callable[[str], object]:
    """The text → Python function for a SQL:2008 type; strings for everything else.

    INTERVAL values come back as timedelta when they are day-time durations."""
    name = base_type(sql_type)
    if name.startswith("INTERVAL"):
        return _to_interval
    return _CONVERTERS.get(name, unescape_text)


def format_value(value: object) -> str:
    """Python → SIARD cell text (already escaped; the XML writer escapes & < >)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return _format_decimal(value) if isinstance(value, Decimal) else str(value)
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex().upper()
    if isinstance(value, dt.datetime):
        return _format_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.timedelta):
        return _format_interval(value)
    return escape_text(str(value))


def _format_decimal(value: Decimal) -> str:
    if not value.is_finite():
        return str(value)
    return format(value, "f")


def _format_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    return repr(value)


def _format_datetime(value: dt.datetime) -> str:
    """UTC with a Z when the source has a zone (the table.xsd dateTimeType is UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    return value.isoformat()


def _format_interval(value: dt.timedelta) -> str:
    """xs:duration, e.g. ``P1DT2H3M4.5S``; negative intervals get a leading minus."""
    sign = "-" if value < dt.timedelta(0) else ""
    value = abs(value)
    seconds = value.seconds + value.microseconds / 1_000_000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    sec_text = f"{secs:.6f}".rstrip("0").rstrip(".")
    return f"{sign}P{value.days}DT{int(hours)}H{int(minutes)}M{sec_text}S"
