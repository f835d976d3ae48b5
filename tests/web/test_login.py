"""Login, logout and the tenant switcher, through the test client, audited."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.test import AsyncClient, Client

from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.models import AuditEntry
from samarkiv.web.scoping import SESSION_TENANT
from tests.factories import log_in, staff_user

pytestmark = pytest.mark.django_db
PASSWORD = "Korrekt-Häst-Batteri-47"
FAILED = "Fel användarnamn eller lösenord."


def _entries(action: AuditAction) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def anna():
    """Archivist of Ystad and Bjuv, with a password."""
    return staff_user(
        "archivist", "ystad", username="anna", password=PASSWORD, also=(("bjuv", "registrar"),)
    )


def test_login_page_is_a_swedish_form_without_sso_by_default() -> None:
    html = Client().get("/staff/login/").content.decode()
    assert "<h1>Logga in</h1>" in html
    assert '<label for="id_username">Användarnamn</label>' in html
    assert '<label for="id_password">Lösenord</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "Logga in med e-legitimation" not in html
    assert 'action="/staff/logout/"' not in html  # nobody to log out


def test_login_acts_in_the_first_tenant_and_is_audited(anna) -> None:
    client = Client()
    data = {"username": "anna", "password": PASSWORD, "next": "/staff/aips/"}
    response = client.post("/staff/login/", data)
    assert response.status_code == 302 and response["Location"] == "/staff/aips/"
    assert client.session[SESSION_TENANT] == "bjuv"  # first in order
    entry = _entries(AuditAction.LOGIN)[-1]
    assert (entry.actor, entry.tenant, entry.outcome) == ("user:anna", "bjuv", "success")
    assert entry.detail["method"] == "password"
    html = client.get("/staff/").content.decode()
    assert "anna" in html and "Registrator" in html  # name and role in the header
    assert '<option value="ystad">Ystads kommun</option>' in html
    assert '<option value="bjuv" selected>Bjuvs kommun</option>' in html


@pytest.mark.parametrize(
    ("username", "password"), [("anna", "fel-lösenord"), ("okänd", PASSWORD), ("inaktiv", PASSWORD)]
)
def test_failed_logins_get_one_message_and_are_audited(anna, username, password) -> None:
    staff_user("archivist", "bjuv", username="inaktiv", password=PASSWORD)
    get_user_model().objects.filter(username="inaktiv").update(is_active=False)
    client = Client()
    response = client.post("/staff/login/", {"username": username, "password": password})
    assert response.status_code == 400
    assert FAILED in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = _entries(AuditAction.LOGIN_FAILED)[-1]
    assert (entry.actor, entry.tenant, entry.outcome) == ("anonymous", "", AuditOutcome.FAILURE)
    assert entry.detail["username"] == username
    assert not _entries(AuditAction.LOGIN)


def test_login_never_redirects_off_site(anna) -> None:
    data = {"username": "anna", "password": PASSWORD, "next": "https://evil.example/"}
    response = Client().post("/staff/login/", data)
    assert response["Location"] == "/staff/"


def test_logout_is_post_only_and_audited(anna) -> None:
    client = log_in(Client(), anna, "ystad")
    assert client.get("/staff/logout/").status_code == 405
    response = client.post("/staff/logout/")
    assert response.status_code == 302 and response["Location"] == "/staff/login/"
    entry = _entries(AuditAction.LOGOUT)[-1]
    assert (entry.actor, entry.tenant) == ("user:anna", "ystad")
    assert client.get("/staff/aips/")["Location"] == "/staff/login/?next=/staff/aips/"


def test_sso_button_shows_the_configured_label(settings) -> None:
    settings.SAMARKIV_OIDC = {
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
        "client_id": "samarkiv",
        "client_secret": "",
        "issuer": "",
        "label": "",
    }
    html = Client().get("/staff/login/").content.decode()
    assert "Logga in med e-legitimation/kommunens inloggning</button>" in html
    settings.SAMARKIV_OIDC = {**settings.SAMARKIV_OIDC, "label": "Logga in med Skåne-ID"}
    assert "Logga in med Skåne-ID</button>" in Client().get("/staff/login/").content.decode()


def test_switching_to_an_own_tenant_and_refusing_any_other(anna) -> None:
    client = log_in(Client(), anna, "bjuv")
    response = client.post("/staff/tenant/", {"tenant": "ystad", "next": "/staff/aips/"})
    assert response["Location"] == "/staff/aips/"
    assert client.session[SESSION_TENANT] == "ystad"
    assert "<h1>Arkivpaket</h1>" in client.get("/staff/aips/").content.decode()

    # an object page belongs to the old tenant: land on the home page instead
    response = client.post("/staff/tenant/", {"tenant": "bjuv", "next": "/staff/aips/x/"})
    assert response["Location"] == "/staff/"

    response = client.post("/staff/tenant/", {"tenant": "lund", "next": "/staff/"})
    assert response.status_code == 403
    assert "<h1>Åtkomst nekad</h1>" in response.content.decode()
    assert client.session[SESSION_TENANT] == "bjuv"
    denied = _entries(AuditAction.DENIED)[-1]
    assert (denied.actor, denied.object_id) == ("user:anna", "/staff/tenant/")


def test_a_revoked_tenant_falls_back_on_the_next_request(anna) -> None:
    client = log_in(Client(), anna, "ystad")
    anna.memberships.filter(tenant_id="ystad").delete()
    html = client.get("/staff/").content.decode()
    assert "Bjuvs kommun" in html and "Ystads kommun" not in html


def test_pages_work_under_asgi_where_request_scope_was_the_connection() -> None:
    """uvicorn serves samarkiv through ASGI, where Django read the scheme from
    ``request.acting``; the acting Scope takes that name (see ScopeMiddleware)."""
    response = async_to_sync(AsyncClient().get)("/staff/login/?next=/staff/aips/")
    assert response.status_code == 200
    assert 'name="next" value="/staff/aips/"' in response.content.decode()
