"""The requester's side of a delivery: the expiring link and its downloads.

Why a 410 and not a 404 for an expired link: the requester should learn that the link
was real and has run out (and can ask the municipality for a new one), while a wrong
token stays indistinguishable from any other missing page.
"""

from __future__ import annotations

import hmac

from django.db.models import F
from django.utils import timezone

from samarkiv.access.requests.models import DownloadLink, ReleasedFile
from samarkiv.access.requests.service import digest
from samarkiv.accounts.scope import ANONYMOUS
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.service import record as audit
from samarkiv.errors import NotFoundError, SamarkivError


class LinkExpiredError(SamarkivError):
    code = "link_expired"
    http_status = 410

    def __init__(self, link: DownloadLink) -> None:
        super().__init__(f"the download link of {link.request.number} has expired")
        self.link = link


def link_for(token: str) -> DownloadLink:
    """The live link with this token; NotFoundError, or LinkExpiredError once it ran out."""
    wanted = digest(token or "")
    link = (
        DownloadLink.objects.select_related("request", "request__tenant")
        .filter(token_digest=wanted)
        .first()
    )
    if link is None or not hmac.compare_digest(link.token_digest, wanted):
        raise NotFoundError("no such download link")
    if link.expired():
        if not link.expiry_logged:
            DownloadLink.objects.filter(pk=link.pk).update(expiry_logged=True)
            audit(
                ANONYMOUS,
                AuditAction.DENIED,
                outcome=AuditOutcome.DENIED,
                obj=link,
                tenant=link.request.tenant_id,
                detail={"event": "link_expired", "number": link.request.number},
            )
        raise LinkExpiredError(link)
    return link


def released_file(link: DownloadLink, pk: int) -> ReleasedFile:
    row = ReleasedFile.objects.filter(request=link.request, pk=pk).first()
    if row is None:
        raise NotFoundError("no such released file")
    return row


def record_download(link: DownloadLink, what: str) -> None:
    """Count and log one download (which file, or "all")."""
    now = timezone.now()
    DownloadLink.objects.filter(pk=link.pk).update(
        download_count=F("download_count") + 1, last_download_at=now
    )
    audit(
        ANONYMOUS,
        AuditAction.DOWNLOAD,
        obj=link,
        tenant=link.request.tenant_id,
        detail={"event": "downloaded", "number": link.request.number, "file": what},
    )


def current_link(request) -> DownloadLink | None:
    """The newest link of a request that has not expired (for its status page)."""
    return request.links.filter(expires_at__gt=timezone.now()).order_by("-created_at").first()
