"""E-mail to a requester who asked for it (and only then).

Why failures are logged and not raised: the decision stands and the status page shows
it whether or not a mail server answered; the staff page says that no mail went out.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from samarkiv.access.requests.models import AccessRequest
from samarkiv.access.requests.release import LINK_DAYS

log = logging.getLogger(__name__)


def _send(request: AccessRequest, subject: str, body: str) -> bool:
    if not request.email:
        return False
    try:
        send_mail(subject, body, None, [request.email])
    except Exception:  # SMTP down, bad address: the page still holds the answer
        log.exception("could not e-mail the requester of %s", request.number)
        return False
    return True


def send_receipt(request: AccessRequest, status_url: str) -> bool:
    subject = _("Din begäran %(number)s har tagits emot") % {"number": request.number}
    body = _(
        "%(tenant)s har tagit emot din begäran om allmän handling (%(number)s).\n\n"
        "Följ ärendet här (länken är personlig, dela den inte):\n%(url)s\n"
    ) % {"tenant": request.tenant.name, "number": request.number, "url": status_url}
    return _send(request, subject, body)


def send_decision(request: AccessRequest, download_url: str | None) -> bool:
    decision = request.decision
    subject = _("Beslut om din begäran %(number)s") % {"number": request.number}
    lines = [
        _("%(tenant)s har beslutat om din begäran %(number)s: %(outcome)s.")
        % {
            "tenant": request.tenant.name,
            "number": request.number,
            "outcome": decision.get_outcome_display(),
        }
    ]
    if decision.ground:
        lines.append(_("Sekretessgrund: %(ground)s") % {"ground": decision.ground})
    if decision.reasoning:
        lines.append(decision.reasoning)
    if decision.reservation:
        lines.append(_("Förbehåll: %(text)s") % {"text": decision.reservation})
    if download_url:
        lines.append(
            _("Hämta handlingarna här (länken gäller i %(days)d dagar):\n%(url)s")
            % {"days": LINK_DAYS, "url": download_url}
        )
    if decision.outcome != "release":
        lines.append(_("Så överklagar du: %(text)s") % {"text": decision.appeal_text})
    return _send(request, subject, "\n\n".join(lines) + "\n")
