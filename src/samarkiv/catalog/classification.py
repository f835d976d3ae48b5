"""Versioned classification structures (KLASSA): drafted, put in force, retired.

Why versions and not edits in place: an AIP classified as "3.4.2 Handlägga bygglov"
must keep meaning what it meant when it was classified. A new version starts as a copy
of the one in force (``copy_scheme``), is changed as a draft, and replaces the old one
when activated; the old version is retired, and its nodes stay for the AIPs that use
them. Retired versions are read-only; nodes are deleted only from drafts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.accounts.scope import Scope
from samarkiv.catalog import editing
from samarkiv.catalog.choices import LEVEL_ORDER, SchemeStatus, default_level
from samarkiv.catalog.editing import READ, InvalidDescriptionError
from samarkiv.catalog.models import CODE_PATTERN, ClassificationNode, ClassificationScheme
from samarkiv.errors import ConflictError

SCHEME_FIELDS = ("name", "version", "valid_from", "description")
NODE_FIELDS = ("code", "title", "description", "level", "parent")


class RetiredSchemeError(ConflictError):
    """A retired version is a record of how things were classified: it is not changed."""

    code = "scheme_retired"


# --------------------------------------------------------------------------- schemes


def list_schemes(scope: Scope) -> QuerySet[ClassificationScheme]:
    rows = ClassificationScheme.objects.annotate(node_count=Count("nodes"))
    return scope.visible(rows, permission=READ).order_by("name", "-version")


def get_scheme(scope: Scope, pk: int, *, for_edit: bool = False) -> ClassificationScheme:
    rows = ClassificationScheme.objects.select_related("tenant", "copied_from")
    if for_edit:
        return editing.editable(scope, rows, pk=pk)
    return scope.get(rows, permission=READ, pk=pk)


def save_scheme(
    scope: Scope, scheme: ClassificationScheme | None, data: dict
) -> ClassificationScheme:
    """Create a new structure (version 1, a draft) or change a draft or active version.

    The name is the structure's identity across versions, so it is fixed once made; a
    new version of an existing structure comes from ``copy_scheme``.
    """
    if scheme is None:
        target = editing.new_object(scope, ClassificationScheme, data.get("tenant"))
        name = str(data.get("name") or "").strip()
        taken = ClassificationScheme.objects.filter(tenant_id=target.tenant_id, name=name)
        if name and taken.exists():
            raise InvalidDescriptionError(
                {"name": _("Strukturen finns redan: gör en ny version av den i stället.")}
            )
        data = {**data, "name": name, "version": 1}
    else:
        target = editing.editable(scope, ClassificationScheme.objects.all(), pk=scheme.pk)
        _require_changeable(target)
        data = {k: v for k, v in data.items() if k != "version"}
    return editing.save(scope, target, data, SCHEME_FIELDS, fixed=("name",))


def _require_changeable(scheme: ClassificationScheme) -> None:
    if scheme.status == SchemeStatus.RETIRED:
        raise RetiredSchemeError(
            _("Version %(version)s av %(name)s har gått ut och kan inte ändras.")
            % {"version": scheme.version, "name": scheme.name}
        )


def copy_scheme(scope: Scope, pk: int) -> ClassificationScheme:
    """A new draft version of the scheme's structure, with every node of ``pk`` copied.

    The copies point back at their originals (``copied_from``), so AIPs can be moved to
    the new version's nodes later without guessing by code.
    """
    source = editing.editable(scope, ClassificationScheme.objects.all(), pk=pk)
    family = ClassificationScheme.objects.filter(tenant_id=source.tenant_id, name=source.name)
    with transaction.atomic():
        # Lock the family's rows (an aggregate cannot be locked): concurrent copies queue.
        latest = max(family.select_for_update().values_list("version", flat=True), default=0)
        draft = ClassificationScheme.objects.create(
            tenant_id=source.tenant_id,
            name=source.name,
            version=latest + 1,
            status=SchemeStatus.DRAFT,
            description=source.description,
            copied_from=source,
        )
        copies: dict[int, ClassificationNode] = {}
        for node in source.nodes.order_by("sort_key"):
            copies[node.pk] = ClassificationNode.objects.create(
                tenant_id=node.tenant_id,
                scheme=draft,
                parent=copies.get(node.parent_id),
                code=node.code,
                title=node.title,
                description=node.description,
                level=node.level,
                copied_from=node,
            )
        editing.audit(
            scope, draft, "copied", {"from_version": source.version, "nodes": len(copies)}
        )
    return draft


def activate_scheme(scope: Scope, pk: int) -> ClassificationScheme:
    """Put a draft in force; the version in force until now is retired (kept, read-only)."""
    scheme = editing.editable(scope, ClassificationScheme.objects.all(), pk=pk)
    if scheme.status != SchemeStatus.DRAFT:
        raise ConflictError(_("Bara ett utkast kan börja gälla."))
    today = timezone.localdate()
    with transaction.atomic():
        current = ClassificationScheme.objects.select_for_update().filter(
            tenant_id=scheme.tenant_id, name=scheme.name, status=SchemeStatus.ACTIVE
        )
        for old in current:
            old.status = SchemeStatus.RETIRED
            old.valid_until = max(
                (scheme.valid_from or today) - timedelta(days=1), old.valid_from or today
            )
            old.save(update_fields=["status", "valid_until"])
            editing.audit(scope, old, "retired", {"replaced_by": scheme.version})
        scheme.status = SchemeStatus.ACTIVE
        scheme.valid_from = scheme.valid_from or today
        scheme.save(update_fields=["status", "valid_from"])
        editing.audit(scope, scheme, "activated", {"valid_from": scheme.valid_from.isoformat()})
    return scheme


# --------------------------------------------------------------------------- nodes


@dataclass
class Branch:
    """A node with its children, for drawing the tree as nested lists."""

    node: ClassificationNode
    children: list[Branch] = field(default_factory=list)


def scheme_tree(scheme: ClassificationScheme) -> list[Branch]:
    """The scheme's nodes as a tree, in code order, from one query."""
    nodes = scheme.nodes.annotate(aip_count=Count("aip_descriptions")).order_by("sort_key")
    branches = {node.pk: Branch(node) for node in nodes}
    roots = []
    for branch in branches.values():
        parent = branches.get(branch.node.parent_id)
        (parent.children if parent else roots).append(branch)
    return roots


def get_node(scope: Scope, pk: int, *, for_edit: bool = False) -> ClassificationNode:
    rows = ClassificationNode.objects.select_related("scheme", "parent", "tenant")
    if for_edit:
        return editing.editable(scope, rows, pk=pk)
    return scope.get(rows, permission=READ, pk=pk)


def _parent_of(scheme: ClassificationScheme, code: str) -> ClassificationNode | None:
    """The node a code sits under: "3.4.2" under "3.4"; a missing parent is an error."""
    if "." not in code:
        return None
    parent_code = code.rsplit(".", 1)[0]
    parent = scheme.nodes.filter(code=parent_code).first()
    if parent is None:
        raise InvalidDescriptionError(
            {"code": _("Klassen %(code)s finns inte: lägg till den först.") % {"code": parent_code}}
        )
    return parent


def _check_level(node: ClassificationNode) -> None:
    """A class lies deeper than its parent and above its children: a process holds no
    verksamhetsområde."""
    if node.level not in LEVEL_ORDER:
        return  # not a level at all: the field's own check says so
    depth = LEVEL_ORDER.index(node.level)
    parent = node.parent
    if parent is not None and depth <= LEVEL_ORDER.index(parent.level):
        raise InvalidDescriptionError(
            {
                "level": _("Nivån måste ligga under den överordnade klassens (%(level)s).")
                % {"level": parent.get_level_display()}
            }
        )
    children = node.children.values_list("level", flat=True) if node.pk else []
    if any(LEVEL_ORDER.index(level) <= depth for level in children if level in LEVEL_ORDER):
        raise InvalidDescriptionError(
            {"level": _("Nivån måste ligga över underklassernas nivåer.")}
        )


def save_node(
    scope: Scope,
    node: ClassificationNode | None,
    data: dict,
    scheme: ClassificationScheme | None = None,
) -> ClassificationNode:
    """Add a class to ``scheme`` or change one; the code (and so the place) is fixed."""
    if node is None:
        owner = editing.editable(scope, ClassificationScheme.objects.all(), pk=scheme.pk)
        target = editing.new_object(scope, ClassificationNode, owner.tenant_id, scheme=owner)
        code = str(data.get("code") or "").strip()
        data = {**data, "code": code}
        if CODE_PATTERN.match(code):
            data["parent"] = _parent_of(owner, code)
            data["level"] = data.get("level") or default_level(code.count(".") + 1)
    else:
        target = editing.editable(scope, ClassificationNode.objects.all(), pk=node.pk)
        data = {k: v for k, v in data.items() if k != "parent" and (k != "level" or v)}
    _require_changeable(target.scheme)
    if data.get("level"):
        target.parent = data.get("parent", target.parent)
        target.level = data["level"]
        _check_level(target)
    return editing.save(scope, target, data, NODE_FIELDS, fixed=("code",))


def delete_node(scope: Scope, pk: int) -> ClassificationNode:
    """Remove a class from a draft; classes in force or in use stay."""
    node = editing.editable(scope, ClassificationNode.objects.select_related("scheme"), pk=pk)
    if node.scheme.status != SchemeStatus.DRAFT:
        raise ConflictError(_("Klasser tas bara bort ur utkast."))
    if node.children.exists():
        raise ConflictError(_("Klassen har underklasser: ta bort dem först."))
    if node.aip_descriptions.exists():
        raise ConflictError(_("Arkivpaket är klassificerade under klassen."))
    editing.audit(scope, node, "removed", {"code": node.code, "scheme": node.scheme_id})
    node.delete()
    return node


def linkable_nodes(scope: Scope) -> QuerySet[ClassificationNode]:
    """Classes an AIP may be linked to now: those of the versions in force."""
    rows = ClassificationNode.objects.filter(scheme__status=SchemeStatus.ACTIVE)
    return (
        scope.visible(rows, permission=READ)
        .select_related("scheme")
        .order_by("scheme__name", "sort_key")
    )
