"""Forms of the description pages; the service checks every rule again.

Choices are narrowed to the acting tenant, so a form cannot point at another
municipality's creators, series or classes; codes that others refer to are shown but
cannot be changed once made.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samarkiv.catalog.models import (
    AipDescription,
    Archive,
    ClassificationNode,
    ClassificationScheme,
    RecordsCreator,
    RecordsCreatorRelation,
    Series,
    Volume,
)
from samarkiv.web.manage.forms import DateInput

DATES = {
    name: DateInput()
    for name in ("active_from", "active_until", "date_start", "date_end", "date", "valid_from")
}


def _text(rows: int = 6) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 60})


class _Fixed:
    """Marks ``fixed_fields`` read-only once the object exists (they are referred to)."""

    fixed_fields: tuple[str, ...] = ()

    def fix(self, editing: bool) -> None:
        if not editing:
            return
        for name in self.fixed_fields:
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Kan inte ändras: annat hänvisar till den.")


class CreatorForm(_Fixed, forms.ModelForm):
    fixed_fields = ("code",)

    class Meta:
        model = RecordsCreator
        fields = ("code", "name", "org_number", "active_from", "active_until", "description")
        widgets = {**DATES, "description": _text(10)}
        help_texts = {
            "code": _("Kort beteckning med bokstäver, siffror och bindestreck, t.ex. ks.")
        }

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fix(editing)


class RelationForm(forms.ModelForm):
    class Meta:
        model = RecordsCreatorRelation
        fields = ("kind", "target", "date", "note")
        widgets = DATES
        labels = {"target": _("Arkivbildare"), "kind": _("Samband")}
        help_texts = {
            "kind": _("Läses: den här arkivbildaren … den valda, t.ex. ”uppgick i”."),
        }

    def __init__(self, *args, creator: RecordsCreator, **kwargs) -> None:
        kwargs.setdefault(
            "instance", RecordsCreatorRelation(tenant_id=creator.tenant_id, source=creator)
        )
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = RecordsCreator.objects.filter(
            tenant_id=creator.tenant_id
        ).exclude(pk=creator.pk)


class ArchiveForm(forms.ModelForm):
    class Meta:
        model = Archive
        fields = ("reference_code", "title", "date_start", "date_end", "description")
        widgets = {**DATES, "description": _text()}


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = ("code", "title", "date_start", "date_end", "description")
        widgets = {**DATES, "description": _text(4)}


class VolumeForm(forms.ModelForm):
    class Meta:
        model = Volume
        fields = ("number", "title", "date_start", "date_end")
        widgets = DATES


class SchemeForm(_Fixed, forms.ModelForm):
    fixed_fields = ("name",)

    class Meta:
        model = ClassificationScheme
        fields = ("name", "valid_from", "description")
        widgets = {**DATES, "description": _text(4)}
        help_texts = {
            "name": _("T.ex. Klassificeringsstruktur (KLASSA)."),
            "valid_from": _("Tomt: från den dag versionen börjar gälla."),
        }

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fix(editing)


class NodeForm(_Fixed, forms.ModelForm):
    fixed_fields = ("code",)

    class Meta:
        model = ClassificationNode
        fields = ("code", "title", "level", "description")
        widgets = {"description": _text(4)}

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].required = False
        self.fields["level"].choices = [("", _("Efter kodens längd"))] + list(
            self.fields["level"].choices
        )[1:]
        self.fix(editing)


class _Labelled(forms.ModelChoiceField):
    def __init__(self, *args, label_of, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.label_of = label_of

    def label_from_instance(self, obj) -> str:
        return self.label_of(obj)


class AipDescriptionForm(forms.Form):
    """Link an AIP to its creator and to a class, a series (and volume), or both."""

    records_creator = forms.ModelChoiceField(
        label=_("Arkivbildare"), queryset=RecordsCreator.objects.none()
    )
    classification_node = _Labelled(
        label=_("Klass"),
        queryset=ClassificationNode.objects.none(),
        required=False,
        label_of=lambda n: f"{n.code} {n.title} ({n.scheme.name} {n.scheme.version})",
        help_text=_("Processen som arkivpaketet hör till, ur den gällande strukturen."),
    )
    series = _Labelled(
        label=_("Serie"),
        queryset=Series.objects.none(),
        required=False,
        label_of=lambda s: (
            f"{s.archive.records_creator.name}: {s.archive.reference_code} {s.code} {s.title}"
        ),
        help_text=_("Serien ska höra till arkivbildarens arkiv."),
    )
    volume = _Labelled(
        label=_("Volym"),
        queryset=Volume.objects.none(),
        required=False,
        label_of=lambda v: (
            f"{v.series.archive.reference_code} {v.series.code}:{v.number} {v.title}"
        ),
    )

    def __init__(self, *args, tenant: str, nodes, current: AipDescription | None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["records_creator"].queryset = RecordsCreator.objects.filter(tenant_id=tenant)
        node_ids = list(nodes.values_list("pk", flat=True))
        if current is not None and current.classification_node_id:
            node_ids.append(current.classification_node_id)  # a retired class stays valid
        fields["classification_node"].queryset = (
            ClassificationNode.objects.filter(pk__in=node_ids, tenant_id=tenant)
            .select_related("scheme")
            .order_by("scheme__name", "-scheme__version", "sort_key")
        )
        fields["series"].queryset = (
            Series.objects.filter(tenant_id=tenant)
            .select_related("archive__records_creator")
            .order_by("archive__records_creator__name", "archive__reference_code", "sort_key")
        )
        fields["volume"].queryset = (
            Volume.objects.filter(tenant_id=tenant)
            .select_related("series__archive")
            .order_by("series__archive__reference_code", "series__sort_key", "number")
        )

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("classification_node") and not (data.get("series") or data.get("volume")):
            raise forms.ValidationError(_("Ange en klass eller en serie (eller båda)."))
        return data
