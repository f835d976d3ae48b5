"""Recompute visibility and rewrite the published projection (and the public index).

Why delete-and-insert in one transaction: the projection is derived data; rewriting
the rows of the records in question makes a refresh idempotent and leaves no stale
published row behind when a marking or rule changes. The public index is updated
fail-closed: the refreshed records' documents are deleted and committed first, then
the database is rewritten, then the published ones are added again. If anything
fails in between, records are missing from search, never shown when they should not.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samarkiv.access.publication import public_index
from samarkiv.access.publication.choices import Visibility
from samarkiv.access.publication.masking import mask_personal_ids
from samarkiv.access.publication.models import (
    PublicationRule,
    PublicStub,
    PublishedFile,
    PublishedRecord,
    RecordVisibility,
)
from samarkiv.access.publication.rules import decide, facts_for
from samarkiv.access.publication.secrecy import EffectiveSecrecy, SecrecyContext

MAX_BODY_CHARS = 500_000
CHUNK = 1000
# fastighetsbeteckning with block:unit ("Tygelsjö 22:14", "Bjuv Almen 3:4")
_PROPERTY = re.compile(r"\b(?:[A-ZÅÄÖ][\wåäö-]+ ){1,2}\d{1,4}:\d{1,4}\b")


@dataclass
class RefreshSummary:
    records: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # visibility -> records
    published_files: int = 0
    stubs: int = 0
    indexed: int = 0


@dataclass
class _Computed:
    record: object
    visibility: str
    reasons: list[dict]
    earliest_release: date | None
    files: list  # AipFile rows that may be published


def refresh(
    *, tenant: str | None = None, aip_id: str | None = None, today: date | None = None
) -> RefreshSummary:
    """Recompute the records of one AIP, one tenant, or everything (no arguments).

    One refresh at a time per archive home (an exclusive ``flock``): two interleaved
    refreshes could otherwise leave the index holding what the database withdrew.
    """
    with _refresh_lock():
        return _refresh(tenant, aip_id, today)


@contextlib.contextmanager
def _refresh_lock() -> Iterator[None]:
    folder = Path(settings.SAMARKIV_LOCKS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "publication-refresh.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _refresh(tenant: str | None, aip_id: str | None, today: date | None) -> RefreshSummary:
    from samarkiv.catalog.models import Tenant
    from samarkiv.catalog.records.models import Record

    today = today or timezone.localdate()
    records = Record.objects.select_related("aip")
    if aip_id is not None:
        records = records.filter(aip_id=aip_id)
        tenants = list(
            Record.objects.filter(aip_id=aip_id).values_list("tenant_id", flat=True).distinct()
        )
        from samarkiv.preservation.models import Aip

        tenants = tenants or list(Aip.objects.filter(pk=aip_id).values_list("tenant_id", flat=True))
    elif tenant is not None:
        records = records.filter(tenant_id=tenant)
        tenants = [tenant]
    else:
        tenants = list(Tenant.objects.values_list("code", flat=True))
    records = list(records.order_by("aip_id", "order", "pk"))
    names = dict(Tenant.objects.filter(code__in=tenants).values_list("code", "name"))
    with translation.override("sv"):
        computed = _compute(records, tenants, aip_id, today)
    old_ids = _old_ids(tenant, aip_id)
    all_ids = old_ids | {str(c.record.pk) for c in computed}
    public_index.remove_from_index(tenant=tenant, aip_id=aip_id, record_ids=all_ids)
    with transaction.atomic():
        _delete(tenant, aip_id, all_ids)
        summary = _write(computed, names)
    published = PublishedRecord.objects.filter(
        pk__in=[c.record.pk for c in computed if c.visibility == Visibility.PUBLISHED]
    )
    if published.exists():
        summary.indexed = public_index.index_published(published.iterator(chunk_size=CHUNK))
    transaction.on_commit(public_index.touch)  # at once unless inside an outer transaction
    return summary


def _old_ids(tenant: str | None, aip_id: str | None) -> set[str]:
    qs = RecordVisibility.objects.all()
    if aip_id is not None:
        qs = qs.filter(aip_id=aip_id)
    elif tenant is not None:
        qs = qs.filter(tenant_id=tenant)
    return {str(pk) for pk in qs.values_list("pk", flat=True)}


def _delete(tenant: str | None, aip_id: str | None, ids: set[str]) -> None:
    id_list = list(ids)
    for start in range(0, len(id_list), CHUNK):
        chunk = id_list[start : start + CHUNK]
        PublishedRecord.objects.filter(pk__in=chunk).delete()
        PublicStub.objects.filter(pk__in=chunk).delete()
        RecordVisibility.objects.filter(pk__in=chunk).delete()
    if aip_id is not None:
        PublishedRecord.objects.filter(aip_id=aip_id).delete()
        RecordVisibility.objects.filter(aip_id=aip_id).delete()
    elif tenant is not None:
        PublishedRecord.objects.filter(tenant_code=tenant).delete()
        PublicStub.objects.filter(tenant_code=tenant).delete()
        RecordVisibility.objects.filter(tenant_id=tenant).delete()
    else:
        PublishedRecord.objects.all().delete()
        PublicStub.objects.all().delete()
        RecordVisibility.objects.all().delete()


def _files_by_record(records: list) -> dict:
    from samarkiv.catalog.records.models import RecordFile

    out = defaultdict(list)
    ids = [r.pk for r in records]
    for start in range(0, len(ids), CHUNK):
        links = RecordFile.objects.filter(record_id__in=ids[start : start + CHUNK])
        for link in links.select_related("aip_file").order_by("aip_file__path"):
            out[link.record_id].append(link.aip_file)
    return out


def _compute(records: list, tenants: list[str], aip_id: str | None, today: date) -> list[_Computed]:
    ctx = SecrecyContext(tenants, [aip_id] if aip_id else None)
    rules = defaultdict(list)
    for rule in PublicationRule.objects.filter(tenant_id__in=tenants):
        rules[rule.tenant_id].append(rule)
    by_id = {r.pk: r for r in records}
    files = _files_by_record(records)
    computed = []
    for record in records:
        ancestors = _ancestors(record, by_id)
        paths = [f.path for f in files.get(record.pk, [])]
        secrecy = ctx.effective(record, ancestors, record.aip.agreement, paths)
        facts = facts_for(record, ctx.descriptions.get(record.aip_id))
        outcome = decide(rules.get(record.tenant_id, []), facts, today)
        visibility, reasons = _visibility(secrecy, outcome, today)
        if secrecy.secret_files:
            reasons.append(
                {
                    "code": "file_secret",
                    "text": _("%(n)d filer är sekretessmarkerade och visas inte.")
                    % {"n": len(secrecy.secret_files)},
                }
            )
        shown = [f for f in files.get(record.pk, []) if f.path not in secrecy.secret_files]
        computed.append(
            _Computed(record, visibility, reasons, secrecy.earliest_release(today), shown)
        )
    _withhold_shared_files(computed)
    return computed


def _ancestors(record, by_id: dict) -> list:
    out, seen = [], set()
    parent_id = record.parent_id
    while parent_id is not None and parent_id not in seen and parent_id in by_id:
        seen.add(parent_id)
        parent = by_id[parent_id]
        out.append(parent)
        parent_id = parent.parent_id
    return out


def _withhold_shared_files(computed: list[_Computed]) -> None:
    """A file that any unpublished record also points to is not published: its text
    belongs to the secret record as much as to the public one."""
    hidden = {f.pk for c in computed if c.visibility != Visibility.PUBLISHED for f in c.files}
    for c in computed:
        if c.visibility == Visibility.PUBLISHED:
            c.files = [f for f in c.files if f.pk not in hidden]


def _visibility(secrecy: EffectiveSecrecy, outcome, today: date) -> tuple[str, list[dict]]:
    reasons: list[dict] = []
    if secrecy.protected():
        reasons.append(
            {
                "code": "protected",
                "text": _("Skyddade personuppgifter: publiceras aldrig och visas inte alls."),
            }
        )
        return Visibility.PROTECTED, reasons
    active = secrecy.in_force(today)
    for r in secrecy.restrictions:
        reasons.append(_secrecy_reason(r, r in active))
    if active:
        return Visibility.SECRET, reasons
    reasons.append(_rule_reason(outcome))
    return (Visibility.PUBLISHED if outcome.published else Visibility.UNPUBLISHED), reasons


def _source_label(source: str) -> str:
    return {
        "record": _("markering på posten"),
        "case": _("markering på ärendet"),
        "series": _("markering på serien"),
        "classification": _("markering på klassen"),
        "agreement": _("markering på leveransöverenskommelsen"),
        "package": _("restriktion i leveransen"),
    }.get(source, source)


def _secrecy_reason(r, active: bool) -> dict:
    ground = r.ground or _("ingen sekretessgrund angiven")
    until = r.release.isoformat() if r.release else _("tills vidare")
    if active:
        text = _("Sekretess (%(ground)s; %(source)s) till och med %(until)s.") % {
            "ground": ground,
            "source": _source_label(r.source),
            "until": until,
        }
        return {"code": "secrecy", "text": text, "source": r.source, "until": until}
    text = _("Sekretessen (%(ground)s) gällde till %(until)s och har upphört.") % {
        "ground": ground,
        "until": until,
    }
    return {"code": "secrecy_expired", "text": text, "source": r.source}


def _rule_reason(outcome) -> dict:
    if outcome.code == "rule_publish":
        text = _("Publiceras enligt regeln ”%(name)s”.") % {"name": outcome.rule_name}
    elif outcome.code == "rule_never":
        text = _("Regeln ”%(name)s” säger att posten aldrig publiceras.") % {
            "name": outcome.rule_name
        }
    elif outcome.code == "rule_too_young":
        when = outcome.publish_from.isoformat() if outcome.publish_from else _("okänt datum")
        text = _("Regeln ”%(name)s” publicerar posten först %(when)s.") % {
            "name": outcome.rule_name,
            "when": when,
        }
    else:
        text = _("Ingen publiceringsregel omfattar posten.")
    return {"code": outcome.code, "text": text, "rule_id": outcome.rule_id}


def _write(computed: list[_Computed], names: dict) -> RefreshSummary:
    """Insert the new rows, a chunk of records at a time (file texts are read per
    chunk, so a large tenant's texts are never all in memory at once)."""
    from samarkiv.catalog.models import AipDescription

    summary = RefreshSummary(records=len(computed))
    summary.counts = dict(Counter(str(c.visibility) for c in computed))
    published_ids = {c.record.pk for c in computed if c.visibility == Visibility.PUBLISHED}
    aips = {c.record.aip_id for c in computed}
    descriptions = {
        d.aip_id: d
        for d in AipDescription.objects.filter(aip_id__in=aips).select_related(
            "series", "records_creator"
        )
    }
    for start in range(0, len(computed), CHUNK):
        chunk = computed[start : start + CHUNK]
        files, stubs = _write_chunk(chunk, names, published_ids, descriptions)
        summary.published_files += files
        summary.stubs += stubs
    return summary


def _write_chunk(chunk: list[_Computed], names, published_ids, descriptions) -> tuple[int, int]:
    texts = _texts([f.pk for c in chunk if c.record.pk in published_ids for f in c.files])
    visibilities, published, files, stubs = [], [], [], []
    now = timezone.now()
    for c in chunk:
        record = c.record
        visibilities.append(
            RecordVisibility(
                record_id=record.pk,
                tenant_id=record.tenant_id,
                aip_id=record.aip_id,
                visibility=c.visibility,
                reasons=c.reasons,
                earliest_release=c.earliest_release,
                computed_at=now,
            )
        )
        description = descriptions.get(record.aip_id)
        if c.visibility == Visibility.PUBLISHED:
            parent = record.parent_id if record.parent_id in published_ids else None
            body = "\n".join(texts[f.pk] for f in c.files if texts.get(f.pk))
            published.append(_published(record, description, names, parent, body))
            files += _published_files(record, c.files)
        elif c.visibility != Visibility.PROTECTED:
            stubs.append(_stub(record, description, names, c.visibility))
    RecordVisibility.objects.bulk_create(visibilities, batch_size=CHUNK)
    PublishedRecord.objects.bulk_create(published, batch_size=CHUNK)
    PublishedFile.objects.bulk_create(files, batch_size=CHUNK)
    PublicStub.objects.bulk_create(stubs, batch_size=CHUNK)
    return len(files), len(stubs)


def _creator(record, description) -> str:
    """Always public (also on stubs); masked all the same, as every public text is."""
    if record.records_creator_name:
        return mask_personal_ids(record.records_creator_name.strip())
    if description is not None and description.records_creator_id:
        return mask_personal_ids(description.records_creator.name)
    return ""


def _series_title(description) -> str:
    if description is not None and description.series_id:
        return mask_personal_ids(str(description.series))
    return ""


def _published(record, description, names: dict, parent_id, body: str) -> PublishedRecord:
    extra = record.extra if isinstance(record.extra, dict) else {}
    people = [
        p.get("name", "")
        for p in record.parties or ()
        if isinstance(p, dict) and p.get("name") and not p.get("protected_identity")
    ]
    # A private person's postal address is personal data the portal does not spread;
    # an organisation's (a builder, a company applying) is searchable.
    addresses = [str(a) for a in extra.get("addresses") or () if a] + [
        str(p["address"])
        for p in record.parties or ()
        if isinstance(p, dict) and p.get("address") and not p.get("personal_data")
    ]
    properties = [str(p) for p in extra.get("property_designations") or () if p]
    properties += _PROPERTY.findall(f"{record.title}\n{record.description}")
    return PublishedRecord(
        id=record.pk,
        tenant_code=record.tenant_id,
        tenant_name=names.get(record.tenant_id, record.tenant_id),
        aip_id=record.aip_id,
        parent_id=parent_id,
        kind=record.kind,
        title=mask_personal_ids(record.title),
        registration_number=mask_personal_ids(record.registration_number),
        date_start=record.date_start,
        date_end=record.date_end,
        document_type=mask_personal_ids(record.document_type),
        classification_code=record.classification_code,
        records_creator=_creator(record, description),
        series_title=_series_title(description),
        description=mask_personal_ids(record.description),
        names=mask_personal_ids("\n".join(dict.fromkeys(people))),
        addresses=mask_personal_ids("\n".join(dict.fromkeys(addresses))),
        property_designations="\n".join(dict.fromkeys(properties)),
        body=mask_personal_ids(body[:MAX_BODY_CHARS]),
    )


def _texts(file_ids: list[int]) -> dict[int, str]:
    """Extracted texts of the files to publish, read in chunks (not per record)."""
    from samarkiv.catalog.records.choices import TextStatus
    from samarkiv.catalog.records.models import FileText

    out: dict[int, str] = {}
    for start in range(0, len(file_ids), CHUNK):
        rows = FileText.objects.filter(
            aip_file_id__in=file_ids[start : start + CHUNK], status=TextStatus.DONE
        ).values_list("aip_file_id", "text")
        out.update((pk, text) for pk, text in rows if text)
    return out


def _published_files(record, files: list) -> list[PublishedFile]:
    return [
        PublishedFile(
            record_id=record.pk,
            aip_id=record.aip_id,
            path=f.path,
            name=mask_personal_ids(f.path.rsplit("/", 1)[-1])[:255],
            size=f.size,
            sha256=f.sha256,
            puid=f.puid,
            mime=f.mime,
            order=n,
        )
        for n, f in enumerate(files)
    ]


def _stub(record, description, names: dict, visibility: str) -> PublicStub:
    start = record.date_start or record.date_end
    end = record.date_end or record.date_start
    return PublicStub(
        id=record.pk,
        tenant_code=record.tenant_id,
        tenant_name=names.get(record.tenant_id, record.tenant_id),
        kind=record.kind,
        records_creator=_creator(record, description),
        series_title=_series_title(description),
        year_start=start.year if start else None,
        year_end=end.year if end else None,
        reason=visibility,
    )


def drop_aip(aip_id: str) -> None:
    """A disposed-of AIP: its published rows, stubs and visibilities go, index too."""
    with _refresh_lock():
        ids = _old_ids(None, aip_id)
        public_index.drop_aip(aip_id)
        with transaction.atomic():
            _delete(None, aip_id, ids)
        transaction.on_commit(public_index.touch)
