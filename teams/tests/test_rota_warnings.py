"""Rota warnings: they warn and never block."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teams.models import AgreedHours, Availability, Membership
from teams.rota import services
from teams.rota.warnings import (
    Slot,
    area_jumps,
    double_bookings,
    postcode_area,
    short_rests,
    unavailable_entry,
    visit_warnings,
    week_minutes,
)
from teams.tests.rota_helpers import open_visit, teammate

MONDAY = dt.date(2027, 1, 4)


def codes(visit, carer):
    return {w.code for w in visit_warnings(visit, carer=carer)}


def test_a_quiet_week_has_no_warnings_but_a_new_face(personas):
    visit = open_visit(personas, day=MONDAY)
    assert codes(visit, personas.carer) == {"new_face"}


def test_someone_who_visited_before_is_not_a_new_face(personas):
    open_visit(personas, day=MONDAY - dt.timedelta(days=7), carer_ids=[personas.carer.pk])
    visit = open_visit(personas, day=MONDAY)
    assert "new_face" not in codes(visit, personas.carer)


def test_double_booking_warns_and_still_lets_the_claim_through(personas):
    open_visit(personas, day=MONDAY, person=personas.neighbour, carer_ids=[personas.carer.pk])
    visit = open_visit(personas, day=MONDAY)
    assert "double_booking" in codes(visit, personas.carer)
    services.visit_claim(actor=personas.carer, visit_id=visit.pk)  # not blocked


def test_unavailable_warns_with_the_reason(personas):
    services.availability_set(
        actor=personas.carer, team_id=personas.team.pk, kind="cannot", weekday=0, reason="Course"
    )
    visit = open_visit(personas, day=MONDAY)
    found = visit_warnings(visit, carer=personas.carer)
    message = next(w.message for w in found if w.code == "unavailable")
    assert "Course" in message


def test_a_one_off_yes_lifts_the_weekly_no(personas):
    services.availability_set(
        actor=personas.carer, team_id=personas.team.pk, kind="cannot", weekday=0
    )
    services.availability_set(
        actor=personas.carer, team_id=personas.team.pk, kind="can", date=MONDAY
    )
    visit = open_visit(personas, day=MONDAY)
    assert "unavailable" not in codes(visit, personas.carer)


def test_over_the_agreed_hours_warns(personas):
    AgreedHours.objects.create(
        membership=Membership.objects.get(user=personas.carer), weekly_hours=Decimal(2)
    )
    for day in range(2):
        open_visit(personas, day=MONDAY + dt.timedelta(days=day), carer_ids=[personas.carer.pk])
    visit = open_visit(personas, day=MONDAY + dt.timedelta(days=3), minutes=30)
    found = visit_warnings(visit, carer=personas.carer)
    message = next(w.message for w in found if w.code == "over_hours")
    assert "2.5 hours" in message and "the 2 they agreed" in message


def test_a_late_night_then_an_early_start_warns_about_rest(personas):
    open_visit(
        personas,
        day=MONDAY,
        window_start=dt.time(21),
        window_end=dt.time(23),
        carer_ids=[personas.carer.pk],
    )
    early = open_visit(
        personas, day=MONDAY + dt.timedelta(days=1), window_start=dt.time(7), window_end=dt.time(8)
    )
    assert "short_rest" in codes(early, personas.carer)
    later = open_visit(
        personas,
        day=MONDAY + dt.timedelta(days=1),
        window_start=dt.time(11),
        window_end=dt.time(12),
        person=personas.neighbour,
    )
    assert "short_rest" not in codes(later, personas.carer)


def test_warnings_are_about_the_carer_asked_about(personas):
    bea = teammate(personas)
    open_visit(personas, day=MONDAY, person=personas.neighbour, carer_ids=[bea.pk])
    visit = open_visit(personas, day=MONDAY)
    assert "double_booking" in codes(visit, bea)
    assert "double_booking" not in codes(visit, personas.carer)


@pytest.mark.parametrize(
    ("postcode", "area"),
    [("SE15 4AB", "SE15"), ("se154ab", "SE15"), ("  M1  1AE ", "M1"), ("", ""), (None, "")],
)
def test_postcode_area(postcode, area):
    class Somewhere:
        postcode: str

    place = Somewhere()
    place.postcode = postcode
    assert postcode_area(place) == area


def test_people_without_a_postcode_have_no_area():
    assert postcode_area(object()) == ""


# Properties ------------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2029, 12, 31))
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
slots = st.builds(
    Slot,
    day=days,
    start=times,
    minutes=st.integers(5, 240),
    area=st.sampled_from(["", "SE15", "SE22"]),
)


@given(a=slots, b=slots)
def test_double_booking_is_symmetric_and_means_overlap(a, b):
    assert bool(double_bookings(a, [b])) == bool(double_bookings(b, [a]))
    assert bool(double_bookings(a, [b])) == (a.begins < b.ends and b.begins < a.ends)


@given(a=slots)
def test_a_visit_always_clashes_with_itself_and_never_with_the_next_day_morning(a):
    assert double_bookings(a, [a])


@given(a=slots, others=st.lists(slots, max_size=6))
def test_week_minutes_add_up_the_visits_of_its_week_only(a, others):
    def monday(day):
        return day - dt.timedelta(days=day.weekday())

    same_week = [o for o in others if monday(o.day) == monday(a.day)]
    assert week_minutes(a, others) == a.minutes + sum(o.minutes for o in same_week)
    three_weeks_on = [
        Slot(day=o.day + dt.timedelta(weeks=3), start=o.start, minutes=o.minutes) for o in same_week
    ]
    assert week_minutes(a, three_weeks_on) == a.minutes


@given(a=slots, b=slots)
def test_short_rest_only_between_neighbouring_days_and_under_eleven_hours(a, b):
    gaps = short_rests(a, [b])
    if abs((a.day - b.day).days) != 1:
        assert gaps == []
    for finished, started in gaps:
        assert started - finished < dt.timedelta(hours=11)


@given(a=slots, b=slots)
def test_area_jumps_need_two_known_different_areas_on_one_day(a, b):
    if area_jumps(a, [b]):
        assert a.area and b.area and a.area != b.area and a.day == b.day


@given(day=days, start=times, minutes=st.integers(5, 120))
def test_a_whole_day_no_always_covers_and_a_one_off_yes_always_lifts_it(day, start, minutes):
    slot = Slot(day=day, start=start, minutes=minutes)
    weekly_no = Availability(kind="cannot", weekday=day.weekday())
    assert unavailable_entry(slot, [weekly_no]) is weekly_no
    assert unavailable_entry(slot, [weekly_no, Availability(kind="can", date=day)]) is None
    other_day = Availability(kind="cannot", weekday=(day.weekday() + 1) % 7)
    assert unavailable_entry(slot, [other_day]) is None


def test_rest_is_measured_in_real_hours_across_the_clock_change():
    # Clocks go back on Sunday 31 October 2027: 10.5 hours on the clock are 11.5 real hours.
    saturday = Slot(day=dt.date(2027, 10, 30), start=dt.time(20), minutes=60)
    sunday = Slot(day=dt.date(2027, 10, 31), start=dt.time(7, 30), minutes=60)
    assert short_rests(sunday, [saturday]) == []
    # Clocks go forward on Sunday 28 March 2027: 11.5 hours on the clock are 10.5 real hours.
    saturday = Slot(day=dt.date(2027, 3, 27), start=dt.time(21), minutes=60)
    sunday = Slot(day=dt.date(2027, 3, 28), start=dt.time(9, 30), minutes=60)
    assert len(short_rests(sunday, [saturday])) == 1


def test_an_hour_long_visit_is_an_hour_long_on_the_night_the_clocks_go_back():
    night = Slot(day=dt.date(2027, 10, 31), start=dt.time(0, 30), minutes=120)
    assert night.ends - night.begins == dt.timedelta(hours=2)
    # 00:30 BST plus two hours is 01:30 GMT, the second of the two 01:30s that night.
    ends = night.ends.astimezone(ZoneInfo("Europe/London"))
    assert (ends.hour, ends.minute, ends.utcoffset()) == (1, 30, dt.timedelta(0))
    # ...so a visit at the first 01:30 overlaps it, though on the clock both "end" at 01:30.
    first_half_past_one = Slot(day=dt.date(2027, 10, 31), start=dt.time(1, 30), minutes=10)
    assert double_bookings(first_half_past_one, [night])
