"""Requests for public records in the isolation matrix: tenant B's request (with a
decision) must be "not found" for everyone of tenant A and the host's staff, on the
staff pages and on the citizen's status page without its key."""

from __future__ import annotations

from samarkiv.access.requests.choices import Outcome
from samarkiv.access.requests.models import ReleasedFile, RequestDecision
from samarkiv.access.requests.service import submit_request
from tests.tenancy.world import MARK, OTHER

PAGES = {
    "requests_ui:detail": lambda w: {"number": w.extra["request"].number},
    "requests_ui:close": lambda w: {"number": w.extra["request"].number},
    "requests_ui:link": lambda w: {"number": w.extra["request"].number},
    "requests_ui:new_link": lambda w: {"number": w.extra["request"].number},
    "requests_ui:released_file": lambda w: {
        "number": w.extra["request"].number,
        "pk": w.extra["released"].pk,
    },
    # Without the follow-up key the status page is a 404 for everyone.
    "requests_public:status": lambda w: {"number": w.extra["request"].number},
}

# No login and no tenant data: the form (public projection only), the once-only receipt,
# and the download pages, which answer only to the bearer of an unguessable link token.
PUBLIC = {
    "requests_public:new",
    "requests_public:receipt",
    "requests_public:download",
    "requests_public:download_all",
    "requests_public:download_file",
}


def build(world) -> None:
    request, _secret = submit_request(
        tenant=OTHER, description=f"{MARK} handlingar", message=f"{MARK} meddelande"
    )
    RequestDecision.objects.create(
        request=request, outcome=Outcome.REFUSAL, ground=f"{MARK} 26 kap. 1 § OSL"
    )
    world.extra["request"] = request
    world.extra["released"] = ReleasedFile.objects.create(
        request=request, name=f"{MARK}.pdf", stored_name=f"{MARK}.pdf", sha256="0" * 64
    )
    world.markers.append(request.number)
