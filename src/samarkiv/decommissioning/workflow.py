"""The decommissioning steps as functions: each checks the step order, acts, audits.

inventoried → extracted (from the live database, or a SIARD uploaded) → verified →
reviewed (an archivist approves) → ingested (SIP built and preserved, access copy built)
→ certified (the PDF certificate) → decommissioned (with the yearly cost saved).

Why refuse out of order instead of trusting the pages: the certificate vouches for the
whole chain, so a step that skipped one before it would make it false. Each refusal is
written to the audit log too. Extraction and ingest run inline; the page shows the state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.service import record
from samarkiv.decommissioning.models import Decommissioning, SourceKind
from samarkiv.decommissioning.models import DecommissioningState as S
from samarkiv.errors import ConflictError, NotFoundError, SamarkivError, UsageError

NETWORK_SCHEMES = ("postgresql", "mysql", "mariadb", "mssql", "oracle")
REDO_EXTRACTION = (S.INVENTORIED, S.EXTRACTED, S.VERIFIED)
STEP_NAMES = {
    "extract": _lazy("uttag"),
    "upload": _lazy("uppladdning"),
    "verify": _lazy("kontroll"),
    "review": _lazy("granskning"),
    "ingest": _lazy("arkivering"),
    "certify": _lazy("avvecklingsintyg"),
    "decommission": _lazy("avveckling"),
    "documentation": _lazy("dokumentation"),
}


def work_dir(item: Decommissioning) -> Path:
    return Path(settings.SAMARKIV_HOME) / "decommissioning" / str(item.pk)


def list_decommissionings(scope: Scope):
    qs = Decommissioning.objects.select_related("installation", "installation__product")
    return scope.visible(qs, permission=Permission.VIEW_CONTENT)


def get(scope: Scope, pk: int, permission: Permission = Permission.VIEW_CONTENT):
    scope.require(permission)
    qs = Decommissioning.objects.select_related("installation", "installation__product")
    return scope.get(qs, permission=permission, pk=pk)


def _audit(scope: Scope, item: Decommissioning, step: str, **detail) -> None:
    record(scope, AuditAction.DECISION, obj=item, detail={"step": step, **detail})


def _expect(scope: Scope, item: Decommissioning, step: str, *states: S) -> None:
    """Refuse (ConflictError, audited) unless the item is in one of ``states`` and no
    other step of it is running in the background."""
    if item.state in states and item.running in ("", step):
        return
    record(
        scope,
        AuditAction.DECISION,
        outcome=AuditOutcome.FAILURE,
        obj=item,
        detail={"step": step, "refused": "out_of_order", "state": item.state},
    )
    if item.running and item.running != step:
        raise ConflictError(_("ett annat steg pågår redan för den här avvecklingen"))
    raise ConflictError(
        _("steget %(step)s kan inte göras när avvecklingen är %(state)s")
        % {"step": STEP_NAMES.get(step, step), "state": str(S(item.state).label).lower()}
    )


def create(
    scope: Scope,
    *,
    installation_id: int | None = None,
    system_name: str = "",
    vendor: str = "",
    source_description: str = "",
) -> Decommissioning:
    """Start a decommissioning for an installation of the tenant (or a new one by name)."""
    from samarkiv.planning.models import Installation, SystemProduct

    scope.require(Permission.DELIVER)
    tenant = scope.tenant
    if not tenant:
        raise UsageError(_("välj kommun först"))
    if installation_id:
        installation = scope.get(
            Installation.objects.all(), permission=Permission.DELIVER, pk=installation_id
        )
    elif system_name.strip():
        product, _created = SystemProduct.objects.get_or_create(
            name=system_name.strip(), vendor=vendor.strip()
        )
        installation = Installation.objects.filter(tenant_id=tenant, product=product).first()
        installation = installation or Installation.objects.create(
            tenant_id=tenant, product=product, name=system_name.strip()
        )
    else:
        raise UsageError(_("välj ett verksamhetssystem eller skriv systemets namn"), path="system")
    item = Decommissioning.objects.create(
        tenant_id=tenant,
        installation=installation,
        source_description=source_description,
        created_by=scope.actor,
    )
    _audit(scope, item, "inventoried", installation=installation.pk)
    return item


def redact_url(url: str, *, allow_local: bool = False) -> str:
    """The database URL without its password; local files (SQLite) only when allowed.

    Why: a URL typed into a page must not make the server read its own files (the
    catalogue's SQLite, say); the operator extracts local files with ``extract-db``.
    """
    import sqlalchemy as sa

    try:
        parsed = sa.engine.make_url(url.strip())
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise UsageError(_("ogiltig databasadress: %(e)s") % {"e": exc}, path="url") from None
    backend = parsed.get_backend_name()
    if backend not in NETWORK_SCHEMES and not (allow_local and backend == "sqlite"):
        raise UsageError(
            _("databastypen %(kind)s tas inte ut härifrån (tillåtna: %(allowed)s)")
            % {"kind": backend, "allowed": ", ".join(NETWORK_SCHEMES)},
            path="url",
        )
    return parsed.render_as_string(hide_password=True)


def siard_name(item: Decommissioning) -> str:
    """The SIARD file is named after the system: the name is kept inside the AIP."""
    return f"{slugify(item.installation.name) or 'databas'}.siard"


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            hasher.update(chunk)
    return hasher.hexdigest()


def _run_extraction(url: str, out: Path, item: Decommissioning) -> None:
    """The SIARD extractor of ``samarkiv.packages.siard`` (streaming, any size)."""
    from samarkiv.decommissioning.background import ExtractProgress
    from samarkiv.packages.siard.extract import extract_database

    extract_database(
        url,
        out,
        data_owner=str(item.tenant.name),
        description=item.source_description or None,
        progress=ExtractProgress(item.pk),
    )


def check_extraction(scope: Scope, pk: int, url: str, *, allow_local: bool = False) -> None:
    """What ``extract_from_source`` refuses, checked before it is started in the background."""
    item = get(scope, pk, Permission.DELIVER)
    _expect(scope, item, "extract", *REDO_EXTRACTION)
    redact_url(url, allow_local=allow_local)


def check_step(scope: Scope, pk: int, step: str, state: S, permission: Permission) -> None:
    """The permission and step order of a step about to start in the background."""
    _expect(scope, get(scope, pk, permission), step, state)


def extract_from_source(
    scope: Scope, pk: int, url: str, *, allow_local: bool = False
) -> Decommissioning:
    """Extract the live database into a SIARD, then verify it against the same source."""
    item = get(scope, pk, Permission.DELIVER)
    _expect(scope, item, "extract", *REDO_EXTRACTION)
    shown = redact_url(url, allow_local=allow_local)
    out = work_dir(item) / siard_name(item)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".siard.part")
    try:
        _run_extraction(url.strip(), partial, item)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        item.error = (_("Uttaget misslyckades: %(e)s") % {"e": exc})[:2000]
        item.save(update_fields=["error", "updated_at"])
        _audit(scope, item, "extract", outcome="failed", source=shown)
        raise SamarkivError(item.error) from exc
    partial.replace(out)
    _take_siard(item, out, SourceKind.EXTRACTED, shown)
    _audit(scope, item, "extract", source=shown, sha256=item.siard_sha256)
    return _verify(scope, item, url.strip())


def upload_siard(
    scope: Scope, pk: int, chunks: Iterable[bytes], filename: str, *, verify_now: bool = True
):
    """Take a SIARD made elsewhere (DBPTK, SIARD Suite...) and verify it on its metadata
    (now, or later with ``verify_again`` when that runs in the background)."""
    item = get(scope, pk, Permission.DELIVER)
    _expect(scope, item, "upload", *REDO_EXTRACTION)
    out = work_dir(item) / siard_name(item)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".siard.part")
    with open(partial, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    partial.replace(out)
    _take_siard(item, out, SourceKind.UPLOADED, "")
    item.source_description = item.source_description or f"Uppladdad fil: {filename}"
    item.save(update_fields=["source_description"])
    _audit(scope, item, "upload", filename=filename[:200], sha256=item.siard_sha256)
    return _verify(scope, item, None) if verify_now else item


DOCUMENTATION_FOLDER = "dokumentation"
BEFORE_INGEST = (S.INVENTORIED, S.EXTRACTED, S.VERIFIED, S.REVIEWED)


def documentation_files(item: Decommissioning) -> list[Path]:
    """The system documentation (manuals, data dictionaries, screenshots) kept for the SIP."""
    folder = work_dir(item) / DOCUMENTATION_FOLDER
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def add_documentation(
    scope: Scope, pk: int, files: Iterable[tuple[str, Iterable[bytes]]]
) -> list[Path]:
    """Keep documentation files for the SIP's documentation folder (before the ingest)."""
    item = get(scope, pk, Permission.DELIVER)
    _expect(scope, item, "documentation", *BEFORE_INGEST)
    folder = work_dir(item) / DOCUMENTATION_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, chunks in files:
        safe = get_valid_filename(Path(name).name)[:120] or "dokument"
        target = folder / safe
        with open(target, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        saved.append(target)
    _audit(scope, item, "documentation", files=[p.name for p in saved][:50])
    return saved


def _take_siard(item: Decommissioning, path: Path, kind: str, url: str) -> None:
    item.siard_path = str(path)
    item.siard_sha256 = _sha256(path)
    item.siard_bytes = path.stat().st_size
    item.source_kind = kind
    item.source_url = url
    item.state = S.EXTRACTED
    item.verification = {}
    item.verified_ok = False
    item.error = ""
    item.save()


def _verify(scope: Scope, item: Decommissioning, url: str | None) -> Decommissioning:
    """Counts and checksums; VERIFIED when every table matches, else stays EXTRACTED."""
    from samarkiv.decommissioning.verify import verify

    try:
        report = verify(Path(item.siard_path), url)
    except SamarkivError as exc:
        report = {"ok": False, "error": exc.message, "tables": []}
    item.verification = report
    item.verified_ok = bool(report.get("ok"))
    item.state = S.VERIFIED if item.verified_ok else S.EXTRACTED
    item.save(update_fields=["verification", "verified_ok", "state", "updated_at"])
    _audit(scope, item, "verify", ok=item.verified_ok, against=report.get("against", ""))
    return item


def verify_again(scope: Scope, pk: int) -> Decommissioning:
    """Check the SIARD against its own metadata again (the live URL is never stored)."""
    item = get(scope, pk, Permission.DELIVER)
    _expect(scope, item, "verify", S.EXTRACTED, S.VERIFIED)
    return _verify(scope, item, None)


def review(scope: Scope, pk: int, *, approve: bool, comment: str = "") -> Decommissioning:
    """The archivist's decision (DECIDE): approve the verified SIARD, or send it back."""
    item = get(scope, pk, Permission.DECIDE)
    _expect(scope, item, "review", S.VERIFIED)
    if approve and not item.verified_ok:
        raise ConflictError(_("kontrollen visade fel; SIARD-filen kan inte godkännas"))
    if not approve and not comment.strip():
        raise UsageError(_("skriv varför uttaget inte godkänns"), path="comment")
    item.reviewer = scope.actor
    item.review_comment = comment.strip()
    if approve:
        item.state = S.REVIEWED
        item.approved_at = timezone.now()
    else:
        item.state = S.INVENTORIED
        item.approved_at = None
    item.save()
    _audit(scope, item, "review", approved=approve, comment=comment.strip()[:500])
    return item


def ingest_archive(scope: Scope, pk: int, documentation: list[Path] | None = None):
    """Build the E-ARK SIP (CITS SIARD), ingest it, and build the access copy."""
    from samarkiv.access.databases import copies
    from samarkiv.ingest.pipeline import IngestRequest, ingest
    from samarkiv.preservation.models import Aip

    item = get(scope, pk, Permission.DELIVER)
    _expect(scope, item, "ingest", S.REVIEWED)
    from samarkiv.packages.siard.sip import build_siard_sip

    folder = work_dir(item)
    sip = folder / f"avveckling-{item.pk}.zip"
    sip.unlink(missing_ok=True)
    system = item.installation.name
    build_siard_sip(
        Path(item.siard_path),
        sip,
        label=f"{system} – arkiverad databas",
        records_creator=str(item.tenant.name),
        system_name=system,
        documentation=documentation if documentation is not None else documentation_files(item),
    )
    receipt = ingest(IngestRequest(source=sip, tenant=item.tenant_id, actor=scope.actor))
    aip_id = receipt.aip_id or receipt.duplicate_of
    if not receipt.ok or not aip_id:
        item.error = (_("Inleveransen misslyckades: %(e)s") % {"e": receipt.message})[:2000]
        item.save(update_fields=["error", "updated_at"])
        _audit(scope, item, "ingest", outcome="failed", ingest=receipt.ingest_id)
        raise SamarkivError(item.error)
    with transaction.atomic():
        item.aip_id = aip_id
        item.state = S.INGESTED
        item.error = ""
        item.save()
    _audit(scope, item, "ingest", aip=aip_id, ingest=receipt.ingest_id)
    for database in copies.register_aip(Aip.objects.get(pk=aip_id)):
        database.name = system[:255]
        database.save(update_fields=["name"])
        copies.build(database)
    sip.unlink(missing_ok=True)
    return item


def certify(scope: Scope, pk: int) -> Decommissioning:
    """Render and keep the decommissioning certificate (PDF/A)."""
    from samarkiv.decommissioning.certificate import render_certificate

    item = get(scope, pk, Permission.DECIDE)
    _expect(scope, item, "certify", S.INGESTED)
    item.certified_at = timezone.now()
    pdf = render_certificate(item, issued_by=scope.actor)
    target = work_dir(item) / f"avvecklingsintyg-{item.pk}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(pdf)
    partial.replace(target)
    item.certificate_path = str(target)
    item.state = S.CERTIFIED
    item.save()
    _audit(scope, item, "certify", sha256=hashlib.sha256(pdf).hexdigest())
    return item


def mark_decommissioned(scope: Scope, pk: int, yearly_cost_saved: Decimal) -> Decommissioning:
    """The system is switched off; the yearly saving is recorded for the plan's figures."""
    item = get(scope, pk, Permission.DECIDE)
    _expect(scope, item, "decommission", S.CERTIFIED)
    if yearly_cost_saved is None or yearly_cost_saved < 0:
        raise UsageError(_("ange den årliga besparingen i kronor (0 eller mer)"), path="saved")
    item.yearly_cost_saved = yearly_cost_saved
    item.decommissioned_at = timezone.now()
    item.state = S.DECOMMISSIONED
    item.save()
    _audit(scope, item, "decommission", yearly_cost_saved=str(yearly_cost_saved))
    siard = Path(item.siard_path)
    if siard.is_file() and siard.parent == work_dir(item):
        siard.unlink()  # the preserved copy is in the AIP now
    return item


def certificate_file(scope: Scope, pk: int) -> tuple[Decommissioning, Path]:
    """The certificate for download (VIEW_CONTENT), audited."""
    item = get(scope, pk, Permission.VIEW_CONTENT)
    path = Path(item.certificate_path) if item.certificate_path else None
    if path is None or not path.is_file():
        raise NotFoundError(_("intyget finns inte ännu"))
    record(scope, AuditAction.DOWNLOAD, obj=item, detail={"file": path.name})
    return item, path
