"""THE leak property: nothing secret, protected or unpublished reaches the public side.

Hypothesis generates two municipalities' archives: AIPs (some in a series, some under
an agreement), cases and documents with dates, document types, markings (own, on the
case, on the series or agreement; with past or future release dates, absolute, or
protected identity), parties with protected identities, package restrictions, files
with secret file markings and files shared between records, and publication rules
(publish / never, document type, minimum age, inactive). Every record carries a
unique token in its title, description, party name and file text; every file a token
of its own.

After one refresh, an independent oracle (written here from the rules, not calling
the code under test) says which records must be published. Then every public entry
point is asked: the search (each token, the empty query, facet counts), suggestions,
stubs, the published rows themselves, and (when the portal's URLs exist) the portal's
pages through Django's test client. No token of a record the oracle does not publish,
no token of a withheld file and no id of a protected record may appear anywhere;
counts must equal the published set.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samarkiv.access.publication import public
from samarkiv.access.publication.models import (
    PublicationRule,
    PublicStub,
    PublishedFile,
    PublishedRecord,
    SecrecyMarking,
)
from samarkiv.access.publication.refresh import refresh
from samarkiv.catalog.records.choices import RecordKind
from tests.publication.builders import (
    make_agreement,
    make_aip,
    make_description,
    make_file,
    make_nodes,
    make_record,
    make_series,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 6, 1)
TENANTS = ("bjuv", "ystad")
DOC_TYPES = ("", "Beslut", "Ritning", "Ansökan")
_counter = itertools.count(1)

# --- what hypothesis generates -------------------------------------------------------------

markings = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "max_years": st.one_of(st.none(), st.integers(0, 80)),
            "start_year": st.one_of(st.none(), st.integers(1900, 2030)),
            "absolute": st.booleans(),
            "protected": st.integers(0, 9).map(lambda n: n == 0),
        }
    ),
)
records = st.fixed_dictionaries(
    {
        "year": st.one_of(st.none(), st.integers(1900, 2026)),
        "doc_type": st.sampled_from(DOC_TYPES),
        "code": st.sampled_from(("", "3.4.1", "5.1")),  # a class under "3.4", or not
        "marking": markings,
        "protected_party": st.integers(0, 14).map(lambda n: n == 0),
        "restricted": st.integers(0, 14).map(lambda n: n == 0),
        "files": st.lists(st.booleans(), max_size=2),  # True: a secret file marking
        "share_with_previous": st.integers(0, 5).map(lambda n: n == 0),
    }
)
cases = st.fixed_dictionaries({"case": records, "documents": st.lists(records, max_size=2)})
aips = st.fixed_dictionaries(
    {
        "in_series": st.booleans(),
        "agreement": st.booleans(),
        "cases": st.lists(cases, min_size=1, max_size=3),
    }
)
rules = st.fixed_dictionaries(
    {
        "publish": st.integers(0, 3).map(lambda n: n != 0),
        "active": st.integers(0, 4).map(lambda n: n != 0),
        "doc_type": st.sampled_from(("", "", "beslut", "ritning")),
        "min_age": st.one_of(st.none(), st.sampled_from((0, 10, 50))),
    }
)
tenants = st.fixed_dictionaries(
    {
        "aips": st.lists(aips, min_size=1, max_size=2),
        "rules": st.lists(rules, min_size=1, max_size=3),
        "series_marking": markings,
        "agreement_marking": markings,
        "class_marking": markings,  # on class "3.4": covers records coded 3.4.1
    }
)
worlds = st.fixed_dictionaries({t: tenants for t in TENANTS})


# --- the oracle ------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def ref_date(spec: dict) -> date | None:
    return date(spec["year"], 7, 1) if spec["year"] else None


def hides(marking: dict | None, own: dict, owner: dict | None = None) -> tuple[bool, bool]:
    """(in force, protected) of one generated marking for a record."""
    if marking is None:
        return False, False
    if marking["protected"]:
        return True, True
    if marking["absolute"] or marking["max_years"] is None:
        return True, False
    start = date(marking["start_year"], 1, 1) if marking["start_year"] else None
    start = start or ref_date(own) or (ref_date(owner) if owner else None)
    if start is None:
        return True, False
    return add_years(start, marking["max_years"]) > TODAY, False


def rule_publishes(tenant_rules: list[dict], spec: dict) -> bool:
    doc_type = spec["doc_type"].lower()
    when = ref_date(spec)

    def matches(rule: dict) -> bool:
        return not rule["doc_type"] or rule["doc_type"] in doc_type

    def old(rule: dict) -> bool:
        if not rule["min_age"]:
            return True
        return when is not None and add_years(when, rule["min_age"]) <= TODAY

    active = [r for r in tenant_rules if r["active"] and matches(r)]
    if any(not r["publish"] and old(r) for r in active):
        return False
    covering = [r for r in active if r["publish"]]
    if not covering:
        return False
    top = max(bool(r["doc_type"]) for r in covering)
    return any(old(r) for r in covering if bool(r["doc_type"]) == top)


def oracle(tenant: dict, aip: dict, spec: dict, case: dict | None) -> str:
    """ "published" | "hidden" | "protected" for one generated record."""
    direct = [hides(spec["marking"], spec)] if spec["marking"] else []
    if case is not None and case["marking"]:
        direct.append(hides(case["marking"], spec, case))
    wider = []
    if aip["in_series"] and tenant["series_marking"]:
        wider.append(hides(tenant["series_marking"], spec))
    if aip["agreement"] and tenant["agreement_marking"]:
        wider.append(hides(tenant["agreement_marking"], spec))
    if spec["code"].startswith("3.4") and tenant["class_marking"]:
        wider.append(hides(tenant["class_marking"], spec))
    effects = direct or wider
    case_protected = case is not None and case["protected_party"]  # inherited by documents
    if spec["protected_party"] or case_protected or any(p for _f, p in effects):
        return "protected"
    if spec["restricted"] or (case is not None and case["restricted"]):
        return "hidden"
    if any(f for f, _p in effects):
        return "hidden"
    return "published" if rule_publishes(tenant["rules"], spec) else "hidden"


# --- building the rows -------------------------------------------------------------------------


@dataclass
class Built:
    expected: dict[str, str] = field(default_factory=dict)  # record id -> oracle verdict
    tenant_of: dict[str, str] = field(default_factory=dict)
    token: dict[str, str] = field(default_factory=dict)  # record id -> its token
    files: dict[str, tuple[list[str], bool]] = field(default_factory=dict)  # token -> links

    def ids(self, verdict: str) -> set[str]:
        return {i for i, v in self.expected.items() if v == verdict}

    def forbidden(self) -> list[str]:
        """Strings the public side must never show."""
        hidden = [self.token[i] for i, v in self.expected.items() if v != "published"]
        return hidden + self.withheld_files() + sorted(self.ids("protected"))

    def withheld_files(self) -> list[str]:
        """Tokens of files that must not be published: marked secret, or linked to any
        record that is not published."""
        return [
            token
            for token, (linked, secret) in self.files.items()
            if secret or any(self.expected[r] != "published" for r in linked)
        ]


def new_token() -> str:
    return f"tk{next(_counter)}x{uuid.uuid4().hex[:6]}"


def create_marking(tenant: str, marking: dict | None, **target) -> None:
    if marking is None:
        return
    SecrecyMarking.objects.create(
        tenant_id=tenant,
        ground="26 kap. 1 § OSL",
        harm_test="absolut" if marking["absolute"] else "omvant",
        max_years=marking["max_years"],
        period_start=date(marking["start_year"], 1, 1) if marking["start_year"] else None,
        protected_identity=marking["protected"],
        **target,
    )


SECRET_FILE = {"max_years": None, "start_year": None, "absolute": True, "protected": False}


def create_record(built: Built, aip, spec: dict, parent, verdict: str, previous_file):
    token = new_token()
    when = ref_date(spec)
    party = {"name": f"Person {token}", "role": "Sökande"}
    if spec["protected_party"]:
        party["protected_identity"] = True
    record = make_record(
        aip,
        title=f"Ärende {token}",
        kind=RecordKind.DOCUMENT if parent else RecordKind.CASE,
        parent=parent,
        date_start=when,
        date_end=when,
        document_type=spec["doc_type"],
        classification_code=spec["code"],
        description=f"Beskrivning {token}",
        parties=[party],
        extra={"restrictions": [{"type": "secrecy"}]} if spec["restricted"] else {},
    )
    record_id = str(record.pk)
    built.expected[record_id] = verdict
    built.tenant_of[record_id] = aip.tenant_id
    built.token[record_id] = token
    create_marking(aip.tenant_id, spec["marking"], target="record", record_id=record.pk)
    last = None
    for n, secret in enumerate(spec["files"]):
        file_token = new_token()
        path = f"data/{file_token}-{n}.txt"
        last = make_file(record, path, f"Text {file_token} {token}")
        built.files[file_token] = ([record_id], secret)
        if secret:
            create_marking(
                aip.tenant_id,
                SECRET_FILE,
                target="file",
                aip_id=aip.pk,
                file_path=path,
                record_id=record.pk,
            )
    if spec["share_with_previous"] and previous_file is not None:
        from samarkiv.catalog.records.models import RecordFile

        RecordFile.objects.get_or_create(record=record, aip_file=previous_file)
        shared_token = previous_file.path.split("/")[-1].split("-")[0]
        built.files[shared_token][0].append(record_id)
    return record, last or previous_file


def build(world: dict) -> Built:
    built = Built()
    for tenant, tspec in world.items():
        series = make_series(tenant, code=f"S{next(_counter)}")
        agreement = make_agreement(tenant, code=f"avt{next(_counter)}")
        create_marking(tenant, tspec["series_marking"], target="series", series=series)
        create_marking(tenant, tspec["agreement_marking"], target="agreement", agreement=agreement)
        node = make_nodes(tenant, "3", "3.4")["3.4"]
        create_marking(
            tenant, tspec["class_marking"], target="classification", classification_node=node
        )
        for rule in tspec["rules"]:
            PublicationRule.objects.create(
                tenant_id=tenant,
                name=f"Regel {next(_counter)}",
                publish=rule["publish"],
                active=rule["active"],
                document_type=rule["doc_type"],
                min_age_years=rule["min_age"],
            )
        for aspec in tspec["aips"]:
            aip = make_aip(tenant, agreement=agreement.code if aspec["agreement"] else "")
            if aspec["in_series"]:
                make_description(aip, series=series)
            previous = None
            for cspec in aspec["cases"]:
                case_spec = cspec["case"]
                verdict = oracle(tspec, aspec, case_spec, None)
                case, previous = create_record(built, aip, case_spec, None, verdict, previous)
                for dspec in cspec["documents"]:
                    verdict = oracle(tspec, aspec, dspec, case_spec)
                    _doc, previous = create_record(built, aip, dspec, case, verdict, previous)
    return built


# --- asking every public entry point --------------------------------------------------------


def leaks(text: str, forbidden: list[str]) -> list[str]:
    return [f for f in forbidden if f in text]


def check_projection(built: Built, forbidden: list[str]) -> None:
    published = built.ids("published")
    assert {str(p) for p in PublishedRecord.objects.values_list("pk", flat=True)} == published
    for row in PublishedRecord.objects.all():
        text = " ".join(
            [row.title, row.description, row.names, row.addresses, row.body, row.series_title]
        )
        assert not leaks(text, forbidden), row.pk
    for pf in PublishedFile.objects.all():
        assert not leaks(pf.path + pf.name, forbidden)
    stub_ids = {str(s) for s in PublicStub.objects.values_list("pk", flat=True)}
    assert stub_ids == built.ids("hidden")


def check_search(built: Built, forbidden: list[str]) -> None:
    published = built.ids("published")
    everything = public.public_search("", per_page=100)
    assert everything.total == len(published)
    assert {h.record_id for h in everything.hits} == published
    per_tenant = {t: 0 for t in TENANTS}
    for record_id in published:
        per_tenant[built.tenant_of[record_id]] += 1
    facet = {value: n for value, _label, n in everything.facets["tenant"]}
    assert facet == {t: n for t, n in per_tenant.items() if n}
    assert sum(n for _v, _l, n in everything.facets["kind"]) == len(published)
    for hit in everything.hits:
        assert not leaks(hit.title + " ".join(hit.highlights), forbidden)
    for token in forbidden:
        result = public.public_search(token)
        assert result.total == 0, token
        assert all(n == 0 for values in result.facets.values() for _v, _l, n in values)
        assert public.public_search("", fields={"names": token}).total == 0
        assert not leaks(" ".join(public.suggest(token[:5], limit=20)), forbidden)
    for record_id in published:
        found = {h.record_id for h in public.public_search(built.token[record_id]).hits}
        assert record_id in found and found <= published
    total, stubs = public.find_stubs(per_page=100)
    assert total == len(built.ids("hidden"))
    for stub in stubs:
        shown = " ".join(str(getattr(stub, f)) for f in ("records_creator", "series_title"))
        assert not leaks(shown, list(built.token.values()))


@functools.cache
def _exists(name: str) -> bool:
    """Whether the portal has this URL yet (it is built alongside; a NoReverseMatch is
    slow, so each name is looked up once)."""
    from django.urls import get_resolver

    namespace, _sep, short = name.rpartition(":")
    try:
        resolver = get_resolver().namespace_dict[namespace][1]
    except KeyError:
        return False
    return short in resolver.reverse_dict


def _url(name: str, **kwargs) -> str | None:
    if not _exists(name):
        return None
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


def _get_ok(client: Client, url: str, params: dict, forbidden: list[str]) -> None:
    response = client.get(url, params)
    assert response.status_code == 200, url
    assert not leaks(_body(response), forbidden), (url, params)


def check_portal(built: Built, forbidden: list[str]) -> None:
    """The portal's pages, when they exist: nothing forbidden in any answer, 404 for
    the record page, files and DIP of a record that is not published."""
    from samarkiv.web.portal import cache

    cache.clear()
    client = Client()
    for name in ("portal:search", "portal:sitemap", "api_v1:public_search"):
        if url := _url(name):
            _get_ok(client, url, {} if name == "portal:sitemap" else {"q": ""}, forbidden)
    for token in forbidden[:1]:
        if url := _url("portal:search"):  # upper case: the same search, but the page's
            _get_ok(client, url, {"q": token.upper()}, forbidden)  # echo of it is no leak
        if url := _url("portal:suggest"):
            _get_ok(client, url, {"q": token[:5]}, forbidden)
        if url := _url("api_v1:public_search"):
            _get_ok(client, url, {"q": token.upper()}, forbidden)
    for record_id in sorted(built.ids("published"))[:1]:
        for name in ("portal:record", "api_v1:public_record"):
            key = "record_id" if name.startswith("api") else "pk"
            if url := _url(name, **{key: record_id}):
                _get_ok(client, url, {}, forbidden)
    hidden = sorted(i for i, v in built.expected.items() if v != "published")[:2]
    others_of = {r: [f for f in forbidden if f != r] for r in hidden}  # pages echo their URL
    for record_id in hidden:
        pages = (
            ("portal:record", {"pk": record_id}),
            ("portal:dip", {"pk": record_id}),
            ("portal:file", {"pk": record_id, "file_id": 1}),
            ("api_v1:public_record", {"record_id": record_id}),
        )
        for name, kwargs in pages:
            url = _url(name, **kwargs)
            if url is None:
                continue
            response = client.get(url)
            assert response.status_code == 404, url
            assert not leaks(_body(response), others_of[record_id]), url


@pytest.fixture
def shm_index(pub_home, settings):
    """The public index in memory (tmpfs) when there is one: the property runs hundreds
    of refreshes, and each commit's fsyncs would otherwise dominate its run time."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield pub_home
        return
    folder = Path(tempfile.mkdtemp(prefix="samarkiv-leak-", dir=shm))
    settings.SAMARKIV_SEARCH_DIR = folder
    try:
        yield pub_home
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(
    max_examples=int(os.environ.get("SAMARKIV_LEAK_EXAMPLES", "500")),  # CI: 500
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds)
def test_nothing_unpublished_ever_reaches_the_public_side(shm_index, collected_static, world):
    with transaction.atomic():
        built = build(world)
        summary = refresh(today=TODAY)
        assert summary.records == len(built.expected)
        forbidden = built.forbidden()
        check_projection(built, forbidden)
        check_search(built, forbidden)
        check_portal(built, forbidden)
        transaction.set_rollback(True)
