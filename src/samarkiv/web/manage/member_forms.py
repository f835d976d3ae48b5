"""Forms of the members page: people and roles, system accounts and their API tokens,
and emergency grants.

People are named by user name, not picked from a list of every account: a list would
show one municipality the staff of all the others.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from samarkiv.accounts.roles import HOST_ROLES, Role
from samarkiv.catalog.models import Tenant
from samarkiv.delivery.models import SubmissionAgreement

MAX_GRANT_HOURS = 24


def role_choices(tenant_is_host: bool) -> list[tuple[str, str]]:
    """Roles a person can be given here: host roles only in the host municipality.

    The system role is left out: business systems get their own accounts below.
    """
    return [
        (role.value, role.label)
        for role in Role
        if role is not Role.SYSTEM and (tenant_is_host or role not in HOST_ROLES)
    ]


def username_field(label=None, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label or _("Användarnamn"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ExistingUserForm(forms.Form):
    """A form that names an existing account; ``clean_username`` finds it."""

    def clean_username(self):
        name = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Det finns inget aktivt konto med användarnamnet %(name)s."),
                code="no_user",
                params={"name": name},
            )
        return user


class RoleForm(ExistingUserForm):
    username = username_field()
    role = forms.ChoiceField(label=_("Roll"))

    def __init__(self, *args, tenant_is_host: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(tenant_is_host)


class NewUserForm(forms.Form):
    """A new personal account; the password is generated and shown once."""

    username = username_field(help_text=_("Till exempel fornamn.efternamn."))
    email = forms.EmailField(label=_("E-postadress"))
    role = forms.ChoiceField(label=_("Roll i kommunen"))
    local_password = forms.BooleanField(
        label=_("Skapa ett lösenord"),
        required=False,
        initial=True,
        help_text=_("Utan lösenord loggar personen bara in med kommunens inloggningstjänst."),
    )

    def __init__(self, *args, tenant_is_host: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(tenant_is_host)

    def clean_username(self) -> str:
        name = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=name).exists():
            raise forms.ValidationError(_("Användarnamnet är upptaget."), code="taken")
        return name


class SystemAccountForm(forms.Form):
    username = username_field(
        label=_("Systemets kontonamn"),
        help_text=_("Till exempel diarium eller ekonomisystem."),
    )


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class TokenForm(forms.Form):
    """A new API token for one system account, bound to one of the tenant's agreements."""

    name = forms.CharField(
        label=_("Namn på nyckeln"),
        max_length=128,
        help_text=_("Vad den används till, t.ex. Diariet, produktion."),
    )
    account = forms.ModelChoiceField(
        label=_("Systemkonto"), queryset=get_user_model().objects.none()
    )
    agreement = AgreementChoiceField(
        label=_("Leveransöverenskommelse"), queryset=SubmissionAgreement.objects.none()
    )

    def __init__(self, *args, tenant: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__tenant_id=tenant, memberships__role=Role.SYSTEM, is_active=True
            )
            .distinct()
            .order_by("username")
        )
        self.fields["agreement"].queryset = SubmissionAgreement.objects.filter(
            tenant_id=tenant, active=True
        ).order_by("name")
        for name in ("account", "agreement"):  # one to choose from: chosen already
            only = list(self.fields[name].queryset[:2])
            if len(only) == 1:
                self.fields[name].initial = only[0].pk


class EmergencyGrantForm(ExistingUserForm):
    """Time-limited content access for one of the host's technical staff."""

    username = username_field(
        label=_("Vem får åtkomst"),
        help_text=_(
            "Användarnamnet på en IT-arkivarie eller plattformsadministratör hos värdkommunen."
        ),
    )
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 48}),
        help_text=_("Varför åtkomsten behövs, t.ex. ärendenummer och vad som ska undersökas."),
        error_messages={"required": _("Ange ett skäl: det sparas i granskningsloggen.")},
    )
    hours = forms.IntegerField(
        label=_("Antal timmar"),
        min_value=1,
        max_value=MAX_GRANT_HOURS,
        initial=4,
        help_text=_("Högst 24 timmar."),
    )

    def __init__(self, *args, choose_tenant: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if choose_tenant:
            self.fields["tenant"] = forms.ModelChoiceField(
                label=_("Kommun"), queryset=Tenant.objects.filter(is_host=False)
            )
            self.order_fields(["tenant", "username", "reason", "hours"])
