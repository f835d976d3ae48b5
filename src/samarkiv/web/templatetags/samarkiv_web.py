"""Template filters that turn report and catalogue vocabulary into words for people."""

from pathlib import PurePath

from django import template
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samarkiv.ingest.choices import IngestState
from samarkiv.preservation.choices import AipState, FindingState
from samarkiv.preservation.queries import alert_count

register = template.Library()

SEVERITY_LABELS = {
    "error": pgettext_lazy("severity", "Fel"),
    "warning": _("Varning"),
    "info": _("Upplysning"),
}
# RFC 2119 keywords as the Swedish translations of the E-ARK specifications use them.
LEVEL_LABELS = {"MUST": _("SKA"), "SHOULD": _("BÖR"), "MAY": _("KAN")}

# Badge colours; the badge always carries its text, colour only repeats it.
STATE_CLASSES = {
    IngestState.DONE: "ok",
    IngestState.DUPLICATE: "neutral",
    IngestState.REJECTED: "bad",
    IngestState.FAILED: "bad",
    IngestState.INTERRUPTED: "bad",
}
OUTCOME_CLASSES = {"success": "ok", "failure": "bad", "warning": "warn"}
AIP_STATE_CLASSES = {AipState.PRESERVED: "ok", AipState.INCOMPLETE: "warn"}
FINDING_STATE_CLASSES = {FindingState.REPAIRED: "ok", FindingState.OPEN: "warn"}
LOCATION_KINDS = {"local": _("Lokal disk"), "s3": _("S3-objektlagring")}


@register.filter
def severity_label(value: str) -> str:
    return SEVERITY_LABELS.get(value, value)


@register.filter
def level_label(value: str) -> str:
    return LEVEL_LABELS.get(value, value)


@register.filter
def state_class(value: str) -> str:
    """CSS modifier of an ingest state badge: ok, bad, neutral or running."""
    return STATE_CLASSES.get(value, "running")


@register.filter
def outcome_class(value: str) -> str:
    """CSS modifier of a PREMIS event outcome badge."""
    return OUTCOME_CLASSES.get(value, "neutral")


@register.filter
def number(value) -> str:
    """An integer in the reader's number format: 12 345 in Swedish, 12,345 in English."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


@register.filter
def basename(value: str) -> str:
    """The last component of a delivery's path: what the deliverer called it."""
    return PurePath(str(value)).name or str(value)


@register.filter
def short_digest(value: str, length: int = 12) -> str:
    """The first characters of a checksum, enough to compare by eye."""
    return f"{value[:length]}…" if value and len(value) > length else value


@register.filter
def aip_state_class(value: str) -> str:
    """CSS modifier of an AIP state badge: ok, warn (copies missing) or bad (damaged)."""
    return AIP_STATE_CLASSES.get(value, "bad")


@register.filter
def finding_state_class(value: str) -> str:
    """CSS modifier of an audit finding: ok (repaired), warn (open) or bad (unrepairable)."""
    return FINDING_STATE_CLASSES.get(value, "bad")


@register.filter
def location_kind(value: str) -> str:
    """'Lokal disk' / 'S3-objektlagring'; a location no longer configured says so."""
    return LOCATION_KINDS.get(value) or _("inte konfigurerad")


@register.simple_tag
def storage_alert_count(scope) -> int:
    """Open storage alerts, for the badge in the navigation (0 for non-operators)."""
    return alert_count(scope)
