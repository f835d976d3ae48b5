"""Forms of the staff UI."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from samarkiv.errors import UsageError
from samarkiv.ingest import queries
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.uploads import container_suffix
from samarkiv.packages import validation

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


def tenant_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in queries.tenants()]


def any_tenant_choices() -> list[tuple[str, str]]:
    return [("", _("Alla kommuner")), *tenant_choices()]


def any_state_choices() -> list[tuple[str, str]]:
    return [("", _("Alla statusar")), *IngestState.choices]


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


class IngestUploadForm(PackageUploadForm):
    """Ingest a package for one tenant: the delivery becomes an AIP when it is valid."""

    tenant = forms.ChoiceField(label=_("Kommun"), choices=tenant_choices)
    agreement = forms.CharField(
        label=_("Leveransöverenskommelse (valfritt)"),
        help_text=_("Beteckningen på överenskommelsen, till exempel LÖ 2024:3."),
        max_length=255,
        required=False,
    )

    field_order = ["tenant", "package", "agreement"]


class IngestFilterForm(forms.Form):
    """The GET filters of the ingest list."""

    tenant = forms.ChoiceField(label=_("Kommun"), choices=any_tenant_choices, required=False)
    state = forms.ChoiceField(label=_("Status"), choices=any_state_choices, required=False)


class AipFilterForm(forms.Form):
    """The GET filter of the AIP list."""

    tenant = forms.ChoiceField(label=_("Kommun"), choices=any_tenant_choices, required=False)


def filters(form: forms.Form) -> dict[str, str]:
    """The chosen filter values of a bound, valid filter form; none otherwise."""
    if not form.is_bound or not form.is_valid():
        return {}
    return {name: value for name, value in form.cleaned_data.items() if value}
