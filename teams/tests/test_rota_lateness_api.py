"""The API for a visit as it happens: the same services, refusals as 422s with the message."""

import datetime as dt

import pytest

from core.tests.http import CheckedClient
from teams.rota.clock import local_today
from teams.tests.rota_helpers import open_visit

EIGHT_AM_LONDON = dt.datetime(2026, 6, 17, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _eight_in_the_morning(time_machine):
    time_machine.move_to(EIGHT_AM_LONDON, tick=False)


def _client(user) -> CheckedClient:
    client = CheckedClient()
    client.force_login(user)
    return client


def _visit(personas):
    return open_visit(
        personas,
        day=local_today(),
        carer_ids=[personas.carer.pk],
        window_start=dt.time(8),
        window_end=dt.time(10),
    )


def test_running_late_then_cant_make_it_by_api(personas):
    visit = _visit(personas)
    client = _client(personas.carer)
    late = client.post(
        f"/api/v1/rota/visits/{visit.pk}/late",
        {"minutes": 20},
        content_type="application/json",
        expect=200,
    ).json()
    assert late["late_minutes"] == 20
    assert late["expected_at"].startswith("2026-06-17T08:20")
    covered = client.post(f"/api/v1/rota/visits/{visit.pk}/cant-make-it", expect=200).json()
    assert covered["status"] == "open" and covered["urgent"] is True
    again = client.post(f"/api/v1/rota/visits/{visit.pk}/cant-make-it", expect=422).json()
    assert "already said you can't make it" in again["message"]


def test_minutes_not_offered_are_a_422_saying_what_to_choose(personas):
    visit = _visit(personas)
    answer = (
        _client(personas.carer)
        .post(
            f"/api/v1/rota/visits/{visit.pk}/late",
            {"minutes": 45},
            content_type="application/json",
            expect=422,
        )
        .json()
    )
    assert answer["fields"]["minutes"] == ["Please choose about 10, 20 or 30 minutes."]


def test_someone_elses_team_gets_a_404(personas):
    visit = _visit(personas)
    _client(personas.other_carer).post(
        f"/api/v1/rota/visits/{visit.pk}/done", content_type="application/json", expect=404
    )
