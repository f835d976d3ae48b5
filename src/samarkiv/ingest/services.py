"""The ingest service layer: the one place the CLI, the web UI and the demo call.

Services take plain arguments (and the acting Scope where people act) and return model
instances or raise a SamarkivError; they never see a request.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.catalog.models import Tenant
from samarkiv.errors import UsageError
from samarkiv.ingest.choices import ValidationSource
from samarkiv.ingest.models import ValidationRun
from samarkiv.ingest.uploads import clean_name, container_suffix
from samarkiv.packages import validation
from samarkiv.packages.report import PackageReport, Severity


def _counts(report: PackageReport) -> dict[str, int]:
    severities = [f.effective_severity for f in report.findings]
    return {
        "error_count": severities.count(Severity.ERROR),
        "warning_count": severities.count(Severity.WARNING),
        "info_count": severities.count(Severity.INFO),
    }


def _fields(report: PackageReport, package_name: str | None) -> dict:
    data = report.to_dict()
    if package_name:
        data["package"] = package_name
    return {
        "package_name": data["package"][:255],
        "specification": report.specification,
        "valid": report.valid,
        "report": data,
        **_counts(report),
    }


def record_validation(
    report: PackageReport,
    source: ValidationSource | str,
    *,
    package_name: str | None = None,
    tenant: str | None = None,
    created_by_id: int | None = None,
) -> ValidationRun:
    """Keep one validation report in the catalogue, in a tenant, by whom it was made."""
    source = ValidationSource(source)
    with transaction.atomic():
        return ValidationRun.objects.create(
            source=source,
            tenant_id=tenant,
            created_by_id=created_by_id,
            **_fields(report, package_name),
        )


def record_demo_validation(report: PackageReport, package_name: str) -> ValidationRun:
    """Like record_validation, but replaces an earlier demo run of the same package.

    Why: `samarkiv demo` runs on every `make run`; it must not pile up duplicates, and
    it should show what today's validator says about the demo packages.
    """
    fields = _fields(report, package_name)
    fields["tenant"] = Tenant.objects.filter(is_host=True).order_by("code").first()
    with transaction.atomic():
        run, _created = ValidationRun.objects.update_or_create(
            source=ValidationSource.DEMO,
            package_name=fields.pop("package_name"),
            defaults=fields,
        )
    return run


def _check_spec(spec: str) -> None:
    if spec not in validation.SPECIFICATIONS:
        raise UsageError(_("Okänd specifikation: %(spec)s") % {"spec": spec})


def validate_upload(
    scope: Scope, uploaded_file_path: Path, original_name: str, spec: str
) -> ValidationRun:
    """Validate an uploaded container and record the run under its original name.

    The run belongs to the scope's tenant and user, so only they (and the tenant's
    content viewers) see the report. The caller owns the file (see
    ``ingest.uploads.spooled_upload``, which deletes it). Unreadable or hostile
    containers raise the validator's SamarkivError unchanged.
    """
    scope.require(Permission.VALIDATE)
    if scope.tenant is None:
        raise UsageError(_("Välj en kommun att validera i."))
    name = clean_name(original_name)
    container_suffix(name)
    _check_spec(spec)
    report = validation.validate_package(Path(uploaded_file_path), spec)
    return record_validation(
        report,
        ValidationSource.WEB,
        package_name=name,
        tenant=scope.tenant,
        created_by_id=scope.user_id,
    )
