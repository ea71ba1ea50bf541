"""The money and hours page: who sees it, what it says, and changing the plan."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tests.http import signed_in
from teams.funding.models import Funding
from teams.funding.services import funding_save
from teams.models import Visit


@pytest.fixture(autouse=True)
def _a_wednesday_in_december():
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


def _plan(personas, **changes) -> Funding:
    values = {
        "kind": Funding.Kind.SELF_FUNDED,
        "weekly_hours": Decimal("14"),
        "hourly_rate_pence": 2100,
        "budget_pence": 150_000,
        "budget_period": Funding.Period.FOUR_WEEKS,
        "period_starts_on": dt.date(2026, 11, 23),
        "ends_on": None,
        "seen_by_kinds": ["family"],
        "agreed_by": "Jean",
        "agreed_how": "at her review",
    }
    return funding_save(person=personas.person, by=personas.carer, **{**values, **changes})


def _visits(personas, count: int, minutes: int = 600) -> None:
    Visit.objects.bulk_create(
        Visit(
            team=personas.team,
            person=personas.person,
            date=dt.date(2026, 11, 23) + dt.timedelta(days=offset % 28),
            window_start=dt.time(21),
            window_end=dt.time(22),
            minutes=minutes,
            purpose="Waking night",
            carer=personas.carer,
            status=Visit.Status.ASSIGNED,
        )
        for offset in range(count)
    )


def _url(personas, name: str = "money/") -> str:
    return f"/people/{personas.person.pk}/{name}"


def test_the_daughter_sees_the_week_the_budget_and_when_it_runs_out(personas):
    _plan(personas)
    _visits(personas, 28)
    page = signed_in(personas.family).get(_url(personas)).content.decode()
    assert "Jean&#x27;s money and hours" in page or "Jean's money and hours" in page
    assert "At this rate the budget runs out on 30 November, 3 weeks early." in page
    assert "£1,890.00 spent of £1,500.00." in page  # 9 nights so far, 10 hours at £21
    assert "<svg" in page and "budget-chart" in page
    assert "It is not a bill." in page
    assert "Change the plan" not in page  # the team's to change


def test_the_person_is_spoken_to(personas):
    _plan(personas)
    page = signed_in(personas.person_user).get(_url(personas)).content.decode()
    assert "Your money and hours" in page
    assert "Jean&#x27;s money" not in page


@pytest.mark.parametrize("who", ["professional", "outsider", "other_carer"])
def test_those_not_chosen_find_nothing_there(personas, who, client):
    _plan(personas)
    user = personas.all_users()[who]
    refused = signed_in(user).get(_url(personas), expect=404)
    missing = signed_in(user).get("/people/999999/money/", expect=404)
    assert refused.content == missing.content
    signed_in(user).get(_url(personas, "money.csv"), expect=404)
    signed_in(user).get(_url(personas, "money/change/"), expect=404)


def test_the_person_can_let_the_nurse_see_it(personas):
    _plan(personas, seen_by_kinds=["family", "professional"])
    signed_in(personas.professional).get(_url(personas))


def test_without_a_plan_the_family_is_told_so_and_the_team_can_write_it(personas):
    family_page = signed_in(personas.family).get(_url(personas)).content.decode()
    assert "has not been written down yet" in family_page
    assert "Write down the plan" not in family_page
    team_page = signed_in(personas.carer).get(_url(personas)).content.decode()
    assert "Write down the plan" in team_page


def test_the_team_writes_the_plan_in_pounds(personas):
    carer = signed_in(personas.carer)
    form = {
        "kind": "direct_payment",
        "weekly_hours": "10.5",
        "hourly_rate": "22.75",
        "budget": "4000",
        "budget_period": "four_weeks",
        "period_starts_on": "2026-11-23",
        "seen_by_kinds": ["family"],
        "agreed_by": "Jean",
        "agreed_how": "by phone",
    }
    carer.post(_url(personas, "money/change/"), form, expect=302)
    funding = Funding.objects.get()
    assert (funding.hourly_rate_pence, funding.budget_pence) == (2275, 400_000)
    assert funding.weekly_hours == Decimal("10.5")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hourly_rate": "1000.01"}, "That is over £1,000 an hour. Check the figure."),
        ({"hourly_rate": "-5"}, "Give the cost of an hour, more than £0."),
        ({"hourly_rate": "21.505"}, "Give pounds and pence, like 21.50."),
        ({"hourly_rate": "a lot"}, "Give an amount in pounds, like 21.50."),
        ({"budget": "1000000.01"}, "That is over £1,000,000. Check the figure."),
        ({"budget": "9" * 40}, "That number is too long. Check the figure."),
        ({"weekly_hours": "169"}, "A week has 168 hours: give a number from 0 to 168."),
        ({"ends_on": "2026-11-01"}, "The plan cannot end before it starts. Check the two days."),
        ({"agreed_by": ""}, "This field is required."),
    ],
)
def test_a_wrong_figure_is_explained_and_nothing_is_saved(personas, changes, message):
    _plan(personas)
    form = {
        "kind": "self_funded",
        "weekly_hours": "14",
        "hourly_rate": "21",
        "budget": "1500",
        "budget_period": "four_weeks",
        "period_starts_on": "2026-11-23",
        "agreed_by": "Jean",
        "agreed_how": "by phone",
        **changes,
    }
    page = signed_in(personas.carer).post(_url(personas, "money/change/"), form, expect=200)
    assert message in page.content.decode()
    assert Funding.objects.get().hourly_rate_pence == 2100


def test_the_family_cannot_change_the_plan(personas):
    _plan(personas)
    signed_in(personas.family).post(
        _url(personas, "money/change/"), {"hourly_rate": "1"}, expect=404
    )
    assert Funding.objects.get().hourly_rate_pence == 2100


def test_the_team_downloads_the_periods_visits(personas):
    _plan(personas)
    _visits(personas, 3)
    answer = signed_in(personas.carer).get(_url(personas, "money.csv"))
    lines = answer.content.decode().splitlines()
    assert lines[0] == "Day,Minutes of care,Times from,Cost (£),Happened"
    assert lines[1] == "2026-11-23,600,the plan,210.00,yes"
    assert len(lines) == 4
    signed_in(personas.family).get(_url(personas, "money.csv"), expect=404)


def test_the_page_costs_the_same_queries_for_three_visits_or_three_hundred(
    personas, within_one_read_period
):
    _plan(personas)
    family = signed_in(personas.family)
    family.get(_url(personas))  # the look for this period is written once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            family.get(_url(personas))
        return len(captured)

    _visits(personas, 3)
    few = queries()
    _visits(personas, 300, minutes=30)
    assert queries() == few


def test_the_change_form_shows_the_days_a_date_field_can_read(personas):
    _plan(personas)
    page = signed_in(personas.carer).get(_url(personas, "money/change/")).content.decode()
    assert 'value="2026-11-23"' in page
