"""Records creators, provenance, archives, series, volumes and AIP links: the service
layer's rules, its audit entries, and its tenant isolation."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from samarkiv.accounts.scope import operator_scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.catalog import aip_links, description
from samarkiv.catalog.choices import RelationKind, SchemeStatus
from samarkiv.catalog.editing import InvalidDescriptionError
from samarkiv.catalog.models import (
    AipDescription,
    ClassificationNode,
    ClassificationScheme,
    RecordsCreator,
)
from samarkiv.errors import AccessDeniedError, NotFoundError
from tests.catalog.conftest import MARK, OTHER, OWN, make_aip

pytestmark = pytest.mark.django_db


def _creator(scope, code="ks", name="Kommunstyrelsen", **extra):
    return description.save_creator(scope, None, {"code": code, "name": name, **extra})


def _tree(scope, creator):
    archive = description.save_archive(
        scope, None, {"reference_code": "SE/1260/KS", "title": creator.name}, creator
    )
    series = description.save_series(scope, None, {"code": "f1", "title": "Ärendeakter"}, archive)
    volume = description.save_volume(scope, None, {"number": 1, "title": "2022"}, series)
    return archive, series, volume


def _node(tenant=OWN, status=SchemeStatus.ACTIVE, code="3"):
    scheme = ClassificationScheme.objects.create(
        tenant_id=tenant, name=f"KLASSA {status}", status=status
    )
    return ClassificationNode.objects.create(
        tenant_id=tenant, scheme=scheme, code=code, title="Bygga och bo", level="area"
    )


# --------------------------------------------------------------------------- creators


def test_archivist_creates_a_creator_and_the_change_is_audited(archivist) -> None:
    creator = _creator(archivist, active_from=date(1971, 1, 1), description="Leder kommunen.")
    assert creator.tenant_id == OWN and creator.code == "ks"
    entry = AuditEntry.objects.filter(action=AuditAction.CONFIG_CHANGE).latest("seq")
    assert entry.actor == archivist.actor and entry.tenant == OWN
    assert entry.object_type == "catalog.recordscreator" and entry.object_id == str(creator.pk)
    assert entry.detail["description"] == "created"
    assert entry.detail["changed"]["active_from"] == [None, "1971-01-01"]

    description.save_creator(archivist, creator, {"name": "KS", "active_until": None})
    entry = AuditEntry.objects.filter(action=AuditAction.CONFIG_CHANGE).latest("seq")
    assert entry.detail["changed"] == {"name": ["Kommunstyrelsen", "KS"]}


def test_every_broken_rule_comes_back_with_its_field(archivist) -> None:
    _creator(archivist)
    with pytest.raises(InvalidDescriptionError) as caught:
        _creator(
            archivist,
            name="",
            active_from=date(2020, 1, 1),
            active_until=date(2019, 1, 1),
        )
    errors = caught.value.errors
    assert "Det finns redan" in errors["code"]
    assert set(errors) >= {"code", "name", "active_until"}
    assert "före startdatumet" in errors["active_until"]
    assert RecordsCreator.objects.filter(tenant_id=OWN).count() == 1


def test_the_code_is_fixed_once_made(archivist) -> None:
    creator = _creator(archivist)
    with pytest.raises(InvalidDescriptionError) as caught:
        description.save_creator(archivist, creator, {"code": "kommunstyrelsen"})
    assert "code" in caught.value.errors
    assert RecordsCreator.objects.get(pk=creator.pk).code == "ks"


def test_registrar_reads_but_cannot_edit(archivist, registrar) -> None:
    creator = _creator(archivist)
    assert list(description.list_creators(registrar)) == [creator]
    assert description.get_creator(registrar, "ks") == creator
    with pytest.raises(AccessDeniedError):
        description.save_creator(registrar, creator, {"name": "Ändrad"})
    with pytest.raises(AccessDeniedError):
        _creator(registrar, code="sn", name="Socialnämnden")
    assert RecordsCreator.objects.get(pk=creator.pk).name == "Kommunstyrelsen"


def test_archivist_of_one_tenant_cannot_see_or_edit_anothers(
    archivist, other_archivist, other_creator
) -> None:
    mine = _creator(archivist)
    assert list(description.list_creators(archivist)) == [mine]
    with pytest.raises(NotFoundError):
        description.get_creator(archivist, MARK)
    with pytest.raises(NotFoundError):
        description.save_creator(archivist, other_creator, {"name": "kapad"})
    with pytest.raises(AccessDeniedError):
        description.save_creator(archivist, None, {"tenant": OTHER, "code": "x", "name": "x"})
    # ... nor hang an archive under it
    with pytest.raises(NotFoundError):
        description.save_archive(
            archivist, None, {"reference_code": "X", "title": "x"}, other_creator
        )
    assert RecordsCreator.objects.get(pk=other_creator.pk).name == f"{MARK} nämnd"
    assert description.get_creator(other_archivist, MARK) == other_creator


# --------------------------------------------------------------------------- provenance


def test_merged_and_split_creators_form_a_chain(archivist) -> None:
    old = _creator(archivist, "mbn", "Miljö- och byggnämnden")
    new = _creator(archivist, "bn", "Byggnadsnämnden")
    spin = _creator(archivist, "mn", "Miljönämnden")
    description.add_relation(
        archivist, old, {"target": new, "kind": RelationKind.MERGED_INTO, "date": date(2019, 1, 1)}
    )
    description.add_relation(archivist, spin, {"target": old, "kind": RelationKind.SPLIT_FROM})
    assert [link.creator for link in description.predecessors(new)] == [old]
    assert [link.creator for link in description.predecessors(spin)] == [old]
    assert {link.creator for link in description.successors(old)} == {new, spin}
    assert description.successors(new) == []
    assert description.predecessors(new)[0].kind_label == "uppgick i"


def test_a_circular_or_foreign_provenance_is_refused(archivist, other_creator) -> None:
    first = _creator(archivist, "a", "A-nämnden")
    second = _creator(archivist, "b", "B-nämnden")
    third = _creator(archivist, "c", "C-nämnden")
    kind = RelationKind.PREDECESSOR_OF
    description.add_relation(archivist, first, {"target": second, "kind": kind})
    description.add_relation(archivist, second, {"target": third, "kind": kind})
    with pytest.raises(InvalidDescriptionError) as caught:
        description.add_relation(archivist, third, {"target": first, "kind": kind})
    assert "sin egen föregångare" in caught.value.errors["target"]
    with pytest.raises(InvalidDescriptionError) as caught:
        description.add_relation(archivist, first, {"target": other_creator, "kind": kind})
    assert "target" in caught.value.errors
    with pytest.raises(InvalidDescriptionError):
        description.add_relation(archivist, first, {"target": first, "kind": kind})


# --------------------------------------------------------------------------- archive tree


def test_archive_series_and_volumes(archivist) -> None:
    creator = _creator(archivist)
    archive, series, volume = _tree(archivist, creator)
    assert series.code == "F1" and series.tenant_id == OWN  # signa are upper case
    assert description.next_volume_number(series) == 2
    with pytest.raises(InvalidDescriptionError) as caught:
        description.save_series(archivist, None, {"code": "F1", "title": "Igen"}, archive)
    assert "code" in caught.value.errors
    with pytest.raises(InvalidDescriptionError) as caught:
        description.save_volume(archivist, None, {"number": 1, "title": "Igen"}, series)
    assert "number" in caught.value.errors
    description.save_series(archivist, None, {"code": "A10", "title": "Protokoll"}, archive)
    description.save_series(archivist, None, {"code": "A2", "title": "Protokoll"}, archive)
    [loaded] = description.creator_archives(archivist, creator)
    assert [s.code for s in loaded.series.all()] == ["A2", "A10", "F1"]
    assert [v.title for v in loaded.series.all()[2].volumes.all()] == ["2022"]


def test_archive_references_are_unique_per_tenant_only(archivist, other_archivist) -> None:
    _tree(archivist, _creator(archivist))
    theirs = _creator(other_archivist, "ks", "Kommunstyrelsen")
    description.save_archive(
        other_archivist, None, {"reference_code": "SE/1260/KS", "title": "x"}, theirs
    )
    with pytest.raises(InvalidDescriptionError) as caught:
        description.save_archive(
            archivist,
            None,
            {"reference_code": "SE/1260/KS", "title": "x"},
            RecordsCreator.objects.get(tenant_id=OWN, code="ks"),
        )
    assert "reference_code" in caught.value.errors


# --------------------------------------------------------------------------- AIP links


def test_an_aip_needs_a_class_or_a_series(archivist) -> None:
    creator = _creator(archivist)
    aip = make_aip()
    with pytest.raises(InvalidDescriptionError) as caught:
        aip_links.describe_aip(archivist, aip.pk, {"records_creator": creator})
    assert "klass eller en serie" in caught.value.errors["__all__"]
    node = _node()
    link = aip_links.describe_aip(
        archivist, aip.pk, {"records_creator": creator, "classification_node": node}
    )
    assert link.series is None and link.classification_node == node
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database says so too
        AipDescription.objects.filter(pk=aip.pk).update(classification_node=None)


def test_a_volume_brings_its_series_and_the_series_must_be_the_creators(archivist) -> None:
    creator = _creator(archivist)
    _, series, volume = _tree(archivist, creator)
    aip = make_aip()
    link = aip_links.describe_aip(archivist, aip.pk, {"records_creator": creator, "volume": volume})
    assert link.series == series and link.volume == volume
    entry = AuditEntry.objects.filter(object_id=aip.pk).latest("seq")
    assert entry.action == AuditAction.CONFIG_CHANGE
    assert entry.detail["changed"]["volume"] == [None, str(volume.pk)]
    other = _creator(archivist, "sn", "Socialnämnden")
    with pytest.raises(InvalidDescriptionError) as caught:
        aip_links.describe_aip(archivist, aip.pk, {"records_creator": other, "series": series})
    assert "annan arkivbildares" in caught.value.errors["series"]


def test_aip_links_stay_inside_the_tenant(archivist, registrar, other_creator) -> None:
    creator = _creator(archivist)
    node = _node()
    foreign_aip = make_aip(OTHER, f"{MARK} paket")
    with pytest.raises(NotFoundError):
        aip_links.describe_aip(
            archivist, foreign_aip.pk, {"records_creator": creator, "classification_node": node}
        )
    with pytest.raises(NotFoundError):
        aip_links.get_aip(archivist, foreign_aip.pk)
    aip = make_aip()
    foreign_node = _node(OTHER)
    with pytest.raises(InvalidDescriptionError) as caught:
        aip_links.describe_aip(
            archivist,
            aip.pk,
            {"records_creator": other_creator, "classification_node": foreign_node},
        )
    assert set(caught.value.errors) >= {"records_creator", "classification_node"}
    with pytest.raises(AccessDeniedError):
        aip_links.describe_aip(
            registrar, aip.pk, {"records_creator": creator, "classification_node": node}
        )
    assert [a.pk for a in aip_links.described_aips(archivist)] == [aip.pk]
    assert not AipDescription.objects.exists()


def test_the_operator_describes_any_tenant() -> None:
    scope = operator_scope()
    creator = description.save_creator(scope, None, {"tenant": OTHER, "code": "sn", "name": "SN"})
    assert creator.tenant_id == OTHER


def test_new_is_not_a_creator_code(archivist) -> None:
    """``creators/new/`` is the form: a creator called "new" could never be opened."""
    with pytest.raises(InvalidDescriptionError) as caught:
        _creator(archivist, code="new", name="Nya nämnden")
    assert "reserverad" in caught.value.errors["code"]
