"""Demo data of this domain, loaded by ``samarkiv demo`` (web.commands.DEMO_STEPS).

Two requests waiting in the queues: one for a hidden record of Hörby (when the
publication demo left a stub there) and one free-text request to Bjuv. Idempotent: the
demo's messages mark its requests, so a second `make run` adds nothing.
"""

from __future__ import annotations

DEMO_MESSAGE = "Demobegäran: "


def load_demo() -> int:
    """Create the demo requests once; 0 = success."""
    from samarkiv.access.publication.models import PublicStub
    from samarkiv.access.requests.models import AccessRequest
    from samarkiv.access.requests.service import submit_request
    from samarkiv.catalog.models import Tenant

    if AccessRequest.objects.filter(message__startswith=DEMO_MESSAGE).exists():
        print("Requests for public records: demo requests already there")
        return 0
    made = []
    stub = PublicStub.objects.filter(tenant_code="horby").order_by("year_start", "id").first()
    if stub is not None:
        request, _secret = submit_request(
            stub_id=str(stub.pk), message=f"{DEMO_MESSAGE}gärna som PDF, tack."
        )
        made.append(request)
    if Tenant.objects.filter(code="bjuv").exists():
        request, _secret = submit_request(
            tenant="bjuv",
            description="Bygglovsritningar för Storgatan 1 i Bjuv från 1960-talet.",
            message=f"{DEMO_MESSAGE}det gäller fasadritningarna.",
        )
        made.append(request)
    for request in made:
        print(f"Request for public records {request.number} -> {request.tenant_id}")
    return 0
