"""Tenant isolation of search: a scope sees its own tenant's records and counts only,
whatever it asks for; host technical staff see no records at all; searches are logged."""

from __future__ import annotations

import pytest

from samarkiv.access.search.service import search
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import ANONYMOUS, operator_scope
from samarkiv.auditlog.models import AuditEntry
from tests.search.conftest import found, ids, scope

pytestmark = pytest.mark.django_db


def test_a_tenant_never_gets_another_tenants_hits_or_counts(records) -> None:
    bjuv, klippan = scope("bjuv"), scope("klippan")
    # both tenants have "äldreomsorg" and the registration number BN 2023/145
    assert found(search(bjuv, "äldreomsorgen")) == ids(records["care"])
    assert found(search(klippan, "äldreomsorgen")) == ids(records["klippan"])
    assert found(search(bjuv, '"BN 2023/145"')) == ids(records["permit"])
    assert found(search(klippan, '"BN 2023/145"')) == ids(records["klippan"])
    everything = search(bjuv, "")
    assert {v.value for v in everything.facets["tenant"]} == {"bjuv"}
    creators = {v.value for v in everything.facets["records_creator"]}
    assert "Vård- och omsorgsnämnden" not in creators


def test_a_tenant_filter_cannot_widen_the_scope(records) -> None:
    bjuv = scope("bjuv")
    other = search(bjuv, "äldreomsorgen", filters={"tenant": ["klippan"]})
    assert other.total == 0 and other.hits == [] and other.facets == {}
    both = search(bjuv, "äldreomsorgen", filters={"tenant": ["bjuv", "klippan"]})
    assert found(both) == ids(records["care"])
    assert {v.value for v in both.facets["tenant"]} == {"bjuv"}


def test_host_it_archivist_and_auditor_get_nothing(records) -> None:
    it_archivist = scope("lund", "it_archivist")
    assert it_archivist.roles and not it_archivist.can(Permission.VIEW_CONTENT)
    for acting in (it_archivist, scope("bjuv", "auditor"), ANONYMOUS):
        result = search(acting, "äldreomsorgen")
        assert result.total == 0 and result.hits == [] and result.facets == {}
        result = search(acting, "", filters={"tenant": ["bjuv"]})
        assert result.total == 0 and result.hits == []


def test_the_operator_at_the_shell_sees_every_tenant_or_one(records) -> None:
    everyone = search(operator_scope(), "äldreomsorgen")
    assert found(everyone) == ids(records["care"], records["klippan"])
    assert {v.value: v.count for v in everyone.facets["tenant"]} == {"bjuv": 1, "klippan": 1}
    only = search(operator_scope("klippan"), "äldreomsorgen")
    assert found(only) == ids(records["klippan"])
    chosen = search(operator_scope(), "äldreomsorgen", filters={"tenant": ["bjuv"]})
    assert found(chosen) == ids(records["care"])


def test_searches_are_recorded_in_the_audit_log(records) -> None:
    bjuv = scope("bjuv")
    search(bjuv, "äldreomsorgen", filters={"document_type": ["Ansökan"]})
    entry = AuditEntry.objects.filter(object_type="search").latest("pk")
    assert (entry.actor, entry.action, entry.tenant) == (bjuv.actor, "view", "bjuv")
    assert entry.detail["query"] == "äldreomsorgen"
    assert entry.detail["filters"] == {"document_type": ["Ansökan"]}
    assert entry.detail["total"] == 1
    before = AuditEntry.objects.count()
    search(scope("lund", "it_archivist"), "äldreomsorgen")  # no content, nothing read
    assert AuditEntry.objects.count() == before
