"""Writes to the rota, walked through by each persona."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from core.models import Event
from core.tests.sockets import published
from teams.models import Availability, Offer, RotaChange, Visit
from teams.rota import services
from teams.tests.rota_helpers import MORNING, open_visit, soon, teammate

STRANGERS = ["other_carer", "family", "professional", "person_user", "outsider"]


def test_a_carer_adds_an_open_visit_and_it_is_recorded(personas):
    visit = open_visit(personas)
    assert visit.status == Visit.Status.OPEN
    assert visit.team == personas.team
    change = RotaChange.objects.get(visit=visit)
    assert change.kind == RotaChange.Kind.VISIT_CREATED
    assert change.actor == personas.carer


def test_a_visit_with_a_carer_is_assigned(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk, bea.pk])
    assert visit.status == Visit.Status.ASSIGNED
    assert (visit.carer, visit.second_carer) == (personas.carer, bea)


@pytest.mark.parametrize("who", STRANGERS)
def test_nobody_outside_the_team_can_add_a_visit(personas, who):
    with pytest.raises(Http404):
        services.visit_create(
            actor=personas.all_users()[who],
            person_id=personas.person.pk,
            date=soon(),
            minutes=60,
            purpose="Tea",
            **MORNING,
        )
    assert not Visit.objects.exists()


@pytest.mark.parametrize("who", STRANGERS)
def test_nobody_outside_the_team_can_claim_offer_skip_or_move(personas, who):
    visit = open_visit(personas)
    user = personas.all_users()[who]
    for call in (
        lambda: services.visit_claim(actor=user, visit_id=visit.pk),
        lambda: services.visit_skip(actor=user, visit_id=visit.pk),
        lambda: services.visit_offer(actor=user, visit_id=visit.pk),
        lambda: services.visit_move(
            actor=user,
            visit_id=visit.pk,
            date=soon(4),
            **{k: v for k, v in MORNING.items() if k != "window_label"},
        ),
    ):
        with pytest.raises(Http404):
            call()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.OPEN and visit.carer is None


def test_a_missing_visit_reads_exactly_like_another_teams(personas):
    visit = open_visit(personas)
    with pytest.raises(Http404):
        services.visit_claim(actor=personas.carer, visit_id=visit.pk + 1000)
    with pytest.raises(Http404):
        services.visit_claim(actor=personas.other_carer, visit_id=visit.pk)


def test_a_carer_who_left_the_team_can_no_longer_claim(personas):
    from django.utils import timezone

    visit = open_visit(personas)
    personas.carer.memberships.update(left_at=timezone.now())
    with pytest.raises(Http404):
        services.visit_claim(actor=personas.carer, visit_id=visit.pk)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"window_start": dt.time(11), "window_end": dt.time(9)}, "window_end"),
        ({"window_start": dt.time(9), "window_end": dt.time(9)}, "window_end"),
        (
            {"window_start": dt.time(9), "window_end": dt.time(11), "exact_time": dt.time(12)},
            "exact_time",
        ),
        ({"window_start": dt.time(9), "window_end": dt.time(11), "minutes": 0}, "minutes"),
        ({"window_start": dt.time(9), "window_end": dt.time(11), "purpose": "  "}, "purpose"),
    ],
)
def test_bad_times_are_refused_with_a_clear_message_and_nothing_saved(personas, fields, field):
    values = {"minutes": 60, "purpose": "Tea", **fields}
    with pytest.raises(ValidationError) as caught:
        services.visit_create(
            actor=personas.carer, person_id=personas.person.pk, date=soon(), **values
        )
    assert field in caught.value.message_dict
    assert not Visit.objects.exists()
    assert not RotaChange.objects.exists()


def test_a_time_the_clocks_skip_is_refused(personas):
    spring_forward = dt.date(2027, 3, 28)  # last Sunday of March 2027
    with pytest.raises(ValidationError) as caught:
        services.visit_create(
            actor=personas.carer,
            person_id=personas.person.pk,
            date=spring_forward,
            window_start=dt.time(1, 15),
            window_end=dt.time(3),
            minutes=30,
            purpose="Night check",
        )
    assert "clocks go forward" in caught.value.message_dict["window_start"][0]
    # The same times are fine the day before.
    services.visit_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        date=spring_forward - dt.timedelta(days=1),
        window_start=dt.time(1, 15),
        window_end=dt.time(3),
        minutes=30,
        purpose="Night check",
    )


def test_carers_must_be_in_the_team(personas):
    with pytest.raises(ValidationError):
        open_visit(personas, carer_ids=[personas.other_carer.pk])
    with pytest.raises(ValidationError):
        bea = teammate(personas)
        cy = teammate(personas, "Cy Third")
        open_visit(personas, carer_ids=[personas.carer.pk, bea.pk, cy.pk])


# Claiming ---------------------------------------------------------------------------------------


def test_claiming_an_open_visit_makes_it_yours(personas):
    bea = teammate(personas)
    visit = open_visit(personas)
    claimed = services.visit_claim(actor=bea, visit_id=visit.pk)
    assert claimed.carer == bea
    assert claimed.status == Visit.Status.ASSIGNED
    change = RotaChange.objects.get(kind=RotaChange.Kind.VISIT_CLAIMED)
    assert change.before["carer_id"] is None and change.after["carer_id"] == bea.pk


def test_the_second_claimer_is_told_who_got_it(personas):
    bea = teammate(personas)
    visit = open_visit(personas)
    services.visit_claim(actor=bea, visit_id=visit.pk)
    with pytest.raises(services.AlreadyTaken) as caught:
        services.visit_claim(actor=personas.carer, visit_id=visit.pk)
    assert caught.value.taken_by == bea
    assert "Bea Colleague has already taken this visit." in caught.value.messages
    visit.refresh_from_db()
    assert visit.carer == bea
    assert RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_CLAIMED).count() == 1


def test_a_cancelled_visit_cannot_be_claimed(personas):
    visit = open_visit(personas)
    services.visit_skip(actor=personas.carer, visit_id=visit.pk)
    with pytest.raises(ValidationError, match="cancelled"):
        services.visit_claim(actor=personas.carer, visit_id=visit.pk)


# Offers -----------------------------------------------------------------------------------------


def test_offering_to_the_team_and_a_colleague_accepting_swaps_the_carer(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk, note="Dentist")
    swapped = services.offer_accept(actor=bea, offer_id=offer.pk)
    assert swapped.carer == bea
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and offer.accepted_by == bea
    kinds = list(RotaChange.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == [RotaChange.Kind.OFFER_MADE, RotaChange.Kind.OFFER_ACCEPTED]


def test_the_second_carer_can_offer_their_place(personas):
    bea = teammate(personas)
    cy = teammate(personas, "Cy Third")
    visit = open_visit(personas, carer_ids=[personas.carer.pk, bea.pk])
    offer = services.visit_offer(actor=bea, visit_id=visit.pk)
    swapped = services.offer_accept(actor=cy, offer_id=offer.pk)
    assert (swapped.carer, swapped.second_carer) == (personas.carer, cy)


def test_an_offer_to_a_named_colleague_is_theirs_alone(personas):
    bea = teammate(personas)
    cy = teammate(personas, "Cy Third")
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk, to_user_id=bea.pk)
    with pytest.raises(ValidationError, match="someone else"):
        services.offer_accept(actor=cy, offer_id=offer.pk)
    assert services.offer_accept(actor=bea, offer_id=offer.pk).carer == bea


def test_only_someone_going_can_offer_a_visit(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    with pytest.raises(ValidationError, match="Only someone going"):
        services.visit_offer(actor=bea, visit_id=visit.pk)


def test_offering_to_someone_outside_the_team_is_refused(personas):
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    with pytest.raises(ValidationError):
        services.visit_offer(actor=personas.carer, visit_id=visit.pk, to_user_id=personas.family.pk)
    assert not Offer.objects.exists()


def test_accepting_a_withdrawn_offer_says_so_and_changes_nothing(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    services.offer_withdraw(actor=personas.carer, offer_id=offer.pk)
    changes = RotaChange.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.offer_accept(actor=bea, offer_id=offer.pk)
    assert caught.value.messages == ["This offer was taken back, so nothing has changed."]
    visit.refresh_from_db()
    offer.refresh_from_db()
    assert visit.carer == personas.carer
    assert offer.status == Offer.Status.WITHDRAWN
    assert RotaChange.objects.count() == changes


def test_an_offer_taken_already_tells_the_next_one_who(personas):
    bea = teammate(personas)
    cy = teammate(personas, "Cy Third")
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    services.offer_accept(actor=bea, offer_id=offer.pk)
    with pytest.raises(services.AlreadyTaken) as caught:
        services.offer_accept(actor=cy, offer_id=offer.pk)
    assert caught.value.taken_by == bea
    with pytest.raises(services.AlreadyTaken):
        services.offer_withdraw(actor=personas.carer, offer_id=offer.pk)


def test_only_the_offerer_can_withdraw(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    with pytest.raises(ValidationError):
        services.offer_withdraw(actor=bea, offer_id=offer.pk)
    with pytest.raises(Http404):
        services.offer_withdraw(actor=personas.other_carer, offer_id=offer.pk)


def test_one_open_offer_per_visit(personas):
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    with pytest.raises(ValidationError, match="already been offered"):
        services.visit_offer(actor=personas.carer, visit_id=visit.pk)


# Skip, move and undo ---------------------------------------------------------------------------


def test_moving_a_visit_keeps_its_place_and_undo_puts_it_back(personas):
    visit = open_visit(personas)
    services.visit_move(
        actor=personas.carer,
        visit_id=visit.pk,
        date=soon(5),
        window_start=dt.time(14),
        window_end=dt.time(16),
    )
    visit.refresh_from_db()
    assert (visit.date, visit.window_start) == (soon(5), dt.time(14))
    change = RotaChange.objects.get(kind=RotaChange.Kind.VISIT_MOVED)
    services.change_undo(actor=personas.carer, change_id=change.pk)
    visit.refresh_from_db()
    assert (visit.date, visit.window_start, visit.window_end) == (soon(), dt.time(9), dt.time(11))
    with pytest.raises(ValidationError, match="already been undone"):
        services.change_undo(actor=personas.carer, change_id=change.pk)


def test_undo_refuses_when_the_visit_changed_again(personas):
    bea = teammate(personas)
    visit = open_visit(personas)
    services.visit_claim(actor=bea, visit_id=visit.pk)
    claim = RotaChange.objects.get(kind=RotaChange.Kind.VISIT_CLAIMED)
    services.visit_skip(actor=bea, visit_id=visit.pk)
    with pytest.raises(ValidationError, match="changed again"):
        services.change_undo(actor=personas.carer, change_id=claim.pk)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED and visit.carer == bea


def test_undoing_an_accepted_offer_gives_the_visit_back(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    services.offer_accept(actor=bea, offer_id=offer.pk)
    accepted = RotaChange.objects.get(kind=RotaChange.Kind.OFFER_ACCEPTED)
    undo = services.change_undo(actor=bea, change_id=accepted.pk)
    visit.refresh_from_db()
    assert visit.carer == personas.carer
    assert undo.kind == RotaChange.Kind.UNDONE and undo.undoes == accepted


def test_undoing_a_new_visit_cancels_it(personas):
    visit = open_visit(personas)
    created = RotaChange.objects.get(kind=RotaChange.Kind.VISIT_CREATED)
    services.change_undo(actor=personas.carer, change_id=created.pk)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED


def test_undo_is_for_the_team_only(personas):
    open_visit(personas)
    created = RotaChange.objects.get()
    for who in STRANGERS:
        with pytest.raises(Http404):
            services.change_undo(actor=personas.all_users()[who], change_id=created.pk)


def test_an_undo_cannot_itself_be_undone(personas):
    open_visit(personas)
    undo = services.change_undo(actor=personas.carer, change_id=RotaChange.objects.get().pk)
    with pytest.raises(ValidationError):
        services.change_undo(actor=personas.carer, change_id=undo.pk)


# Availability ----------------------------------------------------------------------------------


def test_a_carer_marks_a_weekday_they_cannot_work(personas):
    entry = services.availability_set(
        actor=personas.carer,
        team_id=personas.team.pk,
        kind=Availability.Kind.CANNOT,
        weekday=2,
        reason="School run",
    )
    assert entry.user == personas.carer and entry.weekday == 2
    assert RotaChange.objects.get().availability_id == entry.pk
    services.change_undo(actor=personas.carer, change_id=RotaChange.objects.get().pk)
    assert not Availability.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"date": dt.date(2027, 1, 4), "weekday": 1},
        {"weekday": 9},
        {"date": dt.date(2027, 1, 4), "start_time": dt.time(9)},
        {"date": dt.date(2027, 1, 4), "start_time": dt.time(9), "end_time": dt.time(8)},
    ],
)
def test_unclear_availability_is_refused(personas, fields):
    with pytest.raises(ValidationError):
        services.availability_set(
            actor=personas.carer, team_id=personas.team.pk, kind="cannot", **fields
        )
    assert not Availability.objects.exists()


@pytest.mark.parametrize("who", STRANGERS)
def test_availability_is_for_team_members(personas, who):
    with pytest.raises(Http404):
        services.availability_set(
            actor=personas.all_users()[who],
            team_id=personas.team.pk,
            kind="cannot",
            date=dt.date(2027, 1, 4),
        )


# Telling open pages ----------------------------------------------------------------------------


def test_a_change_tells_the_team_and_tells_the_circle_only_whos_coming(personas):
    bea = teammate(personas)
    visit = open_visit(personas)
    with published() as sent:
        services.visit_claim(actor=bea, visit_id=visit.pk)
    events = {e.audience: e for e in sent}
    assert set(events) == {"team", "circle"}
    assert f'id="cell-{personas.person.pk}-' in events["team"].html
    circle = events["circle"].html
    assert f'id="whos-coming-{personas.person.pk}"' in circle
    assert "Bea is coming" in circle
    # Nothing for the team only reaches the circle: no purpose, no grid, no offers.
    assert "cup of tea" not in circle and "cell-" not in circle


def test_offers_are_told_to_the_team_only(personas):
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    before = Event.objects.count()
    with published() as events:
        services.visit_offer(actor=personas.carer, visit_id=visit.pk, note="Dentist")
    assert [e.audience for e in events] == ["team"]
    assert [e.audience for e in Event.objects.order_by("pk")[before:]] == ["team"]
    assert "Dentist" in events[0].html


def test_goal_and_hours_are_checked_and_for_the_team(personas):
    from decimal import Decimal

    with pytest.raises(ValidationError):
        services.continuity_goal_set(actor=personas.carer, team_id=personas.team.pk, goal=0)
    with pytest.raises(ValidationError):
        services.agreed_hours_set(
            actor=personas.carer, team_id=personas.team.pk, weekly_hours=Decimal(0)
        )
    for who in STRANGERS:
        with pytest.raises(Http404):
            services.continuity_goal_set(
                actor=personas.all_users()[who], team_id=personas.team.pk, goal=3
            )
        with pytest.raises(Http404):
            services.agreed_hours_set(
                actor=personas.all_users()[who], team_id=personas.team.pk, weekly_hours=Decimal(9)
            )
    assert (
        services.continuity_goal_set(
            actor=personas.carer, team_id=personas.team.pk, goal=5
        ).continuity_goal
        == 5
    )
    assert services.rota_settings_for(personas.team).continuity_goal == 5
