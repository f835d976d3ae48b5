"""Submission agreements: finding the one a delivery is made under, keeping them, and
holding each delivery to what its agreement allows.

Why the ingest enforces the agreement and not only the upload form: deliveries arrive
from the CLI, the staff pages and the API alike, and an agreement is the municipality's
decision about what it takes into its archive (which specifications, which formats,
stored where). It is checked once, in the one pipeline every delivery goes through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.catalog.models import RecordsCreator
from samarkiv.delivery.choices import Specification
from samarkiv.delivery.models import MANUAL_AGREEMENT, SubmissionAgreement
from samarkiv.errors import AccessDeniedError, ConflictError, SamarkivError, UsageError
from samarkiv.packages.report import Finding, Level

RULE_SPECIFICATION = "AGREEMENT-SPECIFICATION"
RULE_FORMAT = "AGREEMENT-FORMAT"
MAX_FORMAT_FINDINGS = 200
PUID = re.compile(r"^(x-)?fmt/\d+$")
CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
# mets/@csip:CONTENTINFORMATIONTYPE values that make a package a SIARD or ERMS delivery.
CONTENT_TYPES = {
    "SIARD1": Specification.SIARD,
    "SIARD2": Specification.SIARD,
    "SIARDDK": Specification.SIARD,
    "citssiard_v1_0": Specification.SIARD,
    "ERMS": Specification.ERMS,
    "citserms_v2_1": Specification.ERMS,
    "citserms_v3_0": Specification.ERMS,
}


class UnknownAgreementError(UsageError):
    """No such agreement in the tenant (another tenant's looks the same)."""

    code = "unknown_agreement"


class AgreementInactiveError(SamarkivError):
    """The agreement exists but does not apply now: deactivated, not yet, or expired."""

    code = "agreement_inactive"
    http_status = 409


class AgreementPolicyError(SamarkivError):
    """The agreement names a storage policy the configuration no longer has."""

    code = "agreement_storage_policy"
    http_status = 409


class InvalidAgreementError(SamarkivError):
    """What was asked to be saved breaks a rule; ``errors`` maps each field to why."""

    code = "invalid_agreement"
    http_status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Leveransöverenskommelsen kunde inte sparas."))
        self.errors = errors

    def to_dict(self) -> dict:
        return {**super().to_dict(), "errors": dict(self.errors)}


# --------------------------------------------------------------------------- lookup


def resolve_agreement(
    tenant_code: str, code_or_pk: str | int | SubmissionAgreement | None = None, *, on=None
) -> SubmissionAgreement:
    """The tenant's agreement by code (or primary key); none given: the manual one.

    Only an active agreement within its validity period is returned: a delivery under
    one that has ended must fail before anything is written.
    """
    if isinstance(code_or_pk, SubmissionAgreement):
        code_or_pk = code_or_pk.pk
    key = str(code_or_pk).strip() if code_or_pk not in (None, "") else MANUAL_AGREEMENT
    rows = SubmissionAgreement.objects.filter(tenant_id=tenant_code)
    found = rows.filter(code=key).first()
    if found is None and key.isdigit():
        found = rows.filter(pk=int(key)).first()
    if found is None:
        raise UnknownAgreementError(
            f"no submission agreement '{key}' for tenant '{tenant_code}'", path=key
        )
    _check_applies(found, on or timezone.localdate())
    return found


def _check_applies(agreement: SubmissionAgreement, today: date) -> None:
    label = f"submission agreement '{agreement.code}'"
    if not agreement.active:
        raise AgreementInactiveError(f"{label} is not active")
    if agreement.valid_from and today < agreement.valid_from:
        raise AgreementInactiveError(f"{label} applies from {agreement.valid_from}")
    if agreement.valid_until and today > agreement.valid_until:
        raise AgreementInactiveError(f"{label} ended on {agreement.valid_until}")


def storage_policy_names(agreement: SubmissionAgreement) -> tuple[str, ...]:
    """Locations a delivery under the agreement is stored in, the primary first."""
    from samarkiv.preservation.locations import storage_config

    config = storage_config()
    if not agreement.storage_policy:
        return config.policy_for(agreement.tenant_id)
    names = config.policies.get(agreement.storage_policy)
    if not names:
        raise AgreementPolicyError(
            f"submission agreement '{agreement.code}' names the storage policy "
            f"'{agreement.storage_policy}', which the storage configuration does not have"
        )
    return names


def policy_for_aip(tenant_code: str, agreement_code: str = "") -> tuple[str, ...]:
    """The policy an AIP was stored under, for replication and audits later.

    Lenient where ingest is strict: an agreement or policy removed since falls back to
    the tenant's policy, so an audit still checks the copies the tenant requires.
    """
    from samarkiv.preservation.locations import storage_config

    config = storage_config()
    if agreement_code:
        policy = (
            SubmissionAgreement.objects.filter(tenant_id=tenant_code, code=agreement_code)
            .values_list("storage_policy", flat=True)
            .first()
        )
        if policy and config.policies.get(policy):
            return config.policies[policy]
    return config.policy_for(tenant_code)


def agreement_policies() -> dict[tuple[str, str], tuple[str, ...]]:
    """(tenant, agreement code) -> locations, for agreements with a policy of their own.

    Audits use it to know which AIPs a location must hold: an AIP stored under such an
    agreement follows that policy, not its tenant's.
    """
    from samarkiv.preservation.locations import storage_config

    policies = storage_config().policies
    rows = SubmissionAgreement.objects.exclude(storage_policy="").values_list(
        "tenant_id", "code", "storage_policy"
    )
    return {(t, c): policies[p] for t, c, p in rows if p in policies}


# --------------------------------------------------------------------------- enforcement


def package_specification(reported: str, content_type: str = "") -> Specification | None:
    """What a validated package is, in the agreement's terms.

    ``reported`` is the validator's specification (``csip-2.1``, ``fgs-1.2`` ...), and
    ``content_type`` the package METS's CONTENTINFORMATIONTYPE. A SIARD database or an
    ERMS export is that, whatever package carries it: an agreement for a case system's
    E-ARK SIPs should not let a database dump in.
    """
    if content_type in CONTENT_TYPES:
        return CONTENT_TYPES[content_type]
    if reported.startswith("csip-"):
        return Specification.EARK2
    if reported.startswith("fgs-1"):
        return Specification.FGS1
    return None


def specification_findings(
    agreement: SubmissionAgreement, reported: str, content_type: str = ""
) -> list[Finding]:
    """A MUST finding when the agreement does not accept the package's specification."""
    detected = package_specification(reported, content_type)
    if detected is not None and detected.value in (agreement.specifications or []):
        return []
    shown = f"{detected.label} ({reported})" if detected is not None else reported
    if content_type in CONTENT_TYPES:
        shown += f", content {content_type}"
    accepted = ", ".join(agreement.specifications or []) or "nothing"
    message = (
        f"the package is {shown}; submission agreement '{agreement.code}' "
        f"({agreement.name}) accepts {accepted}"
    )
    return [Finding(RULE_SPECIFICATION, Level.MUST, message, path="METS.xml")]


def format_findings(
    agreement: SubmissionAgreement, files: Iterable[tuple[str, str, str]]
) -> list[Finding]:
    """MUST findings for files whose format the agreement does not list.

    ``files`` are (path, PUID, format name); a file without a PUID is not allowed either,
    as nobody can say it is one of the listed formats. An empty list allows anything.
    """
    allowed = set(agreement.allowed_formats or [])
    if not allowed:
        return []
    listed = ", ".join(sorted(allowed))
    findings, refused = [], 0
    for path, puid, name in files:
        if puid in allowed:
            continue
        refused += 1
        if len(findings) < MAX_FORMAT_FINDINGS:
            what = f"{puid} ({name})" if puid and name else puid or "of no identified format"
            message = (
                f"'{path}' is {what}; submission agreement '{agreement.code}' accepts only {listed}"
            )
            findings.append(Finding(RULE_FORMAT, Level.MUST, message, path=path))
    if refused > len(findings):
        message = f"{refused - len(findings)} more files in formats the agreement does not accept"
        findings.append(Finding(RULE_FORMAT, Level.MUST, message))
    return findings


# --------------------------------------------------------------------------- reading


def list_agreements(scope: Scope, *, active_only: bool = False) -> QuerySet[SubmissionAgreement]:
    """The acting tenant's agreements (none without the permission to see deliveries)."""
    rows = SubmissionAgreement.objects.select_related("records_creator", "tenant")
    rows = scope.visible(rows, permission=_read_permission(scope))
    return rows.filter(active=True) if active_only else rows


def get_agreement(scope: Scope, pk: int) -> SubmissionAgreement:
    """One of the acting tenant's agreements; NotFoundError for anyone else's."""
    rows = SubmissionAgreement.objects.select_related("records_creator", "tenant")
    return scope.get(rows, permission=_read_permission(scope), pk=pk)


def _read_permission(scope: Scope) -> Permission:
    if scope.can(Permission.MANAGE_AGREEMENTS):
        return Permission.MANAGE_AGREEMENTS
    return Permission.VIEW_DELIVERIES


# --------------------------------------------------------------------------- writing


FIELDS = (
    "code",
    "name",
    "records_creator",
    "business_system",
    "information_type",
    "specifications",
    "allowed_formats",
    "storage_policy",
    "depositors",
    "valid_from",
    "valid_until",
    "active",
)
_SPECIAL = {"records_creator", "depositors"}  # not plain values: described on their own


def save_agreement(
    scope: Scope, agreement: SubmissionAgreement | None, data: dict
) -> SubmissionAgreement:
    """Create (``agreement`` None) or change an agreement; audited with what changed.

    ``data`` holds the fields to set (those left out keep their value); a new agreement
    belongs to the acting tenant (the operator may name ``tenant``). Raises
    AccessDeniedError without MANAGE_AGREEMENTS, NotFoundError for another tenant's
    agreement, InvalidAgreementError with every broken rule.
    """
    scope.require(Permission.MANAGE_AGREEMENTS)
    current = _target(scope, agreement, data)
    values, errors = _clean(current, data)
    if errors:
        raise InvalidAgreementError(errors)
    created = current.pk is None
    before = {} if created else describe(current)
    with transaction.atomic():
        depositors = values.pop("depositors", None)
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        if depositors is not None:
            current.depositors.set(depositors)
        after = describe(current)
        changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        _record_change(scope, current, changed, created)
    return current


def _target(scope: Scope, agreement: SubmissionAgreement | None, data: dict):
    """The row to change (re-read through the scope), or a new one in the right tenant."""
    if agreement is not None:
        return scope.get(
            SubmissionAgreement.objects.all(),
            permission=Permission.MANAGE_AGREEMENTS,
            pk=agreement.pk,
        )
    tenant = data.get("tenant") or scope.tenant
    if not tenant:
        raise UsageError("a new submission agreement needs a tenant")
    if tenant != scope.tenant and not scope.all_tenants:
        raise AccessDeniedError(f"{scope.actor} may not manage agreements of '{tenant}'")
    return SubmissionAgreement(tenant_id=tenant)


def describe(agreement: SubmissionAgreement) -> dict:
    """The agreement's fields as JSON values, for the audit log's record of a change."""
    described = {name: getattr(agreement, name) for name in FIELDS if name not in _SPECIAL}
    creator = agreement.records_creator
    described["records_creator"] = creator.code if creator else None
    described["depositors"] = (
        sorted(agreement.depositors.values_list("username", flat=True)) if agreement.pk else []
    )
    for name in ("valid_from", "valid_until"):
        described[name] = described[name].isoformat() if described[name] else None
    return described


def _record_change(scope: Scope, agreement, changed: dict, created: bool) -> None:
    from samarkiv.auditlog.choices import AuditAction
    from samarkiv.auditlog.service import record

    record(
        scope,
        AuditAction.CONFIG_CHANGE,
        obj=agreement,
        tenant=agreement.tenant_id,
        detail={"agreement": agreement.code, "created": created, "changed": changed},
    )


def _clean(current: SubmissionAgreement, data: dict) -> tuple[dict, dict[str, str]]:
    """The values to set, and an error for every field that breaks a rule."""
    values, errors = {}, {}
    for name in FIELDS:
        if name not in data:
            continue
        try:
            values[name] = _CLEANERS[name](current, data[name])
        except ValueError as exc:
            errors[name] = str(exc)
    for name in ("code", "name", "specifications"):
        if current.pk is None and name not in data and name not in errors:
            errors[name] = _("Uppgiften krävs.")
    start = values.get("valid_from", current.valid_from)
    end = values.get("valid_until", current.valid_until)
    if start and end and end < start and "valid_until" not in errors:
        errors["valid_until"] = _("Slutdatumet ligger före startdatumet.")
    return values, errors


def _code(current: SubmissionAgreement, value) -> str:
    code = str(value or "").strip()
    if not code or len(code) > 64 or not CODE.match(code):
        raise ValueError(_("Koden får bara ha bokstäver a-z, siffror, - och _ (högst 64)."))
    if current.pk is not None and code != current.code:
        raise ValueError(_("Koden kan inte ändras: inleveranser och arkivpaket hänvisar till den."))
    taken = SubmissionAgreement.objects.filter(tenant_id=current.tenant_id, code=code)
    if current.pk is None and taken.exists():
        raise ValueError(
            _("Det finns redan en överenskommelse med koden %(code)s.") % {"code": code}
        )
    return code


def _text(limit: int, required: bool = False):
    def clean(current: SubmissionAgreement, value) -> str:
        text = str(value or "").strip()
        if required and not text:
            raise ValueError(_("Uppgiften krävs."))
        if len(text) > limit:
            raise ValueError(_("Högst %(limit)d tecken.") % {"limit": limit})
        return text

    return clean


def _records_creator(current: SubmissionAgreement, value) -> RecordsCreator | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, RecordsCreator) else value
    found = RecordsCreator.objects.filter(pk=pk, tenant_id=current.tenant_id).first()
    if found is None:
        raise ValueError(_("Arkivbildaren finns inte i kommunen."))
    return found


def _specifications(current: SubmissionAgreement, value) -> list[str]:
    chosen = list(dict.fromkeys(str(v) for v in _as_list(value)))
    unknown = [v for v in chosen if v not in Specification.values]
    if unknown:
        raise ValueError(_("Okända specifikationer: %(list)s.") % {"list": ", ".join(unknown)})
    if not chosen:
        raise ValueError(_("Välj minst en specifikation."))
    return chosen


def _allowed_formats(current: SubmissionAgreement, value) -> list[str]:
    puids = list(dict.fromkeys(str(v).strip() for v in _as_list(value) if str(v).strip()))
    wrong = [puid for puid in puids if not PUID.match(puid)]
    if wrong:
        raise ValueError(
            _("Inte ett PRONOM-id för ett filformat: %(wrong)s (t.ex. fmt/95, x-fmt/18).")
            % {"wrong": ", ".join(wrong)}
        )
    return puids


def _storage_policy(current: SubmissionAgreement, value) -> str:
    from samarkiv.preservation.locations import storage_config

    name = str(value or "").strip()
    if name and name not in storage_config().policies:
        raise ValueError(_("Lagringspolicyn %(name)s finns inte.") % {"name": name})
    return name


def _depositors(current: SubmissionAgreement, value) -> list:
    pks = [getattr(v, "pk", v) for v in _as_list(value)]
    users = list(
        get_user_model()
        .objects.filter(pk__in=pks, memberships__tenant_id=current.tenant_id)
        .distinct()
    )
    if len(users) != len(set(pks)):
        raise ValueError(_("Bara personer och system i kommunen kan leverera."))
    return users


def _date(current: SubmissionAgreement, value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(_("Inte ett datum (ÅÅÅÅ-MM-DD).")) from None


def _active(current: SubmissionAgreement, value) -> bool:
    active = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "on")
    if not active and current.code == MANUAL_AGREEMENT:
        raise ValueError(_("Den manuella leveransöverenskommelsen kan inte avslutas."))
    return active


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,]+", value) if part]
    return list(value)


_CLEANERS = {
    "code": _code,
    "name": _text(255, required=True),
    "records_creator": _records_creator,
    "business_system": _text(255),
    "information_type": _text(255),
    "specifications": _specifications,
    "allowed_formats": _allowed_formats,
    "storage_policy": _storage_policy,
    "depositors": _depositors,
    "valid_from": _date,
    "valid_until": _date,
    "active": _active,
}


def deactivate_agreement(scope: Scope, pk: int) -> SubmissionAgreement:
    """End an agreement: deliveries under it are refused from now on; audited."""
    scope.require(Permission.MANAGE_AGREEMENTS)
    agreement = scope.get(
        SubmissionAgreement.objects.all(), permission=Permission.MANAGE_AGREEMENTS, pk=pk
    )
    if agreement.code == MANUAL_AGREEMENT:
        raise ConflictError(_("Den manuella leveransöverenskommelsen kan inte avslutas."))
    if not agreement.active:
        return agreement
    from samarkiv.auditlog.choices import AuditAction
    from samarkiv.auditlog.service import record

    with transaction.atomic():
        agreement.active = False
        agreement.save(update_fields=["active", "updated_at"])
        record(
            scope,
            AuditAction.CONFIG_CHANGE,
            obj=agreement,
            tenant=agreement.tenant_id,
            detail={"agreement": agreement.code, "changed": {"active": [True, False]}},
        )
    return agreement
