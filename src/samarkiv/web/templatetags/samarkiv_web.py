"""Template filters that turn report vocabulary into words for people."""

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

SEVERITY_LABELS = {
    "error": pgettext_lazy("severity", "Fel"),
    "warning": _("Varning"),
    "info": _("Upplysning"),
}
# RFC 2119 keywords as the Swedish translations of the E-ARK specifications use them.
LEVEL_LABELS = {"MUST": _("SKA"), "SHOULD": _("BÖR"), "MAY": _("KAN")}


@register.filter
def severity_label(value: str) -> str:
    return SEVERITY_LABELS.get(value, value)


@register.filter
def level_label(value: str) -> str:
    return LEVEL_LABELS.get(value, value)
