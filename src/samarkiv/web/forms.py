"""Forms of the staff UI."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from samarkiv.errors import UsageError
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.uploads import container_suffix
from samarkiv.packages import validation
from samarkiv.preservation.choices import AipState

SPEC_LABELS = {
    "auto": _("Automatiskt (läses av från paketet)"),
    "csip-2.2": "E-ARK CSIP/SIP 2.2",
    "csip-2.1": "E-ARK CSIP/SIP 2.1",
    "csip-2.0.4": "E-ARK CSIP/SIP 2.0.4",
    "fgs-1.2": _("FGS Paketstruktur 1.2"),
}
ACCEPT = ".zip,.tar,.tar.gz,.tgz"


def spec_choices() -> list[tuple[str, str]]:
    """Every specification the validator knows, labelled for people where we can."""
    return [(spec, SPEC_LABELS.get(spec, spec)) for spec in validation.SPECIFICATIONS]


def any_state_choices() -> list[tuple[str, str]]:
    return [("", _("Alla statusar")), *IngestState.choices]


def any_aip_state_choices() -> list[tuple[str, str]]:
    return [("", _("Alla statusar")), *AipState.choices]


def package_field() -> forms.FileField:
    return forms.FileField(
        label=_("Paket"),
        help_text=_("En ZIP- eller TAR-fil (.zip, .tar, .tar.gz) med ett informationspaket."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class PackageUploadForm(forms.Form):
    """A form with one uploaded container, checked for its type and size."""

    package = package_field()

    def clean_package(self):
        upload = self.cleaned_data["package"]
        try:
            container_suffix(upload.name)
        except UsageError as exc:
            raise forms.ValidationError(exc.message, code="container") from exc
        limit = settings.SAMARKIV_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Paketet är större än %(limit)s."),
                code="too_large",
                params={"limit": filesizeformat(limit)},
            )
        return upload


class UploadForm(PackageUploadForm):
    """Validate a package (nothing is kept but the report)."""

    specification = forms.ChoiceField(label=_("Specifikation"), choices=spec_choices)


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"


class IngestUploadForm(PackageUploadForm):
    """Ingest a package for the acting tenant: the delivery becomes an AIP when valid.

    No tenant field: a person delivers for the tenant they act in (the switcher in the
    header changes it), never for one they merely name in a form; and only under an
    agreement in force that lets them deliver (the tenant's manual one, or one that
    names them as depositor).
    """

    agreement = AgreementChoiceField(
        label=_("Leveransöverenskommelse"),
        queryset=None,
        to_field_name="code",
        empty_label=None,
    )

    def __init__(self, scope, *args, **kwargs) -> None:
        from samarkiv.delivery.models import MANUAL_AGREEMENT
        from samarkiv.delivery.services import deliverable_agreements

        super().__init__(*args, **kwargs)
        field = self.fields["agreement"]
        field.queryset = deliverable_agreements(scope).order_by("name")
        field.initial = MANUAL_AGREEMENT


class IngestFilterForm(forms.Form):
    """The GET filter of the ingest list (the tenant is the acting one)."""

    state = forms.ChoiceField(label=_("Status"), choices=any_state_choices, required=False)


class AipFilterForm(forms.Form):
    """The GET filter of the AIP list (the tenant is the acting one)."""

    state = forms.ChoiceField(label=_("Status"), choices=any_aip_state_choices, required=False)


class LoginForm(forms.Form):
    """User name and password; one message for every kind of failure."""

    FAILED = _("Fel användarnamn eller lösenord.")
    SSO_LABEL = _("Logga in med e-legitimation/kommunens inloggning")

    username = forms.CharField(
        label=_("Användarnamn"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def filters(form: forms.Form) -> dict[str, str]:
    """The chosen filter values of a bound, valid filter form; none otherwise."""
    if not form.is_bound or not form.is_valid():
        return {}
    return {name: value for name, value in form.cleaned_data.items() if value}
