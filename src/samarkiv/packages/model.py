"""Plain data shared by ingest, the AIP builder, PREMIS and storage.

No Django and no I/O here: these are the facts an archive records about a package,
passed between the steps of the pipeline and written into METS/PREMIS.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One file of a package: where it is, how big, its digest and its format."""

    path: str  # POSIX path relative to the package root folder
    size: int
    sha256: str
    puid: str = ""  # PRONOM unique identifier, e.g. "fmt/412"; "" if unidentified
    format_name: str = ""
    format_version: str = ""
    mime: str = ""
    basis: str = ""  # why the identifier chose this format
    warning: str = ""


class EventOutcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    WARNING = "warning"


class EventType(enum.StrEnum):
    """PREMIS event types (Library of Congress vocabulary, id.loc.gov eventType)."""

    INGESTION_START = "ingestion start"
    INGESTION_END = "ingestion end"
    VALIDATION = "validation"
    FORMAT_IDENTIFICATION = "format identification"
    MESSAGE_DIGEST_CALCULATION = "message digest calculation"
    FIXITY_CHECK = "fixity check"
    REPLICATION = "replication"
    VIRUS_CHECK = "virus check"
    INFORMATION_PACKAGE_CREATION = "information package creation"


class AgentType(enum.StrEnum):
    SOFTWARE = "software"
    ORGANIZATION = "organization"
    PERSON = "person"


@dataclass(frozen=True, slots=True)
class PremisAgent:
    identifier: str  # e.g. "samarkiv-0.1.0" or "tenant:lund"
    name: str
    agent_type: AgentType
    note: str = ""  # e.g. the software version


@dataclass(frozen=True, slots=True)
class PremisEvent:
    identifier: str  # a UUID string
    event_type: EventType
    date_time: datetime  # timezone-aware
    outcome: EventOutcome
    detail: str = ""
    outcome_detail: str = ""
    agent_ids: tuple[str, ...] = ()
    object_ids: tuple[str, ...] = ()  # package-relative paths or the AIP identifier


@dataclass(frozen=True, slots=True)
class TenantRef:
    """The municipality (archive authority) that owns a package."""

    code: str  # lowercase ASCII slug, e.g. "horby"
    name: str  # e.g. "Hörby kommun"
    org_number: str = ""  # organisationsnummer, e.g. "212000-1090"


@dataclass(slots=True)
class AipSummary:
    """What the catalogue needs about one AIP, as read back from its METS and PREMIS."""

    aip_id: str
    tenant_code: str
    sip_objid: str
    label: str
    created: datetime | None
    files: list[FileRecord] = field(default_factory=list)
    events: list[PremisEvent] = field(default_factory=list)
    agents: list[PremisAgent] = field(default_factory=list)
    agreement: str = ""  # the submission agreement's code (altRecordID SUBMISSIONAGREEMENT)
