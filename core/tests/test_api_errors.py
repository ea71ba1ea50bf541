"""The API's one error body, its schema and its docs page."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from core.models import User
from families import api as people_api

NOT_FOUND = {"code": "not_found", "message": "We could not find that.", "fields": {}}


def signed_in(user: User, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


# 404: missing and forbidden are the same answer ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/api/v1/people/{person}", "/api/v1/people/{person}/circle", "/api/v1/teams/{team}"],
)
@pytest.mark.parametrize("who", ["other_carer", "outsider"])
def test_forbidden_and_missing_answer_byte_for_byte_the_same(personas, url, who):
    client = signed_in(personas.all_users()[who])
    forbidden = client.get(url.format(person=personas.person.pk, team=personas.team.pk))
    missing = client.get(url.format(person=999_999, team=999_999))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == NOT_FOUND
    assert forbidden.content == missing.content
    assert _headers(forbidden) == _headers(missing)


def _headers(response) -> dict[str, str]:
    # Each answer carries a fresh request id (core/logs.py): random, and about no record.
    return {k: v for k, v in response.headers.items() if k != "X-Request-ID"}


def test_details_never_leak_into_a_404_even_in_debug(personas, settings):
    settings.DEBUG = True
    client = signed_in(personas.outsider)
    forbidden = client.get(f"/api/v1/people/{personas.person.pk}")
    assert forbidden.json() == NOT_FOUND
    assert forbidden.content == client.get("/api/v1/people/999999").content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/people/jean",
        "/api/v1/people/-1",
        "/api/v1/people/99999999999999999999999999",
        "/api/v1/people/1/secrets",
        "/api/v1/me/",
        "/api/v1/",
    ],
)
def test_addresses_that_do_not_exist_answer_with_the_same_json_404(personas, path):
    response = signed_in(personas.carer).get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == NOT_FOUND


# 401 and 403 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/api/v1/people", "/api/v1/people/1", "/api/v1/teams"]
)
def test_signed_out_gets_401_with_the_error_body(db, path):
    response = Client().get(path)
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_signed_in",
        "message": "Please sign in to continue.",
        "fields": {},
    }


def test_a_failed_csrf_check_gets_403_with_the_error_body(personas):
    client = signed_in(personas.carer, enforce_csrf_checks=True)
    response = client.patch(
        "/api/v1/me", json.dumps({"phone": "1"}), content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "csrf_failed"
    assert body["fields"] == {}


# 405 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("post", "/api/v1/people", {"GET"}),
        ("delete", "/api/v1/me", {"GET", "PATCH"}),
        ("put", "/api/v1/teams", {"GET"}),
    ],
)
def test_a_wrong_method_gets_405_with_the_error_body(personas, method, path, allowed):
    response = getattr(signed_in(personas.carer), method)(path)
    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "This address does not accept that kind of request.",
        "fields": {},
    }
    assert {m.strip() for m in response["Allow"].split(",")} == allowed


# 422 and 500 ---------------------------------------------------------------------------------


def test_a_service_refusal_becomes_422_with_the_field_at_fault(personas):
    response = signed_in(personas.carer).patch(
        "/api/v1/me", json.dumps({"language": "tlh"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "Please check what you entered.",
        "fields": {"language": ["Please choose one of the languages listed."]},
    }


def test_our_own_mistakes_answer_500_with_the_error_body_and_no_traceback(personas, monkeypatch):
    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(people_api, "people_for_user", broken)
    client = signed_in(personas.carer, raise_request_exception=False)
    response = client.get("/api/v1/people")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Something went wrong on our side. Please try again.",
        "fields": {},
    }
    assert b"secret internals" not in response.content


def test_our_own_mistakes_are_not_swallowed(personas, monkeypatch):
    """The test client (and error reporting) still hear about the exception."""

    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(people_api, "people_for_user", broken)
    with pytest.raises(RuntimeError, match="secret internals"):
        signed_in(personas.carer).get("/api/v1/people")


# Schema and docs -----------------------------------------------------------------------------


def test_the_openapi_schema_describes_every_endpoint(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Kith API"
    assert schema["info"]["version"] == "1"
    assert set(schema["paths"]) == {
        "/api/v1/me",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/circle",
        "/api/v1/people/{person_id}/about-me",
        "/api/v1/people/{person_id}/about-me/versions",
        "/api/v1/people/{person_id}/notes",
        "/api/v1/people/{person_id}/notes/with-photos",
        "/api/v1/people/{person_id}/notes/{note_id}",
        "/api/v1/people/{person_id}/notes/{note_id}/replies",
        "/api/v1/people/{person_id}/notes/{note_id}/reactions",
        "/api/v1/people/{person_id}/notes/{note_id}/handled",
        "/api/v1/people/{person_id}/outcomes",
        "/api/v1/people/{person_id}/outcomes/{outcome_id}",
        "/api/v1/teams",
        "/api/v1/teams/{team_id}",
        "/api/v1/rota/mine",
        "/api/v1/rota/offers/{offer_id}/accept",
        "/api/v1/rota/offers/{offer_id}/withdraw",
        "/api/v1/rota/patterns",
        "/api/v1/rota/teams/{team_id}/availability",
        "/api/v1/rota/teams/{team_id}/offers",
        "/api/v1/rota/teams/{team_id}/open",
        "/api/v1/rota/teams/{team_id}/visits",
        "/api/v1/rota/visits",
        "/api/v1/rota/visits/{visit_id}",
        "/api/v1/rota/visits/{visit_id}/cancel",
        "/api/v1/rota/visits/{visit_id}/claim",
        "/api/v1/rota/visits/{visit_id}/here",
        "/api/v1/rota/visits/{visit_id}/move",
        "/api/v1/rota/visits/{visit_id}/offers",
        "/api/v1/rota/visits/{visit_id}/late",
        "/api/v1/rota/visits/{visit_id}/cant-make-it",
        "/api/v1/rota/visits/{visit_id}/done",
        "/api/v1/directory/teams/{team_id}/entries",
        "/api/v1/directory/entries/{entry_id}",
        "/api/v1/directory/people/{person_id}/connections",
        "/api/v1/push/public-key",
        "/api/v1/push/subscriptions",
        "/api/v1/push/preferences",
    }
    assert set(schema["paths"]["/api/v1/me"]) == {"get", "patch"}
    assert "ErrorOut" in schema["components"]["schemas"]


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and (src := found.get("src")):
            self.urls.append(src)
        if tag == "link" and (href := found.get("href")):
            self.urls.append(href)


@pytest.fixture
def plain_static_storage(settings):
    # The manifest only exists after collectstatic; the page's markup is what is tested here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_the_docs_page_loads_swagger_from_our_own_static_files(db, plain_static_storage):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = _Assets()
    assets.feed(html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets.urls)
    assert any(url.endswith("swagger-ui.css") for url in assets.urls)
    for url in assets.urls:
        assert not re.match(r"^(https?:)?//", url), f"{url} is loaded from another site"
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among our static files"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


# Who the API hands its views -------------------------------------------------------------------


def test_a_write_is_handed_the_account_itself_with_its_second_factor_said(personas, monkeypatch):
    from families import services

    actors = []
    write = services.note_create_once

    def spy(**kwargs):
        actors.append(kwargs["actor"])
        return write(**kwargs)

    monkeypatch.setattr(services, "note_create_once", spy)
    client = signed_in(personas.carer)
    answer = client.post(
        f"/api/v1/people/{personas.person.pk}/notes",
        {"kind": "moment", "body": "A walk to the shop"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    [actor] = actors
    # Not a lazy stand-in (each of whose uses goes through proxies): the account, loaded once.
    assert type(actor) is User
    assert actor.pk == personas.carer.pk
    # The second factor's middleware has had its say (a plain account has no such field).
    assert getattr(actor, "otp_device", "never set") is None


def test_signed_out_the_api_still_refuses_and_a_change_still_needs_its_token(personas):
    assert Client().get(f"/api/v1/people/{personas.person.pk}").status_code == 401
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.carer)
    refused = client.post(
        f"/api/v1/people/{personas.person.pk}/notes",
        {"kind": "moment", "body": "No token"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
