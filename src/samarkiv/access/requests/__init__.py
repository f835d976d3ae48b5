"""Requests for public records (begäran om allmän handling): routed, decided, delivered.

The flow (TF 2 kap., OSL 6 kap.):

1. A citizen asks from the portal (a published record, a stub of a hidden one, or free
   text naming a municipality): ``service.submit_request``. No name, no reason; an
   e-mail address only for delivery. The request goes to the owning municipality and
   the citizen gets a number and a follow-up key (shown once, kept hashed).
2. The municipality's registrar or archivist (DECIDE) opens it from the queue with a
   clock since receipt (target: the same working day), sees the record, its files and
   its secrecy data (``review``), and decides (``release.decide``): release, partial
   release with masked pages, image regions and metadata fields (``masking``: new
   derived files under ``$SAMARKIV_HOME/released/<number>/``; the AIP is only read),
   or refusal with the appeal text (kammarrätten, within three weeks).
3. Released copies are fetched through an expiring link (``downloads``; 410 after 14
   days), per file or as one E-ARK DIP; the status page shows the decision.

Every step is in the audit log (``detail.event``): received, opened, decided, masked
(a PREMIS-like redaction event), link_created, downloaded, link_expired, closed.
"""
