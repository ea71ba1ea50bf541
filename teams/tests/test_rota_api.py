"""The rota API: the same services and the same words as the pages."""

import json

from django.test import Client

from teams.models import Visit
from teams.rota import services
from teams.tests.rota_helpers import open_visit, soon, teammate


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_adding_a_visit_and_reading_it_back(personas):
    client = _client(personas.carer)
    response = _post(
        client,
        "/api/v1/rota/visits",
        {
            "person_id": personas.person.pk,
            "date": soon().isoformat(),
            "window_label": "morning",
            "window_start": "09:00",
            "window_end": "11:00",
            "minutes": 45,
            "purpose": "Breakfast",
        },
    )
    assert response.status_code == 201
    created = response.json()
    assert created["status"] == "open" and created["person_name"] == "Jean"
    listed = client.get(
        f"/api/v1/rota/teams/{personas.team.pk}/visits?start={soon().isoformat()}"
    ).json()
    assert [v["id"] for v in listed] == [created["id"]]


def test_a_time_the_clocks_skip_is_refused_with_the_field_named(personas):
    response = _post(
        _client(personas.carer),
        "/api/v1/rota/visits",
        {
            "person_id": personas.person.pk,
            "date": "2027-03-28",
            "window_start": "01:30",
            "window_end": "03:00",
            "minutes": 30,
            "purpose": "Night check",
        },
    )
    assert response.status_code == 422
    assert "clocks go forward" in response.json()["fields"]["window_start"][0]
    assert not Visit.objects.exists()


def test_the_second_claim_answers_409_saying_who_took_it(personas):
    bea = teammate(personas)
    visit = open_visit(personas)
    won = _post(_client(bea), f"/api/v1/rota/visits/{visit.pk}/claim")
    assert won.status_code == 200
    assert [c["display_name"] for c in won.json()["carers"]] == ["Bea Colleague"]
    assert {w["code"] for w in won.json()["warnings"]} == {"new_face"}
    lost = _post(_client(personas.carer), f"/api/v1/rota/visits/{visit.pk}/claim")
    assert lost.status_code == 409
    assert lost.json() == {
        "code": "taken",
        "message": "Bea Colleague has already taken this visit.",
        "fields": {},
    }


def test_offer_accept_and_a_withdrawn_offer(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    carer = _client(personas.carer)
    offer = _post(carer, f"/api/v1/rota/visits/{visit.pk}/offers", {"to_user_id": bea.pk})
    assert offer.status_code == 201 and offer.json()["to_user"]["id"] == bea.pk
    offer_id = offer.json()["id"]
    assert _post(carer, f"/api/v1/rota/offers/{offer_id}/withdraw").status_code == 200
    refused = _post(_client(bea), f"/api/v1/rota/offers/{offer_id}/accept")
    assert refused.status_code == 422
    assert refused.json()["message"] == "This offer was taken back, so nothing has changed."
    again = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    taken = _post(_client(bea), f"/api/v1/rota/offers/{again.pk}/accept")
    assert taken.status_code == 200
    assert [c["id"] for c in taken.json()["carers"]] == [bea.pk]


def test_unknown_fields_are_refused(personas):
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    response = _post(
        _client(personas.carer), f"/api/v1/rota/visits/{visit.pk}/offers", {"approver": 1}
    )
    assert response.status_code == 422


def test_availability_reason_reaches_the_team_only(personas):
    carer = _client(personas.carer)
    made = _post(
        carer,
        f"/api/v1/rota/teams/{personas.team.pk}/availability",
        {"kind": "cannot", "weekday": 0, "reason": "Hospital appointment"},
    )
    assert made.status_code == 201
    listed = carer.get(f"/api/v1/rota/teams/{personas.team.pk}/availability").json()
    assert listed[0]["reason"] == "Hospital appointment"
    family = _client(personas.family).get(f"/api/v1/rota/teams/{personas.team.pk}/availability")
    assert family.status_code == 404
