"""The delivery API, version 1, under /api/v1/ (docs at /api/v1/docs).

Business systems authenticate with a bearer token (``sa_...``) issued by an archivist;
staff may call the same endpoints with their browser session (CSRF applies).
"""

from django.http import HttpRequest
from ninja import NinjaAPI, Router

from samarkiv.errors import NotFoundError
from samarkiv.web.api import deliveries, errors, public, uploads
from samarkiv.web.api.auth import AUTH

api = NinjaAPI(
    title="samarkiv",
    version="1",
    description=(
        "Leverans-API för verksamhetssystem: ladda upp ett E-ARK SIP med tus 1.0.0, "
        "starta inleverans, följ leveransen och hämta kvittot. / Delivery API for "
        "business systems: upload an E-ARK SIP with tus 1.0.0, start the ingest, follow "
        "the delivery and fetch the receipt. See docs/api.md."
    ),
    urls_namespace="api_v1",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", uploads.router)
api.add_router("", deliveries.router)
api.add_router("", public.router)  # no login: the published projection only
fallback = Router()  # added last: Django tries the URL patterns in order


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    "/{path:rest}",
    auth=None,
    include_in_schema=False,
)
def unknown_path(request: HttpRequest, rest: str):
    """Anything else under /api/v1/ is a JSON 404, like every other API error."""
    raise NotFoundError("no such API endpoint")


api.add_router("", fallback)
