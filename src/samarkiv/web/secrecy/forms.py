"""Forms of the secrecy pages: publication rules and secrecy markings.

Choices (series, classes, agreements, a record's files) are always the acting
tenant's own: the form is the first fence, the service the second.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samarkiv.access.publication.choices import HarmTest


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    publish = forms.TypedChoiceField(
        label=_("Vad regeln gör"),
        choices=[("1", _("Publicera på webben")), ("0", _("Publicera aldrig"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    document_type = forms.CharField(
        label=_("Handlingstyp innehåller"),
        max_length=128,
        required=False,
        help_text=_("T.ex. ”ritning”. Tomt: alla handlingstyper."),
    )
    classification_prefix = forms.CharField(
        label=_("Klassificering börjar med"),
        max_length=64,
        required=False,
        help_text=_("T.ex. 3.4. Tomt: alla klasser."),
    )
    records_creator = forms.CharField(
        label=_("Arkivbildare"), max_length=255, required=False, help_text=_("Hela namnet.")
    )
    series = forms.ModelChoiceField(
        label=_("Serie"), queryset=None, required=False, empty_label=_("Alla serier")
    )
    min_age_years = forms.IntegerField(
        label=_("Publiceras först efter (år)"),
        min_value=0,
        max_value=200,
        required=False,
        help_text=_("Räknat från postens slutdatum (annars startdatum). Tomt: direkt."),
    )

    def __init__(self, *args, tenant: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from samarkiv.catalog.models import Series

        self.fields["series"].queryset = Series.objects.filter(tenant_id=tenant).order_by(
            "archive", "sort_key"
        )


class MarkingForm(forms.Form):
    """The assessment itself; the target field is added per target."""

    ground = forms.CharField(
        label=_("Sekretessgrund"),
        max_length=255,
        required=False,
        help_text=_("Kapitel och paragraf i OSL, t.ex. 26 kap. 1 § OSL."),
    )
    harm_test = forms.ChoiceField(
        label=_("Skaderekvisit"),
        choices=[("", _("Inte angivet")), *HarmTest.choices],
        required=False,
    )
    max_years = forms.IntegerField(
        label=_("Längsta sekretesstid (år)"),
        min_value=0,
        max_value=150,
        required=False,
        help_text=_("Tomt: ingen tidsgräns (sekretessen gäller tills den tas bort)."),
    )
    period_start = forms.DateField(
        label=_("Sekretesstiden räknas från"),
        required=False,
        help_text=_("ÅÅÅÅ-MM-DD. Tomt: postens slutdatum (annars startdatum)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    protected_identity = forms.BooleanField(
        label=_("Skyddade personuppgifter (publiceras aldrig, visas inte alls)"), required=False
    )
    personal_data = forms.BooleanField(label=_("Innehåller personuppgifter"), required=False)
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def target_field(target: str, tenant: str, file_paths: list[str] | None = None):
    """The form field that picks what a marking is on, among the tenant's own."""
    from samarkiv.catalog.models import ClassificationNode, Series
    from samarkiv.delivery.models import SubmissionAgreement

    if target == "series":
        qs = Series.objects.filter(tenant_id=tenant).order_by("archive", "sort_key")
        return "series", forms.ModelChoiceField(label=_("Serie"), queryset=qs)
    if target == "classification":
        qs = ClassificationNode.objects.filter(tenant_id=tenant).order_by("scheme", "sort_key")
        return "classification_node", forms.ModelChoiceField(label=_("Klass"), queryset=qs)
    if target == "agreement":
        qs = SubmissionAgreement.objects.filter(tenant_id=tenant).order_by("name")
        return "agreement", forms.ModelChoiceField(label=_("Leveransöverenskommelse"), queryset=qs)
    choices = [("", _("Hela posten"))] + [(p, p) for p in file_paths or []]
    return "file_path", forms.ChoiceField(
        label=_("Gäller"),
        choices=choices,
        required=False,
        help_text=_("Välj en fil för att bara dölja den filen."),
    )


def marking_form(data, target: str, tenant: str, file_paths: list[str] | None = None):
    form = MarkingForm(data)
    name, field = target_field(target, tenant, file_paths)
    form.fields = {name: field, **form.fields}
    return form, name
