"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock on loopback).

The whole flow over HTTP: samarkiv's login redirect, the provider's authorize form
(posting the person's ``sub``), the callback with code and state, the token exchange
and the ID token's signature, issuer, audience and nonce checked by authlib.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from samarkiv.accounts.models import OidcIdentity
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.web.scoping import SESSION_TENANT
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
REFUSED = "Ditt konto finns inte i samarkiv – be din arkivarie lägga upp dig."


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    from oidc_provider_mock import User, run_server_in_thread

    people = [
        User(sub="anna-sub", claims={"email": "anna@bjuv.se", "email_verified": True}),
        User(sub="overifierad", claims={"email": "anna@bjuv.se", "email_verified": False}),
        User(sub="dubbel", claims={"email": "delad@bjuv.se", "email_verified": True}),
    ]
    with run_server_in_thread(require_nonce=True, user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(settings, provider: str) -> str:
    settings.SAMARKIV_OIDC = {
        "issuer": provider,
        "server_metadata_url": f"{provider}/.well-known/openid-configuration",
        "client_id": "samarkiv-test",
        "client_secret": "hemlighet",
        "label": "",
    }
    return provider


def _sign_in(client: Client, sub: str, provider: str, next_url: str = "/staff/"):
    """Start at samarkiv, authorize at the provider as ``sub``, return the callback's answer."""
    start = client.post("/staff/oidc/login/", {"next": next_url})
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(f"{provider}/oauth2/authorize?")
    assert "nonce=" in authorize and "state=" in authorize
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    assert callback.path == "/staff/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_sso_links_a_verified_email_once_and_logs_in_with_the_local_roles(sso: str) -> None:
    anna = staff_user("archivist", "bjuv", username="anna", email="anna@bjuv.se")
    client = Client()
    assert "Logga in med e-legitimation" in client.get("/staff/login/").content.decode()
    response = _sign_in(client, "anna-sub", sso, next_url="/staff/aips/")
    assert response.status_code == 302 and response["Location"] == "/staff/aips/"
    assert client.session[SESSION_TENANT] == "bjuv"
    assert int(client.session["_auth_user_id"]) == anna.pk
    identity = OidcIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (anna, sso, "anna-sub")
    assert _actions() == [AuditAction.ACCESS_GRANT, AuditAction.LOGIN]
    login = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (login.actor, login.tenant, login.detail["method"]) == ("user:anna", "bjuv", "oidc")
    assert client.get("/staff/aips/").status_code == 200  # the archivist's own role

    # the next login finds the identity, even after the e-mail changed; no new link
    anna.email = "anna.andersson@bjuv.se"
    anna.save()
    again = Client()
    assert _sign_in(again, "anna-sub", sso)["Location"] == "/staff/"
    assert OidcIdentity.objects.count() == 1
    assert _actions()[-1] == AuditAction.LOGIN and _actions().count(AuditAction.ACCESS_GRANT) == 1


@pytest.mark.parametrize("sub", ["främling", "overifierad", "dubbel"])
def test_sso_refuses_unknown_unverified_or_ambiguous_people(sso: str, sub: str) -> None:
    staff_user("archivist", "bjuv", username="anna", email="anna@bjuv.se")
    staff_user("registrar", "bjuv", email="delad@bjuv.se")
    staff_user("auditor", "ystad", email="delad@bjuv.se")
    client = Client()
    response = _sign_in(client, sub, sso)
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not OidcIdentity.objects.exists()
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail["method"] == "oidc" and sub in failed.detail["reason"]
    assert failed.tenant == ""
    assert client.get("/staff/").status_code == 302  # still anonymous


def test_sso_refuses_a_callback_with_a_forged_state(sso: str) -> None:
    staff_user("archivist", "bjuv", username="anna", email="anna@bjuv.se")
    client = Client()
    start = client.post("/staff/oidc/login/")
    answer = requests.post(start["Location"], data={"sub": "anna-sub"}, allow_redirects=False)
    callback = urlsplit(answer.headers["Location"])
    query = callback.query.replace("state=", "state=x")
    response = client.get(f"{callback.path}?{query}")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.get().action == AuditAction.LOGIN_FAILED


def test_sso_of_an_inactive_linked_user_is_refused(sso: str) -> None:
    anna = staff_user("archivist", "bjuv", username="anna", email="anna@bjuv.se")
    OidcIdentity.objects.create(user=anna, issuer=sso, subject="anna-sub")
    anna.is_active = False
    anna.save()
    response = _sign_in(Client(), "anna-sub", sso)
    assert response.status_code == 403 and REFUSED in response.content.decode()


def test_an_unreachable_provider_is_a_clear_refusal(settings) -> None:
    settings.SAMARKIV_OIDC = {
        "issuer": "http://127.0.0.1:9",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
        "client_id": "samarkiv-test",
        "client_secret": "",
        "label": "",
    }
    response = Client().post("/staff/oidc/login/")
    assert response.status_code == 502
    assert "kunde inte slutföras" in response.content.decode()
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail["reason"] == "provider_unreachable"


def test_sso_settings_come_from_the_toml_table_and_the_environment(monkeypatch) -> None:
    from samarkiv import settings as module

    monkeypatch.setattr(module, "_TOML", {})
    for key in ("ISSUER", "SERVER_METADATA_URL", "CLIENT_ID", "CLIENT_SECRET", "LABEL"):
        monkeypatch.delenv(f"SAMARKIV_OIDC_{key}", raising=False)
    assert module._oidc() is None  # off unless configured
    table = {"issuer": "https://login.lund.se/", "client_id": "samarkiv", "label": "Lund-ID"}
    monkeypatch.setattr(module, "_TOML", {"oidc": table})
    monkeypatch.setenv("SAMARKIV_OIDC_CLIENT_SECRET", "från-miljön")
    config = module._oidc()
    assert config["server_metadata_url"] == (
        "https://login.lund.se/.well-known/openid-configuration"
    )
    assert (config["client_secret"], config["label"]) == ("från-miljön", "Lund-ID")
    monkeypatch.setenv("SAMARKIV_OIDC_CLIENT_ID", "annan")
    assert module._oidc()["client_id"] == "annan"
