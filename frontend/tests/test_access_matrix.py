"""Every page and API address, for every persona: allowed, or answered exactly like nothing.

A new address fails test_every_address_is_in_the_matrix until someone decides who may use it.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from core.images import clean_photo
from core.tests.factories import CircleMemberFactory
from families import services as family_services
from teams.tests.test_directory_access import DIRECTORY_MATRIX
from teams.tests.test_rota_access import ROTA_MATRIX, ROTA_PUBLIC

EVERYONE = frozenset({"carer", "other_carer", "family", "professional", "person_user", "outsider"})
TEAM = frozenset({"carer"})
SEES_PERSON = frozenset({"carer", "family", "professional", "person_user"})
EDITS_PERSON = frozenset({"carer", "person_user"})
# About Me: the team, the person and their family; a visiting professional only if chosen.
READS_ABOUT_ME = frozenset({"carer", "family", "person_user"})
READS_MONEY = frozenset({"carer", "family", "person_user"})
SEES_ANGELA = SEES_PERSON  # those who see Jean see her team, Angela among them

TEAM_NOTE = TEAM  # the world's note is a concern: team only, whoever asks
AUTHOR = TEAM  # Angela wrote it
MOMENT = {"kind": "moment", "body": "We sang together.", "audience": "circle"}

# name -> (method, who may use it[, what to send])
MATRIX: dict[str, tuple] = {
    "home": ("get", EVERYONE),
    # Everyone this user may see (the access layer lists them): a carer's directory.
    "people_directory": ("get", EVERYONE),
    "profile": ("get", EVERYONE),
    # One's own text size, saved on one's own account.
    "text_size": ("post", EVERYONE, {"larger": "on"}),
    # How the person feels today, from the faces on their My day: the person alone.
    "my_day_feeling": ("post", frozenset({"person_user"}), {"wellbeing": "4"}),
    "person": ("get", SEES_PERSON),
    "person_edit": ("get", EDITS_PERSON),
    "about_me_edit": ("get", EDITS_PERSON),
    "about_me_history": ("get", EDITS_PERSON),
    "person_coordinator": ("post", TEAM),
    "circle_add": ("get", TEAM),
    "circle_invite": ("post", TEAM),
    "circle_remove": ("post", TEAM),
    "team": ("get", TEAM),
    "team_invite": ("post", TEAM),
    "person_add": ("post", TEAM),
    "role_label_edit": ("post", TEAM),
    "audit_trail": ("get", EDITS_PERSON),
    "audit_trail_csv": ("get", EDITS_PERSON),
    # Money and hours: the team, the person, and the circle kinds they choose (family, unless
    # they say otherwise); the plan is the team's to write down.
    "money": ("get", READS_MONEY),
    "money_edit": ("get", TEAM),
    "money_csv": ("get", TEAM),
    # Who sees what: the person, or their team for them.
    "note_sharing": ("get", EDITS_PERSON),
    "member_sharing": ("get", EDITS_PERSON),
    # A copy of the whole record: the person and their coordinator (Angela) only.
    "record_export": ("get", EDITS_PERSON),
    "account_delete": ("get", EVERYONE),
    # A code from an app at sign-in: set up by team members; the rule is the team's.
    "second_factor_setup": ("get", frozenset({"carer", "other_carer"})),
    "second_factor_off": ("post", EVERYONE),
    "second_factor_recovery_codes": ("get", frozenset({"carer", "other_carer"})),
    "team_sign_in_rule": ("get", TEAM),
    "person_photo": ("get", SEES_PERSON),
    "user_photo": ("get", SEES_ANGELA),
    "circle_photo": ("get", SEES_PERSON),
    # The API.
    "api:me": ("get", EVERYONE),
    "api:me_update": ("patch", EVERYONE),
    "api:people_list": ("get", EVERYONE),
    "api:person_detail": ("get", SEES_PERSON),
    "api:person_circle": ("get", SEES_PERSON),
    "api:about_me_get": ("get", READS_ABOUT_ME),
    "api:about_me_put": ("put", EDITS_PERSON, {"sections": {"called": "Jean"}}),
    "api:about_me_versions": ("get", EDITS_PERSON),
    "api:teams_list": ("get", EVERYONE),
    "api:team_detail": ("get", TEAM),
    # One's own devices and choices: every signed-in persona, about themself only.
    "api:push_public_key": ("get", EVERYONE),
    "api:push_devices": ("get", EVERYONE),
    "api:push_preferences": ("get", EVERYONE),
    # Notes, the timeline and goals.
    "timeline": ("get", SEES_PERSON),
    "note_create": ("post", SEES_PERSON, MOMENT),
    "note_detail": ("get", TEAM_NOTE),
    "note_edit": ("post", AUTHOR, {"body": "Better words"}),
    "note_delete": ("post", AUTHOR),
    "note_reply": ("post", TEAM_NOTE, {"body": "Thank you"}),
    "note_react": ("post", TEAM_NOTE, {"kind": "heart", "active": "true"}),
    "concern_handled": ("post", TEAM_NOTE, {"handled_note": "Called the GP."}),
    "note_photo": ("get", TEAM_NOTE),
    "note_photo_view": ("get", TEAM_NOTE),
    "outcome_list": ("get", SEES_PERSON),
    "outcome_detail": ("get", SEES_PERSON),
    "api:note_list": ("get", SEES_PERSON),
    "api:note_create": ("post", SEES_PERSON, MOMENT),
    "api:note_create_with_photos": ("post", SEES_PERSON, MOMENT),
    "api:note_edit": ("patch", AUTHOR, {"body": "Better words"}),
    "api:note_delete": ("delete", AUTHOR),
    "api:reply_create": ("post", TEAM_NOTE, {"body": "Thank you"}),
    "api:reaction_set": ("post", TEAM_NOTE, {"kind": "heart", "active": True}),
    "api:concern_handled": ("post", TEAM_NOTE, {"handled_note": "Called the GP."}),
    "api:outcome_list": ("get", SEES_PERSON),
    "api:outcome_create": ("post", EDITS_PERSON, {"title": "Go back to the choir"}),
    "api:outcome_update": ("patch", EDITS_PERSON, {"status": "achieved"}),
    # What a phone keeps for reading offline: one's own list, for oneself.
    "offline_pages": ("get", EVERYONE),
}
# Open to anyone: signing in and out, password reset, invitation links, the API's own docs.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation",
    "second_factor_code",  # the second step of signing in: answers to a pending sign-in only
    "second_factor_recovery",  # the same step with a recovery code: a pending sign-in only
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:no_such_address",
    # The installable app's files hold no care data.
    "manifest",
    "service_worker",
    "offline",
    # Choosing a language, and the words of the scripts: no care data (test_languages.py).
    "set_language",
    "javascript_catalog",
    # For load balancers: whether the parts answer, never who or what (core/tests/test_health.py).
    "health_live",
    "health_ready",
}

# The rota's addresses are decided persona by persona, with request bodies, in its own matrix.
ROTA_DECIDED = set(ROTA_MATRIX) | ROTA_PUBLIC | {"api:availability_set"}
# The neighbourhood directory's addresses, decided persona by persona, entry by entry (shared,
# suggested, linked to the person) in teams/tests/test_directory_access.py.
DIRECTORY_DECIDED = set(DIRECTORY_MATRIX) | {"api:directory_update"}
# Push changes need a body: every persona is tried with real ones in core/tests/test_push_api.py.
PUSH_WRITES = {"api:push_subscribe", "api:push_unsubscribe", "api:push_preferences_update"}
# A finished copy exists only once asked for: every persona is tried in
# frontend/tests/test_export_pages.py.
EXPORT_DOWNLOADS = {"record_export_download"}
# For the scraper holding METRICS_TOKEN; a 404 to everyone else, signed in or not: tried in
# core/tests/test_metrics.py.
SCRAPERS = {"metrics"}


def _names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_address_is_in_the_matrix():
    names = _names(get_resolver().url_patterns)
    undecided = (
        names
        - set(MATRIX)
        - PUBLIC
        - ROTA_DECIDED
        - DIRECTORY_DECIDED
        - PUSH_WRITES
        - EXPORT_DOWNLOADS
        - SCRAPERS
    )
    assert undecided == set(), "decide who may use these, then add them"
    assert set(MATRIX) - names == set(), "the matrix names addresses that no longer exist"


def _photo(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(personas):
    """The personas, with photos on everyone and a circle member who has no account yet."""
    for obj in (personas.person, personas.carer):
        cleaned = clean_photo(_photo())
        obj.photo.save(cleaned.name, cleaned)
    no_account = CircleMemberFactory.create(person=personas.person, user=None, name="Uncle Bob")
    cleaned = clean_photo(_photo())
    assert cleaned.name is not None
    no_account.photo.save(cleaned.name, cleaned)
    concern = family_services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="concern",
        body="Jean seemed confused about her tablets.",
        photos=[_photo("tablets.png")],
    )
    goal = family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Walk to the shop"
    )
    return personas, {
        "person_id": personas.person.pk,
        "team_id": personas.team.pk,
        "circle_member_id": no_account.pk,
        "user_id": personas.carer.pk,
        "note_id": concern.pk,
        "photo_id": concern.photos.get().pk,
        "outcome_id": goal.pk,
    }


def _url(name: str, ids: dict[str, int]) -> str:
    shapes: list[dict[str, int]] = [{}] + [{key: ids[key]} for key in ids]
    shapes += [{"person_id": ids["person_id"], key: ids[key]} for key in ids if key != "person_id"]
    for kwargs in shapes:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build {name}")


def _request(client: Client, method: str, url: str, data: dict | None = None):
    if url.startswith("/api/") and method != "get":
        if url.endswith("/with-photos"):
            return client.post(url, data=data or {})
        return getattr(client, method)(
            url, data=json.dumps(data or {}), content_type="application/json"
        )
    return getattr(client, method)(url, data or {})


def _missing(url: str, ids: dict[str, int]) -> str:
    for value in ids.values():
        if f"/{value}/" in url + "/":
            return (url + "/").replace(f"/{value}/", "/999999/", 1).rstrip("/") + (
                "/" if url.endswith("/") else ""
            )
    return url


CASES = [(name, who) for name in MATRIX for who in sorted(EVERYONE)]


@pytest.mark.parametrize(("name", "who"), CASES)
def test_each_persona_gets_exactly_what_is_theirs(world, name, who):
    personas, ids = world
    method, allowed, *extra = MATRIX[name]
    data = extra[0] if extra else None
    client = Client()
    client.force_login(personas.all_users()[who])
    url = _url(name, ids)
    response = _request(client, method, url, data)
    if who in allowed:
        assert response.status_code in (200, 201, 204, 302), (name, who, response.status_code)
    else:
        assert response.status_code == 404, (name, who, response.status_code)
        missing = _request(client, method, _missing(url, ids), data)
        assert missing.status_code == 404
        if name not in ("person_photo", "user_photo", "circle_photo", "note_photo"):
            assert missing.content == response.content, "forbidden must look like missing"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_signed_out_people_are_sent_to_sign_in(world, name):
    _, ids = world
    method, _, *data = MATRIX[name]
    response = _request(Client(), method, _url(name, ids), data[0] if data else None)
    if _url(name, ids).startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
