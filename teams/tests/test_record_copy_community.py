"""The copy of a person's record holds their connections in the neighbourhood and how their
care is paid for: "everything Kith holds about you" leaves nothing of theirs out."""

import datetime as dt
import json
from decimal import Decimal

from django.template.loader import render_to_string

from families import record_export
from families import services as family_services
from families.access import person_access_or_404
from teams.directory import services
from teams.funding.models import Funding
from teams.funding.services import funding_save
from teams.tests.directory_helpers import entry


def _copy(personas, reader) -> dict:
    access = person_access_or_404(reader, personas.person.pk)
    data, _photos = record_export.collect(personas.person, access)
    return json.loads(json.dumps(data))  # exactly what record.json holds


def test_the_copy_holds_each_connection_with_its_interest_goal_and_notes(personas):
    choir = entry(personas)
    goal = family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Go back to the choir"
    )
    connection = services.connection_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        entry_id=choir.pk,
        interest="singing",
        outcome_id=goal.pk,
    )
    note = services.moment_create(
        actor=personas.family, connection_id=connection.pk, body="Mum sang at the choir today."
    )
    data = _copy(personas, personas.person_user)
    assert data["version"] == 4
    [held] = data["connections"]
    assert held["name"] == "St Mary's community choir"
    assert (held["interest"], held["outcome_id"], held["note_ids"]) == (
        "singing",
        goal.pk,
        [note.pk],
    )
    assert held["when"] == "Thursdays, 2 to 4 pm" and held["added_by"] == "Angela Carer"
    html = render_to_string(
        "frontend/export/record.html", {"record": data, "person": personas.person}
    )
    assert "St Mary&#x27;s community choir" in html and "(singing)" in html


def test_the_copy_holds_how_care_is_paid_for_as_agreed(personas):
    assert _copy(personas, personas.carer)["funding"] is None
    funding_save(
        person=personas.person,
        by=personas.carer,
        kind=Funding.Kind.DIRECT_PAYMENT,
        weekly_hours=Decimal("14"),
        hourly_rate_pence=2100,
        budget_pence=150_000,
        budget_period=Funding.Period.FOUR_WEEKS,
        period_starts_on=dt.date(2026, 11, 23),
        ends_on=None,
        seen_by_kinds=["family"],
        agreed_by="Jean",
        agreed_how="at her review, with Sarah",
    )
    funding = _copy(personas, personas.carer)["funding"]
    assert funding["kind"] == "direct_payment" and funding["weekly_hours"] == "14.00"
    assert (funding["hourly_rate_pence"], funding["budget_pence"]) == (2100, 150_000)
    assert "person_id" not in funding
    html = render_to_string(
        "frontend/export/record.html",
        {"record": _copy(personas, personas.carer), "person": personas.person},
    )
    assert "14 hours a week, agreed by Jean, at her review, with Sarah." in html
