"""States and kinds of the archival description, as enums."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RelationKind(models.TextChoices):
    """How one records creator's activity passed to another (provenance over time).

    Read as "source <kind> target": the social board *merged_into* the welfare board;
    a new board *split_from* the old one (so the old one is its predecessor).
    """

    PREDECESSOR_OF = "predecessor_of", _("föregångare till")
    MERGED_INTO = "merged_into", _("uppgick i")
    SPLIT_FROM = "split_from", _("bröts ut ur")


class SchemeStatus(models.TextChoices):
    """A classification version's life: drafted, in force, then kept for what uses it."""

    DRAFT = "draft", _("Utkast")
    ACTIVE = "active", _("Gällande")
    RETIRED = "retired", _("Utgången")


class ClassificationLevel(models.TextChoices):
    """The KLASSA levels, from the broadest to the process that makes the records."""

    AREA = "area", _("Verksamhetsområde")
    BRANCH = "branch", _("Verksamhetsgren")
    PROCESS_GROUP = "process_group", _("Processgrupp")
    PROCESS = "process", _("Process")


LEVEL_ORDER = [level.value for level in ClassificationLevel]


def default_level(depth: int) -> ClassificationLevel:
    """The usual level of a code with ``depth`` parts: "3" area, "3.4" group, "3.4.2" process."""
    return {1: ClassificationLevel.AREA, 2: ClassificationLevel.PROCESS_GROUP}.get(
        depth, ClassificationLevel.PROCESS
    )
