"""Every rota page and API address, for every persona: allowed, or answered exactly like nothing.

``ROTA_MATRIX`` decides who may use each rota address; a new rota address fails
test_every_rota_address_is_decided until it is added here.
"""

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from teams.models import RotaChange
from teams.rota import services
from teams.tests.rota_helpers import open_visit, soon

EVERYONE = frozenset({"carer", "other_carer", "family", "professional", "person_user", "outsider"})
TEAM = frozenset({"carer"})


def _visit_body(ids):
    return {
        "person_id": ids["person_id"],
        "date": soon().isoformat(),
        "window_start": "09:00",
        "window_end": "10:00",
        "minutes": 30,
        "purpose": "Tea",
    }


# name -> (method, who may use it, JSON body for the API or None)
ROTA_MATRIX = {
    "rota_my_week": ("get", EVERYONE, None),
    "rota_calendar": ("get", EVERYONE, None),
    "rota_visit": ("get", TEAM, None),
    "rota_visit_claim": ("post", TEAM, None),
    "rota_visit_check_in": ("post", TEAM, None),
    "rota_visit_offer": ("post", TEAM, None),
    "rota_visit_skip": ("post", TEAM, None),
    "rota_visit_move": ("post", TEAM, None),
    # Running late, can't make it, done (frontend/views/visit_status.py): the team's only.
    "visit_late": ("post", TEAM, None),
    "visit_cant_make_it": ("post", TEAM, None),
    "visit_done": ("post", TEAM, None),
    "rota_offer_accept": ("post", TEAM, None),
    "rota_offer_withdraw": ("post", TEAM, None),
    "rota_change_undo": ("post", TEAM, None),
    "rota_team": ("get", TEAM, None),
    "rota_open": ("get", TEAM, None),
    "rota_visit_add": ("get", TEAM, None),
    "rota_availability": ("get", TEAM, None),
    "rota_activity": ("get", TEAM, None),
    "rota_goal": ("post", TEAM, None),
    "rota_hours": ("post", TEAM, None),
    "api:my_visits": ("get", EVERYONE, None),
    "api:team_visits": ("get", TEAM, None),
    "api:team_open_visits": ("get", TEAM, None),
    "api:team_offers": ("get", TEAM, None),
    "api:visit_detail": ("get", TEAM, None),
    "api:visit_create": ("post", TEAM, _visit_body),
    "api:pattern_create": (
        "post",
        TEAM,
        lambda ids: (
            {**_visit_body(ids), "rule": "FREQ=DAILY", "starts_on": soon().isoformat()}
            | {"date": None}
        ),
    ),
    "api:visit_claim": ("post", TEAM, None),
    "api:visit_check_in": ("post", TEAM, None),
    "api:visit_skip": ("post", TEAM, None),
    "api:visit_move": (
        "post",
        TEAM,
        lambda ids: {"date": soon(5).isoformat(), "window_start": "14:00", "window_end": "15:00"},
    ),
    "api:visit_offer": ("post", TEAM, lambda ids: {"note": "Dentist"}),
    "api:offer_accept": ("post", TEAM, None),
    "api:offer_withdraw": ("post", TEAM, None),
    "api:availability_list": ("get", TEAM, None),
    "api:visit_running_late": ("post", TEAM, lambda ids: {"minutes": 20}),
    "api:visit_cant_make_it": ("post", TEAM, None),
    "api:visit_mark_done": ("post", TEAM, None),
}
# Opened by its own secret, not by a session.
ROTA_PUBLIC = {"rota_calendar_feed"}


def _names(patterns, namespace: str = "") -> dict[str, str]:
    names: dict[str, str] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            prefix = str(pattern.pattern)
            names |= {n: prefix + p for n, p in _names(pattern.url_patterns, inner).items()}
        elif isinstance(pattern, URLPattern) and pattern.name:
            names[namespace + pattern.name] = str(pattern.pattern)
    return names


def test_every_rota_address_is_decided():
    rota = {
        name
        for name, route in _names(get_resolver().url_patterns).items()
        if name.startswith("rota_")
        or route.startswith(("api/v1/rota", "rota/"))
        or "/rota/" in route
    }
    # GET and POST on one API path share a name; the POST is tested below by its body.
    assert rota - set(ROTA_MATRIX) - ROTA_PUBLIC - {"api:availability_set"} == set()
    assert set(ROTA_MATRIX) - rota == set()


@pytest.fixture
def world(personas):
    visit = open_visit(personas)
    mine = open_visit(personas, day=soon(4), carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=mine.pk)
    change = RotaChange.objects.filter(visit=visit).first()
    assert change is not None
    return personas, {
        "person_id": personas.person.pk,
        "team_id": personas.team.pk,
        "visit_id": visit.pk,
        "offer_id": offer.pk,
        "change_id": change.pk,
    }


def _url(name, ids):
    for key in ("team_id", "visit_id", "offer_id", "change_id"):
        try:
            return reverse(name, kwargs={key: ids[key]})
        except Exception:  # noqa: S112 - try the next shape of arguments
            continue
    return reverse(name)


def _send(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _missing(url):
    parts = url.rstrip("/").split("/")
    for index in range(len(parts) - 1, -1, -1):
        if parts[index].isdigit():
            parts[index] = "999999"
            return "/".join(parts) + ("/" if url.endswith("/") else "")
    return url


@pytest.mark.parametrize(
    ("name", "who"), [(name, who) for name in ROTA_MATRIX for who in sorted(EVERYONE)]
)
def test_each_persona_gets_exactly_what_is_theirs(world, name, who):
    personas, ids = world
    method, allowed, make_body = ROTA_MATRIX[name]
    body = make_body(ids) if make_body else None
    if body and "date" in body and body["date"] is None:
        del body["date"]
    client = Client()
    client.force_login(personas.all_users()[who])
    url = _url(name, ids)
    response = _send(client, method, url, body)
    if who in allowed:
        # 409 and 422 are the rota's own answers (taken already, not yours to offer): the
        # address itself is open to them.
        assert response.status_code in (200, 201, 302, 409, 422), (name, who, response.content)
        assert b"not_found" not in response.content
    else:
        assert response.status_code == 404, (name, who, response.status_code)
        missing = _send(client, method, _missing(url), body)
        assert missing.status_code == 404
        assert missing.content == response.content, "forbidden must look like missing"


def test_availability_by_api_is_for_the_team(world):
    personas, ids = world
    url = reverse("api:availability_set", kwargs={"team_id": ids["team_id"]})
    body = json.dumps({"kind": "cannot", "weekday": 0, "reason": "Course"})
    for who in sorted(EVERYONE):
        client = Client()
        client.force_login(personas.all_users()[who])
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == (201 if who == "carer" else 404), who


@pytest.mark.parametrize("name", sorted(ROTA_MATRIX))
def test_signed_out_people_are_sent_to_sign_in(world, name):
    _, ids = world
    method, _, make_body = ROTA_MATRIX[name]
    url = _url(name, ids)
    response = _send(Client(), method, url, make_body(ids) if make_body else None)
    if url.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_access_layer_finds_rota_things_only_for_current_members(personas):
    """Every lookup of a visit, offer, change or pattern by id goes through families.access."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404
    from django.utils import timezone

    from families import access

    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    change = RotaChange.objects.filter(visit=visit).first()
    assert change is not None
    assert access.visit_access(personas.carer, visit.pk) == visit
    assert access.visit_access(personas.carer, str(visit.pk), lock=True) == visit
    assert access.offer_access_or_404(personas.carer, offer.pk) == offer
    assert access.rota_change_access_or_404(personas.carer, change.pk) == change
    strangers = [AnonymousUser(), *(personas.all_users()[w] for w in ("other_carer", "family"))]
    for user in strangers:
        assert access.visit_access(user, visit.pk) is None
    for user in [personas.carer, *strangers]:
        for bad in ("", "abc", None, -1, 0, 2**63, "1e3"):
            assert access.visit_access(user, bad) is None
            with pytest.raises(Http404):
                access.offer_access_or_404(user, bad)
    for lookup, pk in (
        (access.visit_access_or_404, visit.pk),
        (access.offer_access_or_404, offer.pk),
        (access.rota_change_access_or_404, change.pk),
    ):
        with pytest.raises(Http404):
            lookup(personas.other_carer, pk)
    # Someone who has left the team no longer finds its visits.
    personas.carer.memberships.update(left_at=timezone.now())
    assert access.visit_access(personas.carer, visit.pk) is None
