"""Every tenant has a manual-delivery agreement, so staff and CLI deliveries are bound too."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from samarkiv.delivery.choices import Specification

MANUAL_NAME = gettext_noop("Manuell leverans")


def seed_manual_agreements(sender=None, **kwargs) -> None:
    from samarkiv.catalog.models import Tenant
    from samarkiv.delivery.models import MANUAL_AGREEMENT, SubmissionAgreement

    for tenant in Tenant.objects.all():
        SubmissionAgreement.objects.get_or_create(
            tenant=tenant,
            code=MANUAL_AGREEMENT,
            defaults={
                "name": MANUAL_NAME,
                "specifications": list(Specification.values),
                "information_type": "",
            },
        )
