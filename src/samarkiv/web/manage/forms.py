"""The GET filter forms of the tenancy lists: deliveries and the audit log."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samarkiv.auditlog.choices import AuditAction
from samarkiv.delivery.choices import DeliveryState


class DateInput(forms.DateInput):
    """A native date picker: keyboard- and screen-reader-friendly without any script."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DeliveryFilterForm(forms.Form):
    """Filter the delivery list by state and by agreement (the tenant's own)."""

    state = forms.ChoiceField(label=_("Status"), required=False)
    agreement = forms.TypedChoiceField(
        label=_("Leveransöverenskommelse"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, agreements=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Alla statusar")), *DeliveryState.choices]
        self.fields["agreement"].choices = [
            ("", _("Alla överenskommelser")),
            *((a.pk, a.name) for a in agreements),
        ]


class AuditFilterForm(forms.Form):
    """Filter the audit log; every field narrows, none widens beyond the tenant.

    The same filters as the export takes, so "export what is shown" holds.
    """

    action = forms.ChoiceField(label=_("Händelse"), required=False)
    actor = forms.CharField(
        label=_("Vem"),
        required=False,
        max_length=255,
        help_text=_("Hela namnet, till exempel user:anna eller system:diarium."),
    )

    since = forms.DateField(label=_("Från och med"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Till och med"), required=False, widget=DateInput())
    object_id = forms.CharField(label=_("Objekt-id"), required=False, max_length=255)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Alla händelser")), *AuditAction.choices]

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("Slutdatumet ligger före startdatumet."))
        return data


def chosen(form: forms.Form) -> dict:
    """The filled-in values of a bound, valid filter form; nothing otherwise."""
    if not form.is_bound or not form.is_valid():
        return {}
    return {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}
