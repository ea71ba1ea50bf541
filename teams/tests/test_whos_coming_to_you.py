""" "Who's coming" said to the person themself: "Angela is with you now", not "... with Jean".

The family's panel and the person's are one live fragment (the person is in the circle), so
every item carries both sentences and the page shows one. What is said to the person never
says more than the family may read.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from core.tests.http import signed_in
from core.tests.sockets import published
from families.services.sharing import sharing_update
from teams.rota import lateness, selectors, services
from teams.rota.clock import local_today
from teams.tests.rota_helpers import open_visit

EIGHT_AM_LONDON = dt.datetime(2026, 6, 17, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _eight_in_the_morning(time_machine):
    time_machine.move_to(EIGHT_AM_LONDON, tick=False)


def _todays_visit(personas):
    return open_visit(
        personas,
        day=local_today(),
        carer_ids=[personas.carer.pk],
        window_start=dt.time(8),
        window_end=dt.time(10),
        window_label="",
    )


def _said(personas) -> list[tuple[str, str]]:
    personas.person.refresh_from_db()
    return [(str(c.sentence), str(c.to_you)) for c in selectors.whos_coming(personas.person)]


def _share_check_ins(personas, share: bool = True) -> None:
    person = personas.person
    sharing_update(
        actor=personas.person_user,
        person_id=person.pk,
        shared_with_circle=person.notes_shared_with_circle_by_default,
        circle_kinds=person.circle_note_kinds,
        share_check_ins=share,
    )


def test_a_planned_visit_is_said_to_the_person_as_coming_to_see_them(personas):
    _todays_visit(personas)
    [(about, to_you)] = _said(personas)
    assert about == "Angela is coming this morning, between 8 and 10."
    assert to_you == "Angela is coming to see you this morning, between 8 and 10."


def test_running_late_is_said_to_the_person(personas):
    visit = _todays_visit(personas)
    lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=20)
    [(about, to_you)] = _said(personas)
    assert about == "Angela is running about 20 minutes late and will be with Jean around 8.20."
    assert to_you == "Angela is running about 20 minutes late and will be with you around 8.20."


def test_in_welsh_running_late_is_said_to_the_person_in_welsh(personas):
    visit = _todays_visit(personas)
    lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=20)
    with translation.override("cy"):
        [(_, to_you)] = _said(personas)
    assert to_you == "Mae Angela tua 20 munud yn hwyr a bydd gyda chi tua 8.20."


def test_a_carer_who_is_there_is_with_you_now_only_if_the_person_shares_it(personas):
    visit = _todays_visit(personas)
    services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    # Not shared: the family is not told, and so neither sentence says it (both go out).
    [(about, to_you)] = _said(personas)
    assert "now" not in about and "now" not in to_you
    _share_check_ins(personas)
    assert _said(personas) == [("Angela is with Jean now.", "Angela is with you now.")]


def test_a_visit_done_is_said_to_the_person_with_times_only_if_shared(personas, time_machine):
    visit = _todays_visit(personas)
    time_machine.move_to(EIGHT_AM_LONDON + dt.timedelta(minutes=5), tick=False)
    services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    time_machine.move_to(EIGHT_AM_LONDON + dt.timedelta(minutes=110), tick=False)
    lateness.visit_mark_done(actor=personas.carer, visit_id=visit.pk)
    assert _said(personas) == [
        ("Angela visited this morning.", "Angela came to see you this morning.")
    ]
    _share_check_ins(personas)
    assert _said(personas) == [
        (
            "Angela visited this morning, 8.05 to 9.50.",
            "Angela came to see you this morning, 8.05 to 9.50.",
        )
    ]


def test_the_live_panel_carries_both_and_each_page_shows_its_own(personas):
    visit = _todays_visit(personas)
    with published() as sent:
        lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=20)
    [circle] = [e for e in sent if e.audience == "circle"]
    assert "will be with Jean around 8.20." in circle.html
    assert "will be with you around 8.20." in circle.html

    page = reverse("person", args=[personas.person.pk])
    own = signed_in(personas.person_user).get(page).text
    family = signed_in(personas.family).get(page).text
    team = signed_in(personas.carer).get(page).text
    assert 'class="said-to-you"' in own
    assert 'class="said-to-you"' not in family and 'class="said-to-you"' not in team
    # The stylesheet shows the sentence said to the reader and hides the other.
    for html in (own, family):
        assert "will be with you around 8.20." in html and "will be with Jean" in html
