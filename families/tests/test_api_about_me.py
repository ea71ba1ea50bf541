"""/api/v1/people/{id}/about-me: GET and PUT through the access layer."""

import json

import pytest
from django.test import Client

from core.tests.http import signed_in
from families.about_me_models import ABOUT_ME_MAX_CHARS, SECTION_KEYS
from families.services.sharing import circle_member_sharing_update

NOT_FOUND = {"code": "not_found", "message": "We could not find that.", "fields": {}}


def url(person_id: int, tail: str = "") -> str:
    return f"/api/v1/people/{person_id}/about-me{tail}"


def put(user, person_id: int, body: dict, *, expect: int):
    return signed_in(user).put(
        url(person_id), json.dumps(body), content_type="application/json", expect=expect
    )


@pytest.mark.parametrize("who", ["carer", "person_user", "family"])
def test_those_the_person_shares_it_with_read_every_section(personas, who):
    body = signed_in(personas.all_users()[who]).get(url(personas.person.pk)).json()
    assert body["version"] == 1
    assert [s["key"] for s in body["sections"]] == list(SECTION_KEYS)
    texts = {s["key"]: s["text"] for s in body["sections"]}
    assert texts["what_matters"] == "Seeing my grandchildren on Sundays."
    assert body["carried_over"] is True
    assert body["can_edit"] is (who != "family")


@pytest.mark.parametrize("who", ["professional", "other_carer", "outsider"])
def test_anyone_else_is_told_it_does_not_exist(personas, who):
    user = personas.all_users()[who]
    hidden = signed_in(user).get(url(personas.person.pk), expect=404)
    missing = signed_in(user).get(url(999_999), expect=404)
    assert hidden.json() == missing.json() == NOT_FOUND


def test_signed_out_is_refused(personas):
    assert Client().get(url(personas.person.pk)).status_code == 401


def test_the_professional_reads_it_once_the_person_chooses_so(personas):
    circle_member_sharing_update(
        actor=personas.person_user,
        circle_member_id=personas.professional_place.pk,
        kinds=None,
        sees_about_me=True,
    )
    body = signed_in(personas.professional).get(url(personas.person.pk)).json()
    assert body["version"] == 1
    assert body["can_edit"] is False


def test_the_person_writes_a_new_version_with_who_helped(personas):
    body = put(
        personas.person_user,
        personas.person.pk,
        {
            "sections": {"called": "Jean", "worries": "Being moved to a home."},
            "important_member_ids": [personas.family_place.pk],
            "written_with": "my daughter Sarah",
        },
        expect=200,
    ).json()
    assert body["version"] == 2
    texts = {s["key"]: s["text"] for s in body["sections"]}
    assert texts["worries"] == "Being moved to a home."
    assert body["sections"][0]["heading"] == "What you like to be called"
    assert body["written_by"] == "Jean Person"
    assert body["written_with"] == "my daughter Sarah"
    assert body["important_people"] == [
        {
            "circle_member_id": personas.family_place.pk,
            "name": personas.family_place.name,
            "relationship": "daughter",
        }
    ]
    versions = signed_in(personas.carer).get(url(personas.person.pk, "/versions")).json()
    assert [v["version"] for v in versions] == [2, 1]


def test_a_section_too_long_is_named_and_nothing_changes(personas):
    body = put(
        personas.carer,
        personas.person.pk,
        {"sections": {"hopes": "h" * (ABOUT_ME_MAX_CHARS + 1)}},
        expect=422,
    ).json()
    assert body["code"] == "invalid"
    assert "Their hopes and wishes" in body["message"]
    assert list(body["fields"]) == ["hopes"]
    assert personas.person.about_me_versions.count() == 1


def test_an_unknown_section_or_key_is_refused(personas):
    put(personas.carer, personas.person.pk, {"sections": {"shoe_size": "7"}}, expect=422)
    put(personas.carer, personas.person.pk, {"sections": {}, "mood": "x"}, expect=422)
    assert personas.person.about_me_versions.count() == 1


@pytest.mark.parametrize("who", ["family", "professional", "other_carer", "outsider"])
def test_only_the_team_and_the_person_write_it(personas, who):
    body = put(
        personas.all_users()[who], personas.person.pk, {"sections": {"called": "x"}}, expect=404
    ).json()
    assert body == NOT_FOUND
    assert personas.person.about_me_versions.count() == 1


def test_the_circle_has_no_history(personas):
    signed_in(personas.family).get(url(personas.person.pk, "/versions"), expect=404)
