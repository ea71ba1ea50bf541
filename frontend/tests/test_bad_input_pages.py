"""Bad input on the pages, whatever the page: every address with an id, every week or date.

The address list is read from the URL patterns, so a page added later is covered without
being named here. The promise: a huge id is "not found" like any id that does not exist; a
day out of bounds is a page with a message; never a 500.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dates import EARLIEST, LATEST
from core.ids import ID_MAX

EXAMPLES = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HUGE_IDS = st.one_of(st.just(ID_MAX + 1), st.integers(min_value=ID_MAX + 1, max_value=10**30))
BAD_DAYS = st.one_of(
    st.sampled_from([dt.date(9999, 12, 31), dt.date(1, 1, 1)]),
    st.dates(max_value=EARLIEST - dt.timedelta(days=1)),
    st.dates(min_value=LATEST + dt.timedelta(days=1)),
)


def _page_routes() -> list[str]:
    """Every page address taking an id, as a pattern like "notes/<id:note_id>/edit/"."""
    found = []
    for pattern in get_resolver("frontend.urls").url_patterns:
        if isinstance(pattern, URLPattern) and "<id:" in str(pattern.pattern):
            found.append(str(pattern.pattern))
    return found


PAGE_ROUTES = _page_routes()


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_every_page_with_an_id_takes_it_through_the_bounded_converter():
    assert len(PAGE_ROUTES) >= 40
    for pattern in get_resolver("frontend.urls").url_patterns:
        assert "<int:" not in str(pattern.pattern), pattern


@pytest.mark.parametrize("route", PAGE_ROUTES)
@EXAMPLES
@given(huge=HUGE_IDS)
def test_an_id_past_64_bits_in_any_page_address_is_not_found(personas, route, huge):
    url = "/" + re.sub(r"<id:\w+>", str(huge), route)
    client = _client(personas.carer)
    for method in ("get", "post"):
        assert getattr(client, method)(url).status_code == 404, (method, url)


@pytest.mark.parametrize("page", ["/rota/", "/teams/{team}/rota/"])
@EXAMPLES
@given(day=BAD_DAYS)
def test_a_week_out_of_bounds_shows_this_week_and_says_so(personas, page, day):
    url = page.format(team=personas.team.pk) + f"?week={day.isoformat()}"
    response = _client(personas.carer).get(url)
    assert response.status_code == 200
    assert b"We could not show that week, so here is this week." in response.content


@pytest.mark.parametrize("week", ["2999-12-31", "1900-01-01", "not-a-day", ""])
def test_every_week_the_rota_accepts_is_a_page(personas, week):
    for page in ("/rota/", f"/teams/{personas.team.pk}/rota/"):
        assert _client(personas.carer).get(f"{page}?week={week}").status_code == 200


@pytest.mark.parametrize(
    "cursor",
    ["99999999999999999999999.1", "1.99999999999999999999999", "9" * 5000 + ".1", "1.0", "-1.1"],
)
def test_a_timeline_cursor_that_was_not_made_here_is_not_found(personas, cursor):
    response = _client(personas.carer).get(
        f"/people/{personas.person.pk}/timeline/", {"cursor": cursor}
    )
    assert response.status_code in (200, 404)


@EXAMPLES
@given(huge=HUGE_IDS)
def test_a_huge_goal_filter_is_no_filter(personas, huge):
    response = _client(personas.carer).get(
        f"/people/{personas.person.pk}/timeline/", {"outcome": str(huge)}
    )
    assert response.status_code == 200


@EXAMPLES
@given(day=BAD_DAYS)
def test_a_day_out_of_bounds_in_a_rota_form_is_refused_with_a_message(personas, day):
    response = _client(personas.carer).post(
        f"/teams/{personas.team.pk}/rota/add/",
        {
            "person": personas.person.pk,
            "date": day.isoformat(),
            "window_start": "09:00",
            "window_end": "10:00",
            "minutes": 30,
            "purpose": "Breakfast",
        },
    )
    assert response.status_code in (200, 422)
    assert f"Please choose a day between {EARLIEST.year} and {LATEST.year}.".encode() in (
        response.content
    )


def test_a_broken_character_in_a_form_is_a_page_not_a_crash(personas):
    """Browsers cannot send half a character in a form; bytes that spell one are replaced."""
    response = _client(personas.carer).generic(
        "POST",
        f"/people/{personas.person.pk}/notes/",
        "kind=moment&audience=circle&body=Lovely%ED%A0%80walk",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302, 422)
