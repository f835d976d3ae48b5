"""The tus 1.0.0 endpoints: resumable upload of a SIP, in chunks, over plain HTTP.

Extensions: creation, termination, checksum (sha256, sha1). A PATCH body is read in
blocks with ``request.read``: ``request.body`` would refuse anything over Django's
in-memory limit, and a chunk never has to fit in memory. Under ASGI the server has the
whole body before the view runs, so a connection cut mid-PATCH changes nothing and
``HEAD`` tells the client where to go on.
"""

import base64
import binascii
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Header, Router, Status

from samarkiv.delivery import services
from samarkiv.delivery.uploads import CHECKSUM_ALGORITHMS, InvalidUploadError
from samarkiv.web.api.auth import scope_of
from samarkiv.web.api.errors import TUS_VERSION, ApiError
from samarkiv.web.api.schemas import ErrorOut, UploadOut

router = Router(tags=["uploads (tus 1.0.0)"])

OCTETS = "application/offset+octet-stream"
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 410, 412, 413, 422)}
PATCH_ERRORS = {**ERRORS, 411: ErrorOut, 415: ErrorOut, 460: ErrorOut}


def _header(description: str, schema: dict | None = None) -> dict:
    return {"description": description, "schema": schema or {"type": "string"}}


TUS_RESUMABLE = _header("The tus protocol version, always 1.0.0.", {"type": "string"})
OFFSET_HEADERS = {
    "Tus-Resumable": TUS_RESUMABLE,
    "Upload-Offset": _header("Bytes received so far.", {"type": "integer", "minimum": 0}),
}


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    return response


def _check_version(client_version: str | None) -> None:
    """tus: a client speaking another version gets 412 (the header lists ours)."""
    if client_version is not None and client_version.strip() != TUS_VERSION:
        raise ApiError(412, "tus_version", f"only tus {TUS_VERSION} is supported")


def parse_metadata(header: str) -> dict[str, bytes]:
    """``key b64value,key2 b64value2`` (tus creation) → decoded values."""
    pairs = {}
    for item in filter(None, (part.strip() for part in (header or "").split(","))):
        key, _, value = item.partition(" ")
        try:
            pairs[key] = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidUploadError(f"Upload-Metadata: {key} is not base64") from exc
    return pairs


def _text(metadata: dict[str, bytes], key: str) -> str:
    try:
        return metadata.get(key, b"").decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise InvalidUploadError(f"Upload-Metadata: {key} is not UTF-8") from exc


def _declared_sha256(metadata: dict[str, bytes]) -> str | None:
    """The ``sha256`` metadata as hex: sent as hex text (documented) or as raw bytes."""
    raw = metadata.get("sha256")
    if not raw:
        return None
    return raw.hex() if len(raw) == 32 else _text(metadata, "sha256")


def _agreement_id(metadata: dict[str, bytes]) -> int | None:
    value = _text(metadata, "agreement")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise InvalidUploadError("Upload-Metadata: agreement must be an agreement id")
    return int(value)


@router.api_operation(
    ["OPTIONS"],
    "/uploads",
    operation_id="tusOptions",
    auth=None,
    response={204: None},
    summary="tus discovery: version, extensions, limits",
    openapi_extra={
        "responses": {
            204: {
                "headers": {
                    "Tus-Resumable": TUS_RESUMABLE,
                    "Tus-Version": _header("Supported versions: 1.0.0."),
                    "Tus-Extension": _header("creation,termination,checksum"),
                    "Tus-Max-Size": _header("Largest upload in bytes.", {"type": "integer"}),
                    "Tus-Checksum-Algorithm": _header("sha256,sha1"),
                }
            }
        }
    },
)
def tus_options(request: HttpRequest):
    response = _tus(HttpResponse(status=204))
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = "creation,termination,checksum"
    response["Tus-Max-Size"] = str(settings.SAMARKIV_MAX_UPLOAD_BYTES)
    response["Tus-Checksum-Algorithm"] = ",".join(CHECKSUM_ALGORITHMS)
    return response


@router.post(
    "/uploads",
    operation_id="createUpload",
    response={201: UploadOut, **ERRORS},
    summary="Create an upload (tus creation)",
    openapi_extra={
        "responses": {
            201: {
                "headers": {
                    "Tus-Resumable": TUS_RESUMABLE,
                    "Location": _header("The upload's URL (relative), for HEAD, PATCH, DELETE."),
                }
            }
        }
    },
)
def create_upload(
    request: HttpRequest,
    response: HttpResponse,
    upload_length: int = Header(..., alias="Upload-Length", ge=0),
    upload_metadata: str = Header(
        "",
        alias="Upload-Metadata",
        description="Comma-separated `key base64(value)`: `filename` (required, "
        ".zip/.tar/.tar.gz), `sha256` (optional, hex digest of the whole file), "
        "`agreement` (staff only: an agreement id; default the manual agreement).",
    ),
    tus_resumable: str | None = Header(None, alias="Tus-Resumable"),
):
    """Reserve an upload of Upload-Length bytes; send them with PATCH to Location."""
    _check_version(tus_resumable)
    metadata = parse_metadata(upload_metadata)
    upload = services.create_upload(
        scope_of(request),
        upload_length,
        _text(metadata, "filename") or _text(metadata, "name"),
        _declared_sha256(metadata),
        agreement_id=_agreement_id(metadata),
    )
    # Relative, as tus 1.0.0 allows: request.scheme is not reliable behind every proxy.
    location = f"{request.path.rstrip('/')}/{upload.pk}"
    _tus(response)
    response["Location"] = location
    return Status(201, UploadOut.of(upload, location))


@router.api_operation(
    ["HEAD"],
    "/uploads/{upload_id}",
    operation_id="uploadOffset",
    response={200: None, **ERRORS},
    summary="Where the upload stands (resume from Upload-Offset)",
    openapi_extra={
        "responses": {
            200: {
                "headers": {
                    **OFFSET_HEADERS,
                    "Upload-Length": _header("The upload's size.", {"type": "integer"}),
                    "Cache-Control": _header("no-store"),
                }
            }
        }
    },
)
def upload_offset(
    request: HttpRequest,
    upload_id: UUID,
    tus_resumable: str | None = Header(None, alias="Tus-Resumable"),
):
    _check_version(tus_resumable)
    upload = services.get_upload(scope_of(request), upload_id)
    response = _tus(HttpResponse(status=200))
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    response["Cache-Control"] = "no-store"
    return response


def _content_length(request: HttpRequest) -> int:
    """The body's size; a chunked body (no Content-Length) is refused, none is empty."""
    raw = (request.META.get("CONTENT_LENGTH") or "").strip()
    if not raw and "HTTP_TRANSFER_ENCODING" not in request.META:
        return 0
    if not raw.isdigit():
        raise ApiError(411, "length_required", "PATCH needs a Content-Length")
    return int(raw)


@router.patch(
    "/uploads/{upload_id}",
    operation_id="appendChunk",
    response={204: None, **PATCH_ERRORS},
    summary="Append a chunk at Upload-Offset (tus core + checksum)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {OCTETS: {"schema": {"type": "string", "format": "binary"}}},
        },
        "responses": {
            204: {"headers": OFFSET_HEADERS},
            460: {"description": "Checksum Mismatch (tus checksum extension)"},
        },
    },
)
def append_chunk(
    request: HttpRequest,
    upload_id: UUID,
    upload_offset: int = Header(..., alias="Upload-Offset", ge=0),
    upload_checksum: str | None = Header(
        None,
        alias="Upload-Checksum",
        description="`sha256 <base64 digest>` or `sha1 <base64 digest>` of this chunk.",
    ),
    tus_resumable: str | None = Header(None, alias="Tus-Resumable"),
):
    """Send 8-32 MiB per PATCH; on a cut connection, HEAD and resume from Upload-Offset."""
    _check_version(tus_resumable)
    if request.content_type != OCTETS:
        raise ApiError(415, "unsupported_media_type", f"Content-Type must be {OCTETS}")
    upload = services.append_chunk(
        scope_of(request),
        upload_id,
        upload_offset,
        request,
        _content_length(request),
        upload_checksum,
    )
    response = _tus(HttpResponse(status=204))
    response["Upload-Offset"] = str(upload.offset)
    return response


@router.delete(
    "/uploads/{upload_id}",
    operation_id="terminateUpload",
    response={204: None, **ERRORS},
    summary="Terminate an upload (tus termination)",
    openapi_extra={"responses": {204: {"headers": {"Tus-Resumable": TUS_RESUMABLE}}}},
)
def terminate_upload(
    request: HttpRequest,
    upload_id: UUID,
    tus_resumable: str | None = Header(None, alias="Tus-Resumable"),
):
    _check_version(tus_resumable)
    services.terminate_upload(scope_of(request), upload_id)
    return _tus(HttpResponse(status=204))
