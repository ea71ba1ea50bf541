import csv
import datetime as dt
import io

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.http import signed_in
from families import services as family_services
from families.services.about_me import about_me_write
from teams.directory import services
from teams.models import DirectoryEntry
from teams.tests.directory_helpers import entry, same_organisation

pytestmark = pytest.mark.django_db


def test_the_team_finds_the_directory_in_its_menu(personas):
    page = signed_in(personas.carer).get(reverse("home")).text
    assert reverse("directory", args=[personas.team.pk]) in page
    assert ">Directory</a>" in page


def test_search_by_words_and_postcode_area(personas):
    entry(personas, name="St Mary's community choir", postcode="LS6 2AB")
    elsewhere = {"what": "", "when_text": "Saturdays", "where": "The park"}
    entry(personas, name="Community garden", keywords="gardening", postcode="LS60 1AA", **elsewhere)
    entry(personas, name="Bowls club", keywords="bowls", postcode="BD1 1AA", **elsewhere)
    client = signed_in(personas.carer)
    url = reverse("directory", args=[personas.team.pk])
    page = client.get(url, {"words": "choir"}).text
    assert "St Mary" in page and "Community garden" not in page
    page = client.get(url, {"postcode_area": "ls6"}).text
    assert "St Mary" in page and "Community garden" not in page and "Bowls" not in page
    page = client.get(url, {"postcode_area": "LS"}).text
    assert "St Mary" in page and "Community garden" in page and "Bowls" not in page
    page = client.get(url, {"words": "zebra"}).text
    assert "Nothing matches" in page


def test_adding_a_duplicate_warns_and_saves_nothing_until_agreed(personas):
    first = entry(personas, name="Riverside memory café")
    client = signed_in(personas.carer)
    url = reverse("directory_add", args=[personas.team.pk])
    form = {"kind": "group", "name": "Riverside Memory Cafe", "postcode": ""}
    page = client.post(url, form | {"name": "riverside memory café"}, expect=200).text
    assert "already in the directory" in page
    assert reverse("directory_entry", args=[first.pk]) in page  # a way to look at it first
    assert DirectoryEntry.objects.count() == 1
    client.post(url, form | {"name": "riverside memory café", "duplicate_ok": "on"}, expect=302)
    assert DirectoryEntry.objects.count() == 2


def test_editing_keeps_the_history_for_the_team(personas):
    choir = entry(personas)
    client = signed_in(personas.carer)
    data = {"kind": "group", "name": choir.name, "when_text": "Fridays", "cost": "£2"}
    client.post(reverse("directory_edit", args=[choir.pk]), data, expect=302)
    page = client.get(reverse("directory_entry", args=[choir.pk])).text
    assert "History" in page and "Changed" in page and "Fridays" in page


@time_machine.travel(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_a_lapsed_check_shows_as_needing_a_check(personas):
    provider = entry(personas, name="Dave's gardening round", kind="micro_provider")
    client = signed_in(personas.carer)
    client.post(
        reverse("directory_check", args=[provider.pk]),
        {"kind": "dbs", "last_confirmed": "2026-01-05"},
        expect=302,
    )
    page = client.get(reverse("directory_entry", args=[provider.pk])).text
    assert "last confirmed 5 January 2026" in page
    assert "needs a check" in page
    listing = client.get(reverse("directory", args=[personas.team.pk])).text
    assert "Needs a check" in listing


def test_a_family_member_suggests_and_never_sees_it_until_confirmed(personas):
    client = signed_in(personas.family)
    client.post(
        reverse("connection_suggest", args=[personas.person.pk]),
        {"kind": "group", "name": "Knit and natter", "where": "The library"},
        expect=302,
    )
    suggestion = DirectoryEntry.objects.get(name="Knit and natter")
    client.get(reverse("directory_entry", args=[suggestion.pk]), expect=404)
    page = client.get(reverse("person", args=[personas.person.pk])).text
    assert "Knit and natter" not in page
    team_page = signed_in(personas.carer).get(reverse("directory", args=[personas.team.pk])).text
    assert "Suggestions waiting for the team" in team_page and "Knit and natter" in team_page
    signed_in(personas.carer).post(reverse("directory_confirm", args=[suggestion.pk]), expect=302)
    assert "Knit and natter" in client.get(reverse("person", args=[personas.person.pk])).text


def test_the_person_page_shows_connections_and_explained_suggestions(personas):
    about_me_write(
        actor=personas.carer,
        person_id=personas.person.pk,
        sections={"what_matters": "Singing and my garden."},
    )
    choir = entry(personas)
    entry(personas, name="Community garden", keywords="gardening, garden", postcode="LS6 3CD")
    services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=choir.pk, interest="singing"
    )
    page = signed_in(personas.carer).get(reverse("person", args=[personas.person.pk])).text
    assert "Connections" in page and "St Mary" in page
    page = (
        signed_in(personas.carer).get(reverse("person_connections", args=[personas.person.pk])).text
    )
    assert "Community garden" in page
    assert "garden" in page and "near somewhere they already go" in page


def test_the_goal_page_shows_its_connection_and_the_moment(personas):
    choir = entry(personas)
    goal = family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Go back to the choir"
    )
    connection = services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=choir.pk, outcome_id=goal.pk
    )
    signed_in(personas.carer).post(
        reverse("connection_moment", args=[connection.pk]),
        {"body": "Jean sang at the choir today."},
        expect=302,
    )
    page = signed_in(personas.family).get(reverse("outcome_detail", args=[goal.pk])).text
    assert "In the neighbourhood" in page and "St Mary" in page
    assert "1 moment in the last 4 weeks" in page
    assert "Jean sang at the choir today." in page


def test_another_team_sees_what_was_shared_and_nobody_connected(personas):
    same_organisation(personas)
    shared = entry(personas, shared=True)
    private = entry(personas, name="Our own secret")
    services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=shared.pk
    )
    client = signed_in(personas.other_carer)
    listing = client.get(reverse("directory", args=[personas.other_team.pk])).text
    assert "St Mary" in listing and "Our own secret" not in listing
    assert "Shared by Riverside" in listing
    page = client.get(reverse("directory_entry", args=[shared.pk])).text
    assert "Jean" not in page
    client.get(reverse("directory_entry", args=[private.pk]), expect=404)


def test_the_spreadsheet_is_formula_safe_and_names_nobody(personas):
    choir = entry(personas, name="=HYPERLINK(1)", contact="+44 113")
    services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=choir.pk
    )
    response = signed_in(personas.carer).get(reverse("directory_csv", args=[personas.team.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert "'+44 113" in rows[1]
    assert "Jean" not in response.content.decode()


def test_the_calendar_feed_repeats_each_week_in_london_time(personas):
    entry(personas, weekday=3, starts_at=dt.time(14), ends_at=dt.time(16))
    entry(personas, name="Now and then", when_text="Now and then")
    response = signed_in(personas.carer).get(reverse("directory_ics", args=[personas.team.pk]))
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["St Mary's community choir"]
    rule = events[0]["rrule"]
    assert isinstance(rule, icalendar.vRecur)
    assert rule["FREQ"] == ["WEEKLY"]
    starts = events[0].decoded("dtstart")
    assert (starts.weekday(), starts.hour, str(starts.tzinfo)) == (3, 14, "Europe/London")
    assert list(calendar.walk("VTIMEZONE"))


def test_the_quiet_list_gently_names_people_without_community_contact(personas):
    choir = entry(personas)
    connection = services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=choir.pk
    )
    services.moment_create(actor=personas.carer, connection_id=connection.pk, body="Sang")
    page = signed_in(personas.carer).get(reverse("directory_quiet", args=[personas.team.pk])).text
    assert "Neville Neighbour" in page
    assert "Jean" not in page
    assert "not a target" in page


def _queries_for_directory(client, team_id: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("directory", args=[team_id]))
    return len(queries)


def test_the_directory_costs_the_same_queries_for_200_entries_as_for_2(personas):
    same_organisation(personas)
    client = signed_in(personas.carer)
    client.get(reverse("home"))  # the first request after signing in renews the session
    for n in range(2):
        entry(personas, name=f"Group {n}", kind="micro_provider")
    few = _queries_for_directory(client, personas.team.pk)
    today = dt.date(2026, 1, 1)
    for n in range(2, 200):
        made = entry(personas, name=f"Group {n}", kind="micro_provider" if n % 2 else "group")
        if n % 2:
            services.check_confirm(
                actor=personas.carer, entry_id=made.pk, kind="dbs", last_confirmed=today
            )
        if n % 3 == 0:
            services.connection_create(
                actor=personas.carer, person_id=personas.person.pk, entry_id=made.pk
            )
    entry(personas, name="Theirs", shared=True)
    many = _queries_for_directory(client, personas.team.pk)
    assert many == few, "the directory must not ask the database once per entry"
