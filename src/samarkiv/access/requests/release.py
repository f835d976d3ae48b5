"""Deciding a request and delivering what it releases.

A decision writes the derived copies under ``$SAMARKIV_HOME/released/<number>/`` (each
atomically: a reader never sees half a file), records a PREMIS-like masking event per
masked copy in the audit log, and makes an expiring download link. The AIP is only ever
read: its files keep their bytes and checksums.

Why the link token is derived (HMAC of the server key and a random salt) and not
stored: only its SHA-256 is kept to look it up, yet the status page, opened with the
requester's own follow-up key, can show the same link again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import posixpath
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.access.requests import masking
from samarkiv.access.requests.choices import (
    MASKABLE_FIELDS,
    Outcome,
    ReleasedKind,
    RequestState,
)
from samarkiv.access.requests.models import (
    AccessRequest,
    DownloadLink,
    ReleasedFile,
    RequestDecision,
)
from samarkiv.access.requests.review import ReviewFile, build_review, metadata_fields
from samarkiv.access.requests.service import digest, get_request, transition
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record as audit
from samarkiv.errors import ConflictError, UsageError

log = logging.getLogger(__name__)
LINK_DAYS = 14
MAX_FILE_BYTES = 512 * 1024 * 1024
METADATA_NAME = "uppgifter om posten.txt"

APPEAL_TEXT = (
    "Du kan överklaga beslutet hos kammarrätten. Skriv till {tenant} och tala om vilket "
    "beslut du överklagar (ärendenummer {number}) och vilken ändring du vill ha. "
    "Överklagandet ska ha kommit in till {tenant} inom tre veckor från den dag du fick del "
    "av beslutet. {tenant} prövar först om beslutet ska ändras och skickar sedan "
    "överklagandet vidare till kammarrätten."
)


def default_appeal_text(request: AccessRequest) -> str:
    """The standard appeal instruction (OSL 6 kap., FL 44 §) filled in for the request."""
    return APPEAL_TEXT.format(tenant=request.tenant.name, number=request.number)


@dataclass
class FileChoice:
    """What the decision does with one file of the record."""

    aip_file_id: int
    include: bool = True
    pages: list[int] = field(default_factory=list)  # PDF pages to mask, from 1
    region: tuple[int, int, int, int] | None = None  # image region to black out
    whole: bool = False  # replace the whole image


@dataclass
class DecisionInput:
    outcome: str
    ground: str = ""
    reasoning: str = ""
    appeal_text: str = ""
    reservation: str = ""
    masked_fields: list[str] = field(default_factory=list)
    files: list[FileChoice] = field(default_factory=list)


@dataclass
class Decided:
    decision: RequestDecision
    token: str | None  # the download link's token (released copies only)


def released_dir(number: str) -> Path:
    return Path(settings.SAMARKIV_HOME) / "released" / number


def _check(data: DecisionInput) -> None:
    if data.outcome not in Outcome.values:
        raise UsageError(_("Välj ett beslut."), path="outcome")
    if data.outcome != Outcome.RELEASE and not data.ground.strip():
        raise UsageError(_("Ange sekretessgrunden (OSL kapitel och paragraf)."), path="ground")
    unknown = set(data.masked_fields) - set(MASKABLE_FIELDS)
    if unknown:
        raise UsageError(_("Okända uppgifter att maskera."), path="masked_fields")


def decide(scope: Scope, number: str, data: DecisionInput, now: datetime | None = None) -> Decided:
    """Record the decision; for a (partial) release, make the copies and the link."""
    scope.require(Permission.DECIDE)
    _check(data)
    request = get_request(scope, number)
    if request.state not in (RequestState.RECEIVED, RequestState.IN_REVIEW):
        raise ConflictError(_("Begäran %(number)s är redan beslutad.") % {"number": number})
    now = now or timezone.now()
    folder = released_dir(request.number)
    try:
        with transaction.atomic():
            decided = _decide(scope, request, data, now)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # copies of a decision that was not saved
        raise
    return decided


def _decide(scope: Scope, request: AccessRequest, data: DecisionInput, now: datetime) -> Decided:
    if request.state == RequestState.RECEIVED:
        transition(request, RequestState.IN_REVIEW, now)
    transition(request, RequestState.DECIDED, now)
    decision = RequestDecision.objects.create(
        request=request,
        outcome=data.outcome,
        decided_by_id=scope.user_id,
        decided_by_name=_decider_name(scope),
        reasoning=data.reasoning.strip(),
        ground=data.ground.strip() if data.outcome != Outcome.RELEASE else "",
        appeal_text=(data.appeal_text.strip() or default_appeal_text(request)),
        reservation=data.reservation.strip(),
        masked_fields=sorted(data.masked_fields) if data.outcome == Outcome.PARTIAL else [],
        decided_at=now,
    )
    audit(
        scope,
        AuditAction.DECISION,
        obj=request,
        detail={
            "event": "decided",
            "number": request.number,
            "outcome": data.outcome,
            "ground": decision.ground,
            "hours": round((now - request.received_at).total_seconds() / 3600, 2),
        },
    )
    if data.outcome == Outcome.REFUSAL:
        return Decided(decision, None)
    if not _release(scope, request, decision, data):
        return Decided(decision, None)  # nothing in the archive to send (free text)
    token = create_link(scope, request, now)
    transition(request, RequestState.DELIVERED, now)
    return Decided(decision, token)


def _decider_name(scope: Scope) -> str:
    """The decision-maker's name as the written decision shows it (FL 31 §)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=scope.user_id).first() if scope.user_id else None
    if user is not None and user.get_full_name().strip():
        return user.get_full_name().strip()
    return scope.actor.removeprefix("user:")


# ------------------------------------------------------------------------- the copies


def _release(scope: Scope, request: AccessRequest, decision: RequestDecision, data) -> int:
    """Write the released copies; returns how many."""
    review = build_review(scope, request)
    if review.record is None:
        return 0
    folder = released_dir(request.number)
    folder.mkdir(parents=True, exist_ok=True)
    partial = data.outcome == Outcome.PARTIAL
    chosen = {c.aip_file_id: c for c in data.files}
    names: set[str] = set()
    for review_file in review.files:
        choice = chosen.get(review_file.aip_file.pk, FileChoice(review_file.aip_file.pk))
        if partial and not choice.include:
            continue
        _release_file(scope, request, review_file, choice if partial else None, decision, names)
    masked = set(decision.masked_fields)
    heading = f"{request.number}: {request.tenant.name}"
    sheet = masking.metadata_sheet(heading, metadata_fields(review.record), masked, decision.ground)
    row = _store(request, sheet, METADATA_NAME, names, kind=ReleasedKind.METADATA)
    row.masked, row.masking = bool(masked), {"fields": sorted(masked)}
    row.mime = "text/plain"
    row.save(update_fields=["masked", "masking", "mime"])
    if masked:
        _masking_event(scope, request, row, decision, source=None)
    return request.released.count()


def _release_file(
    scope: Scope,
    request: AccessRequest,
    review_file: ReviewFile,
    choice: FileChoice | None,
    decision: RequestDecision,
    names: set[str],
) -> None:
    from samarkiv.catalog.records.aipfiles import read_aip_file

    aip_file = review_file.aip_file
    original = read_aip_file(aip_file.aip, aip_file.path, MAX_FILE_BYTES)
    data, detail = original, {}
    if choice is not None and choice.pages and review_file.is_pdf:
        data = masking.mask_pdf_pages(original, choice.pages, decision.ground)
        detail = {"pages": sorted(choice.pages)}
    elif choice is not None and review_file.is_image and (choice.whole or choice.region):
        region = None if choice.whole else choice.region
        data = masking.mask_image(original, decision.ground, region)
        detail = {"whole": True} if region is None else {"region": list(region)}
    elif choice is not None and (choice.pages or choice.region or choice.whole):
        raise UsageError(
            _("%(name)s kan inte maskeras på det sättet.") % {"name": review_file.name},
            path=aip_file.path,
        )
    row = _store(request, data, review_file.name, names)
    row.aip_id, row.source_path, row.mime = aip_file.aip_id, aip_file.path, aip_file.mime
    row.masked, row.masking = bool(detail), detail
    row.save(update_fields=["aip_id", "source_path", "mime", "masked", "masking"])
    if detail:
        _masking_event(scope, request, row, decision, source=aip_file)


def _store(
    request: AccessRequest, data: bytes, name: str, names: set[str], kind: str = ReleasedKind.FILE
) -> ReleasedFile:
    """Write one copy atomically under the request's folder (unique, safe file name)."""
    from samarkiv.packages.atomic import atomic_write_bytes

    safe = posixpath.basename(name.replace("\\", "/")).lstrip(".") or "fil"
    stem, dot, ext = safe.rpartition(".")
    stored, counter = safe, 1
    while stored in names:
        counter += 1
        stored = f"{stem} ({counter}).{ext}" if dot else f"{safe} ({counter})"
    names.add(stored)
    atomic_write_bytes(released_dir(request.number) / stored, data)
    return ReleasedFile.objects.create(
        request=request,
        kind=kind,
        name=stored,
        stored_name=stored,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _masking_event(scope, request, row: ReleasedFile, decision, source) -> None:
    """A PREMIS-like redaction event: what was masked, from which original, by whom."""
    audit(
        scope,
        AuditAction.MASKING,
        obj=row,
        detail={
            "event": "masked",
            "eventType": "redaction",
            "number": request.number,
            "ground": decision.ground,
            "masking": row.masking,
            "source": {"aip": source.aip_id, "path": source.path, "sha256": source.sha256}
            if source is not None
            else {"record": str(request.record_id)},
            "outcome": {"name": row.name, "sha256": row.sha256, "size": row.size},
            "agent": scope.actor,
        },
    )


def open_released(row: ReleasedFile):
    return (released_dir(row.request.number) / row.stored_name).open("rb")


# ------------------------------------------------------------------------------ links


def _token(number: str, salt: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    mac = hmac.new(key, f"samarkiv-download:{number}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def create_link(scope: Scope, request: AccessRequest, now: datetime | None = None) -> str:
    """A new expiring link; returns its token (only its SHA-256 is stored)."""
    now = now or timezone.now()
    salt = secrets.token_hex(16)
    token = _token(request.number, salt)
    link = DownloadLink.objects.create(
        request=request,
        token_digest=digest(token),
        salt=salt,
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS),
    )
    audit(
        scope,
        AuditAction.EXPORT,
        obj=link,
        tenant=request.tenant_id,
        detail={"event": "link_created", "number": request.number, "expires": str(link.expires_at)},
    )
    return token


def link_token(link: DownloadLink) -> str | None:
    """The link's token again, for the status page of whoever holds the follow-up key
    (None if the server key changed since: the link is then lost, a new one is needed)."""
    token = _token(link.request.number, link.salt)
    return token if hmac.compare_digest(digest(token), link.token_digest) else None
