"""The submission agreement form: what a delivery under it may contain, and where it goes.

The choices are narrowed to the acting tenant (its records creators, its people), so
the form itself cannot point an agreement at another municipality's objects; the
service checks again.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samarkiv.catalog.models import RecordsCreator
from samarkiv.delivery.agreements import FIELDS, PUID
from samarkiv.delivery.choices import Specification
from samarkiv.delivery.models import SubmissionAgreement
from samarkiv.preservation.locations import storage_config
from samarkiv.web.manage.forms import DateInput


def policy_choices() -> list[tuple[str, str]]:
    """The storage policies of the configuration, each with the locations it writes."""
    policies = storage_config().policies
    return [
        ("", _("Kommunens standardpolicy")),
        *((name, f"{name} ({', '.join(locations)})") for name, locations in policies.items()),
    ]


class DepositorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{obj.get_username()} ({full})" if full else obj.get_username()


class AgreementForm(forms.Form):
    code = forms.SlugField(
        label=_("Kod"),
        max_length=64,
        help_text=_("Kort beteckning med bokstäver, siffror och bindestreck, t.ex. ks-diarium."),
    )
    name = forms.CharField(label=_("Namn"), max_length=255)
    records_creator = forms.ModelChoiceField(
        label=_("Arkivbildare"),
        queryset=RecordsCreator.objects.none(),
        required=False,
        empty_label=_("(ingen angiven)"),
    )
    business_system = forms.CharField(label=_("Verksamhetssystem"), max_length=255, required=False)
    information_type = forms.CharField(label=_("Informationstyp"), max_length=255, required=False)
    specifications = forms.MultipleChoiceField(
        label=_("Tillåtna specifikationer"),
        choices=Specification.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en specifikation.")},
    )
    allowed_formats = forms.CharField(
        label=_("Tillåtna format (PRONOM-id)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 24, "spellcheck": "false"}),
        help_text=_("Ett PRONOM-id per rad, t.ex. fmt/95. Tomt: alla format tas emot."),
    )
    storage_policy = forms.ChoiceField(label=_("Lagringspolicy"), required=False)
    depositors = DepositorField(
        label=_("Får leverera"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Personer och verksamhetssystem i kommunen som får leverera under den."),
    )
    valid_from = forms.DateField(label=_("Gäller från"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Gäller till"), required=False, widget=DateInput())
    active = forms.BooleanField(label=_("Gäller (aktiv)"), required=False, initial=True)

    def __init__(self, *args, tenant: str, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # deliveries and AIPs refer to the code: it is fixed once made
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Koden kan inte ändras.")
        self.fields["records_creator"].queryset = RecordsCreator.objects.filter(tenant_id=tenant)
        self.fields["depositors"].queryset = (
            get_user_model()
            .objects.filter(memberships__tenant_id=tenant, is_active=True)
            .distinct()
            .order_by("username")
        )
        choices = policy_choices()
        current = self.initial.get("storage_policy")
        if current and current not in dict(choices):  # removed from the config since
            choices.append((current, _("%(name)s (finns inte längre)") % {"name": current}))
        self.fields["storage_policy"].choices = choices

    def clean_allowed_formats(self) -> list[str]:
        """One PUID a line; blank lines and surrounding spaces do not count."""
        lines = [line.strip() for line in self.cleaned_data["allowed_formats"].splitlines()]
        puids = list(dict.fromkeys(line for line in lines if line))
        wrong = [puid for puid in puids if not PUID.match(puid)]
        if wrong:
            raise forms.ValidationError(
                _("Inte ett PRONOM-id: %(wrong)s. Skriv till exempel fmt/95 eller x-fmt/18."),
                code="puid",
                params={"wrong": ", ".join(wrong)},
            )
        return puids

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Slutdatumet ligger före startdatumet."))
        return data


def initial_of(agreement: SubmissionAgreement) -> dict:
    """The form's starting values for an existing agreement."""
    values = {name: getattr(agreement, name) for name in FIELDS if name != "depositors"}
    values["allowed_formats"] = "\n".join(agreement.allowed_formats or [])
    values["records_creator"] = agreement.records_creator_id
    values["depositors"] = list(agreement.depositors.values_list("pk", flat=True))
    return values
