"""Vocabularies of requests for public records, as enums."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestState(models.TextChoices):
    """Where a request stands; see ``service.TRANSITIONS`` for the allowed steps."""

    RECEIVED = "received", _("Mottagen")
    IN_REVIEW = "in_review", _("Under prövning")
    DECIDED = "decided", _("Beslutad")
    DELIVERED = "delivered", _("Utlämnad")
    CLOSED = "closed", _("Avslutad")


class Outcome(models.TextChoices):
    """The decision: bifall, delvis bifall med maskning, or avslag."""

    RELEASE = "release", _("Bifall: handlingarna lämnas ut")
    PARTIAL = "partial", _("Delvis bifall: lämnas ut med maskning")
    REFUSAL = "refusal", _("Avslag: handlingarna lämnas inte ut")


class TargetKind(models.TextChoices):
    """What the requester pointed at: a published record, a hidden one, or free text."""

    RECORD = "record", _("Publicerad post")
    STUB = "stub", _("Opublicerad post")
    FREE_TEXT = "free_text", _("Egen beskrivning")


class ReleasedKind(models.TextChoices):
    FILE = "file", _("Fil")
    METADATA = "metadata", _("Uppgifter om posten")


# Metadata fields a decision may mask in the released metadata sheet.
MASKABLE_FIELDS: dict[str, str] = {
    "title": _("Rubrik"),
    "registration_number": _("Diarienummer"),
    "description": _("Beskrivning"),
    "parties": _("Parter"),
    "case_officer": _("Handläggare"),
}
