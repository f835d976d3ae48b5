"""Forms of requests for public records: the citizen's request and the staff decision.

The request form asks for no name and no reason (TF 2 kap. 18 §): only what the records
are and, if the requester wants the answer by e-mail, an address.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samarkiv.access.requests import masking
from samarkiv.access.requests.choices import MASKABLE_FIELDS, Outcome
from samarkiv.access.requests.release import DecisionInput, FileChoice
from samarkiv.access.requests.review import ReviewFile
from samarkiv.errors import UsageError


class RequestForm(forms.Form):
    """The citizen's request; ``free_text`` adds the municipality and the description."""

    record = forms.UUIDField(required=False, widget=forms.HiddenInput)
    stub = forms.UUIDField(required=False, widget=forms.HiddenInput)
    tenant = forms.ChoiceField(
        label=_("Kommun"),
        required=False,
        help_text=_("Den kommun som har handlingarna. Begäran går direkt till den kommunen."),
        error_messages={"required": _("Välj den kommun som har handlingarna.")},
    )
    description = forms.CharField(
        label=_("Vilka handlingar vill du ta del av?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Till exempel diarienummer, fastighetsbeteckning, adress eller tidsperiod."),
        error_messages={"required": _("Beskriv vilka handlingar du vill ta del av.")},
    )
    message = forms.CharField(
        label=_("Meddelande till kommunen (frivilligt)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = forms.EmailField(
        label=_("E-postadress (frivilligt)"),
        required=False,
        help_text=_(
            "Bara om du vill få beskedet och handlingarna med e-post. Utan adress följer du "
            "ärendet med länken du får efter att du skickat begäran."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, free_text: bool, tenants: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.free_text = free_text
        if free_text:
            self.fields["tenant"].choices = [("", _("Välj kommun")), *tenants]
            self.fields["tenant"].required = True
            self.fields["description"].required = True
        else:
            del self.fields["tenant"]
            del self.fields["description"]


class DecisionForm(forms.Form):
    """The decision on a request, with one group of fields per file of the record."""

    outcome = forms.ChoiceField(
        label=_("Beslut"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj bifall, delvis bifall eller avslag.")},
    )
    ground = forms.CharField(
        label=_("Sekretessgrund (OSL kapitel och paragraf)"),
        required=False,
        max_length=255,
        help_text=_("Krävs vid delvis bifall och avslag, till exempel 26 kap. 1 § OSL."),
    )
    reasoning = forms.CharField(
        label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    masked_fields = forms.MultipleChoiceField(
        label=_("Uppgifter som maskeras (vid delvis bifall)"),
        required=False,
        choices=list(MASKABLE_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    reservation = forms.CharField(
        label=_("Förbehåll (frivilligt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Villkor för hur uppgifterna får användas (10 kap. 14 § OSL)."),
    )
    appeal_text = forms.CharField(
        label=_("Hur man överklagar"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, files: list[ReviewFile], **kwargs):
        super().__init__(*args, **kwargs)
        self.review_files = files
        for index, review_file in enumerate(files):
            name = review_file.name
            self.fields[f"file_{index}_include"] = forms.BooleanField(
                label=_("Lämna ut %(name)s") % {"name": name}, required=False, initial=True
            )
            if review_file.is_pdf:
                self.fields[f"file_{index}_pages"] = forms.CharField(
                    label=_("Sidor att maskera i %(name)s") % {"name": name},
                    required=False,
                    max_length=200,
                    help_text=_("Till exempel 1, 3-4. Tomt: ingen sida maskeras."),
                )
            if review_file.is_image:
                self.fields[f"file_{index}_whole"] = forms.BooleanField(
                    label=_("Maskera hela bilden %(name)s") % {"name": name}, required=False
                )
                self.fields[f"file_{index}_region"] = forms.CharField(
                    label=_("Område att svärta i %(name)s") % {"name": name},
                    required=False,
                    max_length=100,
                    help_text=_("x, y, bredd, höjd i bildpunkter."),
                )

    def head_fields(self) -> list:
        return [self[name] for name in ("outcome", "ground", "reasoning", "masked_fields")]

    def tail_fields(self) -> list:
        return [self[name] for name in ("reservation", "appeal_text")]

    def file_groups(self) -> list[dict]:
        """For the template: each file with its bound fields."""
        groups = []
        for index, review_file in enumerate(self.review_files):
            groups.append(
                {
                    "file": review_file,
                    "fields": [
                        self[name]
                        for name in (
                            f"file_{index}_include",
                            f"file_{index}_pages",
                            f"file_{index}_whole",
                            f"file_{index}_region",
                        )
                        if name in self.fields
                    ],
                }
            )
        return groups

    def _file_choices(self) -> list[FileChoice]:
        choices = []
        for index, review_file in enumerate(self.review_files):
            data = self.cleaned_data
            try:
                pages = masking.parse_pages(data.get(f"file_{index}_pages", ""))
                region = masking.parse_region(data.get(f"file_{index}_region", ""))
            except UsageError as exc:
                field = f"file_{index}_pages" if f"file_{index}_pages" in self.fields else None
                self.add_error(field or f"file_{index}_region", str(exc.message))
                continue
            choices.append(
                FileChoice(
                    aip_file_id=review_file.aip_file.pk,
                    include=bool(data.get(f"file_{index}_include")),
                    pages=pages,
                    region=region,
                    whole=bool(data.get(f"file_{index}_whole")),
                )
            )
        return choices

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome in (Outcome.PARTIAL, Outcome.REFUSAL) and not data.get("ground", "").strip():
            self.add_error("ground", _("Ange sekretessgrunden för delvis bifall eller avslag."))
        return data

    def decision_input(self) -> DecisionInput | None:
        """The decision for the service, or None when a file's masking was not valid."""
        files = self._file_choices()
        if self.errors:
            return None
        data = self.cleaned_data
        return DecisionInput(
            outcome=data["outcome"],
            ground=data.get("ground", ""),
            reasoning=data.get("reasoning", ""),
            appeal_text=data.get("appeal_text", ""),
            reservation=data.get("reservation", ""),
            masked_fields=list(data.get("masked_fields") or []),
            files=files,
        )
