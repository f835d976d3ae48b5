"""What the delivery API sends and takes, as Pydantic schemas (and so in OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field

from samarkiv.delivery.choices import DeliveryState, UploadState
from samarkiv.delivery.models import Delivery, SubmissionAgreement, Upload
from samarkiv.ingest.receipt import Receipt


class ErrorOut(Schema):
    """Every error: a stable machine code and a human message."""

    code: str = Field(examples=["not_found"])
    message: str


class AgreementOut(Schema):
    id: int
    code: str
    name: str
    tenant: str
    business_system: str
    information_type: str
    specifications: list[str]
    valid_from: date | None
    valid_until: date | None

    @staticmethod
    def of(agreement: SubmissionAgreement) -> AgreementOut:
        return AgreementOut(
            id=agreement.pk,
            code=agreement.code,
            name=str(agreement.name),
            tenant=agreement.tenant_id,
            business_system=agreement.business_system,
            information_type=agreement.information_type,
            specifications=[str(s) for s in agreement.specifications or []],
            valid_from=agreement.valid_from,
            valid_until=agreement.valid_until,
        )


class UploadOut(Schema):
    id: UUID
    filename: str
    length: int
    offset: int
    state: UploadState
    agreement: str
    expires_at: datetime | None
    location: str

    @staticmethod
    def of(upload: Upload, location: str) -> UploadOut:
        return UploadOut(
            id=upload.pk,
            filename=upload.filename,
            length=upload.length,
            offset=upload.offset,
            state=UploadState(upload.state),
            agreement=upload.agreement.code,
            expires_at=upload.expires_at,
            location=location,
        )


class DeliveryIn(Schema):
    upload_id: UUID


class DeliveryOut(Schema):
    id: UUID
    state: DeliveryState
    filename: str
    tenant: str
    agreement: str
    upload_id: UUID | None
    ingest_id: UUID | None
    aip_id: str = Field(description="The AIP the delivery became (done) or already was.")
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def of(delivery: Delivery) -> DeliveryOut:
        ingest = delivery.ingest
        return DeliveryOut(
            id=delivery.pk,
            state=DeliveryState(delivery.state),
            filename=delivery.filename,
            tenant=delivery.tenant_id,
            agreement=delivery.agreement.code,
            upload_id=delivery.upload_id,
            ingest_id=delivery.ingest_id,
            aip_id=ingest.aip_id if ingest is not None else "",
            message=delivery.message,
            created_at=delivery.created_at,
            started_at=delivery.started_at,
            finished_at=delivery.finished_at,
        )


class CopyOut(Schema):
    """A verified stored copy: storage location and AIP version (no server paths)."""

    location: str
    version: str


class ReceiptOut(Schema):
    """The ingest receipt (``source`` is the delivered file's name, not a server path)."""

    delivery_id: UUID
    ingest_id: str
    state: str
    tenant: str
    source: str
    sip_objid: str
    aip_id: str
    file_count: int
    bytes: int
    copies: list[CopyOut]
    errors: int
    warnings: int
    message: str
    started: str
    finished: str
    duplicate_of: str

    @staticmethod
    def of(delivery: Delivery, receipt: Receipt) -> ReceiptOut:
        data = receipt.to_dict()
        data["source"] = delivery.filename
        data["copies"] = [
            {"location": c["location"], "version": c["version"]} for c in data["copies"]
        ]
        return ReceiptOut(delivery_id=delivery.pk, **data)
