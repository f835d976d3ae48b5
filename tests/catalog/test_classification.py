"""Versioned classification: drafts, copies, activation, and retired versions that stay
for the AIPs classified under them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from samarkiv.catalog import aip_links, classification, description
from samarkiv.catalog.choices import ClassificationLevel, SchemeStatus
from samarkiv.catalog.classification import RetiredSchemeError
from samarkiv.catalog.editing import InvalidDescriptionError
from samarkiv.catalog.models import ClassificationNode, ClassificationScheme
from samarkiv.errors import AccessDeniedError, ConflictError, NotFoundError
from tests.catalog.conftest import MARK, OTHER, OWN, make_aip

pytestmark = pytest.mark.django_db

KLASSA = (
    ("1", "Styra och leda"),
    ("3", "Bygga och bo"),
    ("3.4", "Bygglov"),
    ("3.4.2", "Handlägga bygglov"),
)


def _scheme(scope, name="KLASSA"):
    scheme = classification.save_scheme(scope, None, {"name": name})
    for code, title in KLASSA:
        classification.save_node(scope, None, {"code": code, "title": title}, scheme)
    return scheme


def test_a_new_scheme_is_a_draft_whose_codes_place_the_nodes(archivist) -> None:
    scheme = _scheme(archivist)
    assert (scheme.version, scheme.status, scheme.tenant_id) == (1, SchemeStatus.DRAFT, OWN)
    leaf = scheme.nodes.get(code="3.4.2")
    assert leaf.parent.code == "3.4" and leaf.parent.parent.code == "3"
    assert leaf.level == ClassificationLevel.PROCESS  # by the length of the code
    assert scheme.nodes.get(code="3.4").level == ClassificationLevel.PROCESS_GROUP
    tree = classification.scheme_tree(scheme)
    assert [b.node.code for b in tree] == ["1", "3"]
    assert [b.node.code for b in tree[1].children[0].children] == ["3.4.2"]


def test_node_rules(archivist) -> None:
    scheme = _scheme(archivist)
    with pytest.raises(InvalidDescriptionError) as caught:
        classification.save_node(archivist, None, {"code": "5.1", "title": "x"}, scheme)
    assert "5 finns inte" in caught.value.errors["code"]
    with pytest.raises(InvalidDescriptionError) as caught:
        classification.save_node(archivist, None, {"code": "3.4.2", "title": "igen"}, scheme)
    assert "Det finns redan" in caught.value.errors["code"]
    with pytest.raises(InvalidDescriptionError) as caught:
        classification.save_node(archivist, None, {"code": "3,4", "title": "x"}, scheme)
    assert "code" in caught.value.errors
    with pytest.raises(InvalidDescriptionError) as caught:
        classification.save_node(
            archivist, None, {"code": "3.4.3", "title": "x", "level": "area"}, scheme
        )
    assert "level" in caught.value.errors
    with pytest.raises(InvalidDescriptionError) as caught:  # above its child 3.4.2
        classification.save_node(archivist, scheme.nodes.get(code="3.4"), {"level": "process"})
    assert "underklassernas" in caught.value.errors["level"]
    node = scheme.nodes.get(code="3.4.2")
    with pytest.raises(InvalidDescriptionError):
        classification.save_node(archivist, node, {"code": "3.4.9"})
    classification.save_node(archivist, node, {"title": "Pröva bygglov", "level": ""})
    node.refresh_from_db()
    assert node.title == "Pröva bygglov" and node.level == ClassificationLevel.PROCESS


def test_copy_activate_and_retire(archivist) -> None:
    first = _scheme(archivist)
    classification.activate_scheme(archivist, first.pk)
    first.refresh_from_db()
    assert first.status == SchemeStatus.ACTIVE and first.valid_from is not None
    old_leaf = first.nodes.get(code="3.4.2")
    aip = make_aip()
    creator = description.save_creator(archivist, None, {"code": "bn", "name": "BN"})
    aip_links.describe_aip(
        archivist, aip.pk, {"records_creator": creator, "classification_node": old_leaf}
    )

    second = classification.copy_scheme(archivist, first.pk)
    assert (second.version, second.status, second.copied_from) == (2, SchemeStatus.DRAFT, first)
    copies = {n.code: n for n in second.nodes.all()}
    assert set(copies) == {code for code, _ in KLASSA}
    assert copies["3.4.2"].parent == copies["3.4"] and copies["3.4.2"].copied_from == old_leaf
    classification.save_node(archivist, None, {"code": "3.4.1", "title": "Förhandsbesked"}, second)
    assert first.nodes.filter(code="3.4.1").count() == 0  # the copy is separate

    classification.activate_scheme(archivist, second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SchemeStatus.RETIRED and first.valid_until is not None
    assert second.status == SchemeStatus.ACTIVE
    # The retired version's nodes stay, and the AIP keeps its class.
    assert ClassificationNode.objects.filter(pk=old_leaf.pk).exists()
    assert aip_links.description_of(aip).classification_node == old_leaf
    assert set(classification.linkable_nodes(archivist)) == set(second.nodes.all())


def test_a_retired_version_is_read_only(archivist) -> None:
    first = _scheme(archivist)
    classification.activate_scheme(archivist, first.pk)
    second = classification.copy_scheme(archivist, first.pk)
    classification.activate_scheme(archivist, second.pk)
    node = ClassificationNode.objects.get(scheme=first, code="3")
    with pytest.raises(RetiredSchemeError):
        classification.save_node(archivist, node, {"title": "Ändrad"})
    with pytest.raises(RetiredSchemeError):
        classification.save_node(archivist, None, {"code": "9", "title": "Ny"}, first)
    with pytest.raises(RetiredSchemeError):
        classification.save_scheme(archivist, first, {"description": "x"})
    with pytest.raises(ConflictError):
        classification.activate_scheme(archivist, first.pk)
    with pytest.raises(ConflictError):
        classification.delete_node(archivist, node.pk)


def test_new_links_go_to_versions_in_force_but_old_links_stay(archivist) -> None:
    first = _scheme(archivist)
    classification.activate_scheme(archivist, first.pk)
    old_leaf = first.nodes.get(code="3.4.2")
    creator = description.save_creator(archivist, None, {"code": "bn", "name": "BN"})
    kept, fresh = make_aip(), make_aip()
    data = {"records_creator": creator, "classification_node": old_leaf}
    aip_links.describe_aip(archivist, kept.pk, data)
    classification.activate_scheme(archivist, classification.copy_scheme(archivist, first.pk).pk)
    aip_links.describe_aip(archivist, kept.pk, data)  # unchanged: still allowed
    with pytest.raises(InvalidDescriptionError) as caught:
        aip_links.describe_aip(archivist, fresh.pk, data)
    assert "inte gäller" in caught.value.errors["classification_node"]


def test_only_drafts_lose_nodes_and_only_unused_ones(archivist) -> None:
    scheme = _scheme(archivist)
    parent = scheme.nodes.get(code="3.4")
    with pytest.raises(ConflictError):
        classification.delete_node(archivist, parent.pk)  # has a child
    leaf = scheme.nodes.get(code="3.4.2")
    classification.delete_node(archivist, leaf.pk)
    assert not scheme.nodes.filter(code="3.4.2").exists()
    classification.activate_scheme(archivist, scheme.pk)
    with pytest.raises(ConflictError):
        classification.delete_node(archivist, scheme.nodes.get(code="1").pk)


def test_one_version_in_force_per_structure(archivist) -> None:
    scheme = _scheme(archivist)
    classification.activate_scheme(archivist, scheme.pk)
    with pytest.raises(InvalidDescriptionError) as caught:
        classification.save_scheme(archivist, None, {"name": "KLASSA"})
    assert "ny version" in caught.value.errors["name"]
    with transaction.atomic(), pytest.raises(IntegrityError):
        ClassificationScheme.objects.create(
            tenant_id=OWN, name="KLASSA", version=7, status=SchemeStatus.ACTIVE
        )


def test_schemes_stay_inside_the_tenant(archivist, registrar, other_archivist) -> None:
    theirs = _scheme(other_archivist, name=f"{MARK} struktur")
    assert list(classification.list_schemes(archivist)) == []
    with pytest.raises(NotFoundError):
        classification.get_scheme(archivist, theirs.pk)
    with pytest.raises(NotFoundError):
        classification.copy_scheme(archivist, theirs.pk)
    with pytest.raises(NotFoundError):
        classification.save_node(archivist, None, {"code": "9", "title": "x"}, theirs)
    mine = _scheme(archivist)
    with pytest.raises(AccessDeniedError):
        classification.activate_scheme(registrar, mine.pk)
    assert classification.get_scheme(registrar, mine.pk) == mine
    assert ClassificationScheme.objects.filter(tenant_id=OTHER).count() == 1
