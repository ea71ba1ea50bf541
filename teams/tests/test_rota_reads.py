"""Reads: my week, the team's week in constant queries, who's coming in plain words, continuity."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tests.factories import MembershipFactory, PersonFactory, UserFactory
from teams.models import RotaSettings, Visit
from teams.rota import continuity, selectors, services
from teams.rota.clock import local_today, week_start
from teams.tests.rota_helpers import open_visit, teammate

LONDON = ZoneInfo("Europe/London")
THURSDAY = dt.date(2027, 1, 7)


def _visit(team, person, day, carer=None, start=9, **extra):
    return Visit.objects.create(
        team=team,
        person=person,
        date=day,
        window_start=dt.time(start),
        window_end=dt.time(start + 2),
        minutes=60,
        purpose="Tea",
        carer=carer,
        status=Visit.Status.ASSIGNED if carer else Visit.Status.OPEN,
        **extra,
    )


def _team_of(personas, carers: int, people: int, today: dt.date):
    team = personas.team
    staff = [UserFactory() for _ in range(carers)]
    for user in staff:
        MembershipFactory(team=team, user=user)
    folk = [PersonFactory(team=team) for _ in range(people)]
    monday = week_start(today)
    for n, person in enumerate(folk):
        for day in range(7):
            _visit(team, person, monday + dt.timedelta(days=day), staff[(n + day) % carers])
        _visit(team, person, today - dt.timedelta(days=10), staff[n % carers])
    return team


def test_the_team_week_costs_the_same_number_of_queries_however_big(personas):
    today = dt.date(2027, 1, 6)
    small = _team_of(personas, carers=2, people=3, today=today)
    with CaptureQueriesContext(connection) as few:
        selectors.team_week(small, start=week_start(today), today=today)
    _team_of(personas, carers=12, people=40, today=today)
    with CaptureQueriesContext(connection) as many:
        grid = selectors.team_week(small, start=week_start(today), today=today)
        # Reading every cell and carer, as the page does, must not query again.
        names = [
            v.carer.display_name
            for row in grid.rows
            for _, cell in row.cells
            for v in cell
            if v.carer is not None
        ]
    assert len(grid.rows) == 45 and len(names) == 43 * 7
    # A page that grew with the team would be slow for exactly the teams that use it most.
    assert len(many) == len(few) <= 5, [q["sql"] for q in many.captured_queries]


def test_the_team_week_page_renders_in_constant_queries(
    personas, client, django_assert_max_num_queries
):
    today = dt.date(2027, 1, 6)
    _team_of(personas, carers=12, people=40, today=today)
    client.force_login(personas.carer)
    with django_assert_max_num_queries(12):
        response = client.get(f"/teams/{personas.team.pk}/rota/?week={today}")
    assert response.status_code == 200


def test_the_grid_puts_visits_in_their_cells_and_flags_people_above_the_goal(personas):
    today = THURSDAY
    staff = [teammate(personas, f"Carer {n}") for n in range(5)]
    for n, user in enumerate(staff):
        _visit(personas.team, personas.person, today - dt.timedelta(days=n + 1), user)
    _visit(personas.team, personas.neighbour, today, staff[0])
    grid = selectors.team_week(personas.team, start=week_start(today), today=today)
    rows = {row.person: row for row in grid.rows}
    assert rows[personas.person].above_goal and len(rows[personas.person].carers_seen) == 5
    assert not rows[personas.neighbour].above_goal
    assert grid.people_above_goal == [personas.person]
    cell = dict(rows[personas.neighbour].cells)[today]
    assert [v.carer for v in cell] == [staff[0]]
    RotaSettings.objects.create(team=personas.team, continuity_goal=5)
    again = selectors.team_week(personas.team, start=week_start(today), today=today)
    assert again.people_above_goal == []


def test_continuity_counts_only_the_last_28_days_and_done_visits(personas):
    today = THURSDAY
    old, recent, cancelled = (teammate(personas, n) for n in ("Old Timer", "Recent", "Cancelled"))
    _visit(personas.team, personas.person, today - dt.timedelta(days=28), old)
    _visit(personas.team, personas.person, today - dt.timedelta(days=27), recent)
    _visit(personas.team, personas.person, today, cancelled).__class__.objects.filter(
        carer=cancelled
    ).update(status=Visit.Status.CANCELLED)
    seen = continuity.carers_seen([personas.person.pk], today=today)
    assert seen == {personas.person.pk: [recent]}


def test_suggestions_are_those_who_know_the_person_best_in_the_team(personas):
    today = THURSDAY
    often, sometimes = teammate(personas, "Often"), teammate(personas, "Sometimes")
    for n in range(3):
        _visit(personas.team, personas.person, today - dt.timedelta(days=n + 1), often)
    _visit(personas.team, personas.person, today - dt.timedelta(days=5), sometimes)
    _visit(personas.team, personas.person, today - dt.timedelta(days=6), personas.other_carer)
    found = continuity.carers_who_know(personas.person.pk, team_id=personas.team.pk, today=today)
    assert [(s.carer, s.visits) for s in found] == [(often, 3), (sometimes, 1)]
    excluded = continuity.carers_who_know(
        personas.person.pk, team_id=personas.team.pk, today=today, exclude=[often.pk]
    )
    assert [s.carer for s in excluded] == [sometimes]


def test_my_week_shows_only_my_visits_in_my_current_teams(personas):
    bea = teammate(personas)
    mine = open_visit(personas, day=THURSDAY, carer_ids=[personas.carer.pk])
    open_visit(personas, day=THURSDAY, carer_ids=[bea.pk])
    second = open_visit(
        personas, day=THURSDAY + dt.timedelta(days=1), carer_ids=[bea.pk, personas.carer.pk]
    )
    assert selectors.my_week(personas.carer, start=week_start(THURSDAY)) == [mine, second]
    assert selectors.my_week(personas.other_carer, start=week_start(THURSDAY)) == []


@pytest.mark.parametrize(
    ("day", "start", "exact", "words"),
    [
        (0, 9, None, "Angela is coming this morning, between 9 and 11."),
        (1, 9, None, "Angela is coming tomorrow morning, between 9 and 11."),
        (1, 14, dt.time(14, 30), "Angela is coming tomorrow afternoon, at 2.30."),
        (2, 18, None, "Angela is coming on Saturday evening, between 6 and 8."),
    ],
)
def test_whos_coming_in_plain_words(personas, day, start, exact, words):
    visit = _visit(
        personas.team,
        personas.person,
        THURSDAY + dt.timedelta(days=day),
        personas.carer,
        start=start,
        exact_time=exact,
    )
    assert selectors.coming_sentence(visit, THURSDAY) == words


def test_whos_coming_names_two_carers_and_open_visits_plainly(personas):
    bea = teammate(personas, "Bea Colleague")
    visit = _visit(personas.team, personas.person, THURSDAY, personas.carer, start=9)
    visit.second_carer = bea
    assert (
        selectors.coming_sentence(visit, THURSDAY)
        == "Angela and Bea are coming this morning, between 9 and 11."
    )
    empty = _visit(personas.team, personas.person, THURSDAY, start=13)
    assert selectors.coming_sentence(empty, THURSDAY).startswith("Someone from the team is coming")


def test_whos_coming_skips_what_is_over_and_what_is_cancelled(personas):
    now = dt.datetime.combine(THURSDAY, dt.time(12), tzinfo=LONDON)
    _visit(personas.team, personas.person, THURSDAY, personas.carer, start=8)  # over by 10
    later = _visit(personas.team, personas.person, THURSDAY, personas.carer, start=14)
    cancelled = _visit(personas.team, personas.person, THURSDAY, personas.carer, start=16)
    cancelled.status = Visit.Status.CANCELLED
    cancelled.save()
    coming = selectors.whos_coming(personas.person, now=now)
    assert [c.visit for c in coming] == [later]
    assert coming[0].carers == [personas.carer]


def test_the_person_page_shows_whos_coming_to_the_family(personas, client):
    services.visit_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        date=local_today() + dt.timedelta(days=1),
        window_start=dt.time(9),
        window_end=dt.time(11),
        minutes=45,
        purpose="Private team detail",
        carer_ids=[personas.carer.pk],
    )
    client.force_login(personas.family)
    page = client.get(f"/people/{personas.person.pk}/").content.decode()
    assert "Angela is coming tomorrow morning, between 9 and 11." in page
    assert "Private team detail" not in page
