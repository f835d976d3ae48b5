"""Forms of the planning pages: an installation, the plan settings, a pin, an upload.

The forms only check shapes; the service (``planning.service``) decides who may change
what and keeps references within the installation's municipality.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samarkiv.planning.models import Installation, PlanSettings
from samarkiv.planning.service import SETTING_FIELDS
from samarkiv.planning.spreadsheet import parse_information_types

INSTALLATION_FIELDS = [
    "name",
    "domain",
    "records_creators_text",
    "records_creators",
    "volume_gb",
    "record_count",
    "formats",
    "fgs_export",
    "siard_able",
    "vendor_export_module",
    "export_module_cost",
    "end_of_support",
    "contract_end",
    "licence_cost",
    "operations_cost",
    "support_cost",
    "activity_ceased",
    "requests_per_year",
    "registry_care_done",
    "disposal_done",
    "prerequisites_expected",
    "pilot",
    "effort_hours",
    "agreement",
    "notes",
]


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class InstallationForm(forms.ModelForm):
    product_name = forms.CharField(label=_("System (produkt)"), max_length=200)
    product_vendor = forms.CharField(label=_("Leverantör"), max_length=200, required=False)
    information_types_text = forms.CharField(
        label=_("Informationstyper"),
        required=False,
        help_text=_("Namn:bevaras eller Namn:gallras, åtskilda med semikolon."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Installation
        fields = INSTALLATION_FIELDS
        widgets = {
            "end_of_support": DateInput(),
            "contract_end": DateInput(),
            "prerequisites_expected": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, tenant: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from samarkiv.catalog.models import RecordsCreator
        from samarkiv.delivery.models import SubmissionAgreement

        self.fields["records_creators"].queryset = RecordsCreator.objects.filter(tenant_id=tenant)
        self.fields["records_creators"].required = False
        self.fields["agreement"].queryset = SubmissionAgreement.objects.filter(tenant_id=tenant)
        self.order_fields(["product_name", "product_vendor", "name", "domain"])
        if self.instance.pk:
            self.initial["product_name"] = self.instance.product.name
            self.initial["product_vendor"] = self.instance.product.vendor
            words = {"keep": "bevaras", "dispose": "gallras"}
            self.initial["information_types_text"] = "; ".join(
                f"{t['name']}:{words.get(t['retention'], t['retention'])}"
                for t in self.instance.information_types
            )

    def clean_information_types_text(self) -> list[dict]:
        try:
            return parse_information_types(self.cleaned_data.get("information_types_text") or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def _post_clean(self) -> None:
        """Skip the model's own validation: the product is set by the service."""

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in INSTALLATION_FIELDS}
        data["information_types"] = self.cleaned_data["information_types_text"]
        data["product_name"] = self.cleaned_data["product_name"]
        data["product_vendor"] = self.cleaned_data["product_vendor"]
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PlanSettings
        fields = list(SETTING_FIELDS)


class PinForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    quarter = forms.TypedChoiceField(
        label=_("Kvartal"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, labels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [("", _("Släpp (ingen fästning)"))] + [
            (str(index), text) for index, text in enumerate(labels)
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med inventering (XLSX eller CSV)"),
        help_text=_("Använd mallen. Ingenting sparas om någon rad har fel."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Filen ska vara .xlsx eller .csv."))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("Filen är större än 20 MB."))
        return upload
