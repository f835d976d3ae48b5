"""Effective secrecy of a record: its own markings, its case's, or the wider units'.

The rules (OSL practice, see docs/reference 3.2):

- a record's own markings and those of the case it lies in (a document inherits its
  case's) are the record's *direct* markings;
- only when there are none, the markings of its series, its classification node (and
  the node's parents), and the delivery agreement of its AIP apply;
- restrictions delivered in the package (ERMS/FGS ``restriction``) always apply;
- a party with a protected identity (skyddade personuppgifter) always makes the record
  protected, whatever the dates say;
- file markings hide that file only.

A marking's earliest release date is its period start (else the record's end or start
date) plus its maximum years; an absolute secrecy or a marking without maximum has no
date and stays in force. A marking whose date has passed is no longer in force.

Everything is read once per batch (:class:`SecrecyContext`): a refresh of a whole
tenant must not run queries per record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from samarkiv.access.publication.choices import HarmTest, MarkingTarget

PROTECTED_WORDS = ("skydd", "protected", "kvarskriv", "sekretessmarker")


@dataclass(frozen=True)
class Restriction:
    """One reason for secrecy as the projection reasons about it."""

    source: str  # "record" | "case" | "series" | "classification" | "agreement" | "package"
    ground: str
    harm_test: str
    release: date | None  # earliest possible release; None: no date (stays in force)
    protected: bool
    personal_data: bool
    marking_id: int | None = None

    def in_force(self, today: date) -> bool:
        return self.protected or self.release is None or self.release > today


@dataclass
class EffectiveSecrecy:
    restrictions: list[Restriction] = field(default_factory=list)
    secret_files: set[str] = field(default_factory=set)  # AIP paths hidden by file markings

    def protected(self) -> bool:
        return any(r.protected for r in self.restrictions)

    def in_force(self, today: date) -> list[Restriction]:
        return [r for r in self.restrictions if r.in_force(today)]

    def earliest_release(self, today: date) -> date | None:
        """When the last secrecy in force may end; None when one has no date (or none)."""
        active = self.in_force(today)
        if not active or any(r.release is None for r in active):
            return None
        return max(r.release for r in active)


def add_years(start: date, years: int) -> date:
    """``start`` plus whole years (29 February -> 28 February in common years)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def release_date(marking, record, fallback=None) -> date | None:
    """The earliest possible release date of ``marking`` for ``record`` (or None).

    Without a period start, the record's own end (else start) date counts, else that
    of ``fallback`` (the case whose marking a document inherits).
    """
    if marking.harm_test == HarmTest.ABSOLUTE or marking.max_years is None:
        return None
    start = marking.period_start or record.date_end or record.date_start
    if start is None and fallback is not None:
        start = fallback.date_end or fallback.date_start
    if start is None:
        return None
    return add_years(start, int(marking.max_years))


class SecrecyContext:
    """Every marking, description link and class of the tenants in question, loaded once."""

    def __init__(self, tenants: list[str], aip_ids: list[str] | None = None) -> None:
        from samarkiv.access.publication.models import SecrecyMarking
        from samarkiv.catalog.models import AipDescription, ClassificationNode
        from samarkiv.delivery.models import SubmissionAgreement

        self.by_record = defaultdict(list)
        self.by_file = defaultdict(list)
        self.by_series = defaultdict(list)
        self.by_node = defaultdict(list)
        self.by_agreement = defaultdict(list)
        for m in SecrecyMarking.objects.filter(tenant_id__in=tenants):
            if m.target == MarkingTarget.RECORD and m.record_id:
                self.by_record[str(m.record_id)].append(m)
            elif m.target == MarkingTarget.FILE and m.aip_id:
                self.by_file[(m.aip_id, m.file_path)].append(m)
            elif m.target == MarkingTarget.SERIES and m.series_id:
                self.by_series[m.series_id].append(m)
            elif m.target == MarkingTarget.CLASSIFICATION and m.classification_node_id:
                self.by_node[m.classification_node_id].append(m)
            elif m.target == MarkingTarget.AGREEMENT and m.agreement_id:
                self.by_agreement[m.agreement_id].append(m)
        descriptions = AipDescription.objects.filter(tenant_id__in=tenants)
        if aip_ids is not None:
            descriptions = descriptions.filter(aip_id__in=aip_ids)
        self.descriptions = {
            d.aip_id: d for d in descriptions.select_related("series", "records_creator")
        }
        self.node_parent: dict[int, int | None] = {}
        self.nodes_by_code: dict[tuple[str, str], list[int]] = defaultdict(list)
        for node_id, tenant, code, parent in ClassificationNode.objects.filter(
            tenant_id__in=tenants
        ).values_list("pk", "tenant_id", "code", "parent_id"):
            self.node_parent[node_id] = parent
            self.nodes_by_code[(tenant, code)].append(node_id)
        self.agreements = {
            (tenant, code): pk
            for pk, tenant, code in SubmissionAgreement.objects.filter(
                tenant_id__in=tenants
            ).values_list("pk", "tenant_id", "code")
        }

    # --- the wider units -------------------------------------------------------------

    def node_ids(self, record) -> list[int]:
        """The record's class and its parents: from the AIP's description, and the
        tenant's nodes whose code is the record's classification code or a prefix."""
        start: list[int] = []
        description = self.descriptions.get(record.aip_id)
        if description is not None and description.classification_node_id:
            start.append(description.classification_node_id)
        code = (record.classification_code or "").strip()
        parts = code.split(".") if code else []
        for n in range(len(parts), 0, -1):
            start += self.nodes_by_code.get((record.tenant_id, ".".join(parts[:n])), [])
        seen: list[int] = []
        for node in start:
            while node is not None and node not in seen:
                seen.append(node)
                node = self.node_parent.get(node)
        return seen

    def wider(self, record, agreement_code: str) -> list[tuple[str, object]]:
        found: list[tuple[str, object]] = []
        description = self.descriptions.get(record.aip_id)
        if description is not None and description.series_id:
            found += [("series", m) for m in self.by_series.get(description.series_id, [])]
        for node in self.node_ids(record):
            found += [("classification", m) for m in self.by_node.get(node, [])]
        agreement = self.agreements.get((record.tenant_id, agreement_code or ""))
        if agreement is not None:
            found += [("agreement", m) for m in self.by_agreement.get(agreement, [])]
        return found

    # --- the record ------------------------------------------------------------------

    def effective(
        self, record, ancestors: list, agreement_code: str, file_paths
    ) -> EffectiveSecrecy:
        """The record's restrictions. ``ancestors``: its parent, grandparent ... (Records)."""
        direct = [("record", m, None) for m in self.by_record.get(str(record.pk), [])]
        for parent in ancestors:
            direct += [("case", m, parent) for m in self.by_record.get(str(parent.pk), [])]
        wider = [(source, m, None) for source, m in self.wider(record, agreement_code)]
        out = EffectiveSecrecy()
        for source, m, owner in direct or wider:
            out.restrictions.append(
                Restriction(
                    source=source,
                    ground=m.ground,
                    harm_test=m.harm_test,
                    release=release_date(m, record, owner),
                    protected=m.protected_identity,
                    personal_data=m.personal_data,
                    marking_id=m.pk,
                )
            )
        for item in (record, *ancestors):
            out.restrictions += package_restrictions(item)
        for path in file_paths:
            if self.by_file.get((record.aip_id, path)):
                out.secret_files.add(path)
        return out


def package_restrictions(record) -> list[Restriction]:
    """Restrictions the package itself declared: ERMS ``restriction``, FGS
    ``Restriktion``, and parties marked as protected identities.

    Any declared restriction counts as secrecy in force with no date: the delivering
    authority said so, and only a staff marking on the record can say otherwise.
    """
    out = []
    extra = record.extra if isinstance(record.extra, dict) else {}
    for item in extra.get("restrictions") or ():
        if not isinstance(item, dict):
            continue
        text = " ".join(str(item.get(k) or "") for k in ("type", "regulation", "explanation"))
        protected = any(word in text.lower() for word in PROTECTED_WORDS)
        ground = str(item.get("regulation") or item.get("type") or "")
        out.append(Restriction("package", ground, "", None, protected, False))
    for party in record.parties or ():
        if isinstance(party, dict) and party.get("protected_identity"):
            out.append(Restriction("package", "21 kap. 3 § OSL", "", None, True, True))
    return out
