"""Forms of the staff UI."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from samarkiv.errors import UsageError
from samarkiv.ingest.uploads import container_suffix
from samarkiv.packages import validation

SPEC_LABELS = {
    "auto": _("Automatiskt (läses av från paketet)"),
    "csip-2.2": "E-ARK CSIP/SIP 2.2",
    "csip-2.1": "E-ARK CSIP/SIP 2.1",
    "csip-2.0.4": "E-ARK CSIP/SIP 2.0.4",
    "fgs-1.2": _("FGS Paketstruktur 1.2"),
}


def spec_choices() -> list[tuple[str, str]]:
    """Every specification the validator knows, labelled for people where we can."""
    return [(spec, SPEC_LABELS.get(spec, spec)) for spec in validation.SPECIFICATIONS]


class UploadForm(forms.Form):
    package = forms.FileField(
        label=_("Paket"),
        help_text=_("En ZIP- eller TAR-fil (.zip, .tar, .tar.gz) med ett informationspaket."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.tar,.tar.gz,.tgz"}),
    )
    specification = forms.ChoiceField(label=_("Specifikation"), choices=spec_choices)

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
