"""A visit as it happens: running late, "I can't make it", and marking it done.

The clock stands at 08:00 in London on an ordinary Wednesday in June, and Jean's visit today
is agreed for 8 to 10, so "about 20 minutes late" means around 8.20 whatever day the tests run.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from core.models import AuditEntry, PushMessage, PushNews, PushPreferences, PushSubscription
from core.push.services import push_news_expand
from core.tests.sockets import published
from families.services.sharing import sharing_update
from teams.models import Offer, RotaChange, Visit
from teams.rota import lateness, selectors, services
from teams.rota.clock import local_today
from teams.tests.rota_helpers import open_visit, soon, teammate

EIGHT_AM_LONDON = dt.datetime(2026, 6, 17, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _eight_in_the_morning(time_machine):
    time_machine.move_to(EIGHT_AM_LONDON, tick=False)


def _todays_visit(personas, carer=None, **extra):
    fields = {"window_start": dt.time(8), "window_end": dt.time(10), "window_label": "", **extra}
    return open_visit(
        personas, day=local_today(), carer_ids=[(carer or personas.carer).pk], **fields
    )


def _phone(user) -> PushSubscription:
    return PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example/{user.pk}", p256dh="x" * 87, auth="y" * 22
    )


def _pushed(user, kind: str = "running_late") -> list[dict]:
    push_news_expand()  # what the push worker does moments after the change
    return [
        m.payload
        for m in PushMessage.objects.filter(subscription__user=user, kind=kind).order_by("pk")
    ]


def _sentences(person) -> list[str]:
    person.refresh_from_db()  # the person's sharing choices as they are now
    return [str(c.sentence) for c in selectors.whos_coming(person)]


def _share_check_ins(personas) -> None:
    person = personas.person
    sharing_update(
        actor=personas.person_user,
        person_id=person.pk,
        shared_with_circle=person.notes_shared_with_circle_by_default,
        circle_kinds=person.circle_note_kinds,
        share_check_ins=True,
    )


# Running late -----------------------------------------------------------------------------------


def test_running_late_tells_the_family_in_plain_words(personas):
    visit = _todays_visit(personas)
    with published() as sent:
        lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=20)

    late = "Angela is running about 20 minutes late and will be with Jean around 8.20."
    assert _sentences(personas.person) == [late]
    [circle] = [e for e in sent if e.audience == "circle"]
    assert late in circle.html and "cup of tea" not in circle.html
    change = RotaChange.objects.get(kind=RotaChange.Kind.VISIT_LATE)
    assert change.actor == personas.carer and change.after["late_minutes"] == 20
    audit = AuditEntry.objects.filter(action=AuditEntry.Action.ROTA_CHANGED).latest("id")
    assert audit.person_id == personas.person.pk and audit.detail == {"change": "visit.late"}


def test_the_arrival_time_counts_from_when_it_was_said_once_the_visit_should_have_begun(
    personas, time_machine
):
    visit = _todays_visit(personas, exact_time=dt.time(8, 0))
    time_machine.move_to(EIGHT_AM_LONDON + dt.timedelta(minutes=12), tick=False)
    lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=30)
    # 8.12 and half an hour, to the nearest five minutes.
    assert "around 8.40." in _sentences(personas.person)[0]


def test_the_first_contact_in_the_family_is_told_by_default_and_others_when_they_ask(personas):
    visit = _todays_visit(personas)
    for user in (personas.carer, personas.family, personas.professional):
        _phone(user)
    # The request only writes the news: the worker works out whose phones hear it.
    lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=20)
    assert PushNews.objects.filter(kind="running_late").count() == 1
    assert PushMessage.objects.filter(kind="running_late").count() == 0

    [told] = _pushed(personas.family)
    pk = personas.person.pk
    assert told["title"] == "Angela is running late"
    assert told["body"] == "Open Kith to see it."  # nothing on a lock screen unless chosen
    assert told["url"] == f"/people/{pk}/#whos-coming-{pk}"  # opens at "Who's coming"
    assert _pushed(personas.professional) == []  # not the family's first contact
    assert _pushed(personas.carer) == []  # nobody is told of what they did themself

    PushPreferences.objects.create(user=personas.professional, running_late=True)
    PushPreferences.objects.create(user=personas.family, running_late=False)
    lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=30)
    assert len(_pushed(personas.professional)) == 1
    assert len(_pushed(personas.family)) == 1


@pytest.mark.parametrize(
    "problem",
    ["ended", "not_yours", "minutes", "tomorrow", "checked_in", "cancelled"],
)
def test_running_late_that_does_not_fit_says_why_and_changes_nothing(personas, problem):
    visit = _todays_visit(personas)
    actor, minutes, expected = personas.carer, 20, ""
    if problem == "ended":
        visit = _todays_visit(personas, window_start=dt.time(6), window_end=dt.time(7, 30))
        expected = "has ended"
    elif problem == "not_yours":
        actor, expected = teammate(personas), "not your visit"
    elif problem == "minutes":
        minutes, expected = 45, "about 10, 20 or 30 minutes"
    elif problem == "tomorrow":
        visit = open_visit(personas, day=soon(1), carer_ids=[personas.carer.pk])
        expected = "only on the day"
    elif problem == "checked_in":
        services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
        expected = "already said you are there"
    elif problem == "cancelled":
        services.visit_skip(actor=personas.carer, visit_id=visit.pk)
        expected = "cancelled"
    changes, news = RotaChange.objects.count(), PushNews.objects.count()

    with pytest.raises(ValidationError, match=expected):
        lateness.visit_running_late(actor=actor, visit_id=visit.pk, minutes=minutes)

    visit.refresh_from_db()
    assert visit.late_minutes is None and visit.late_at is None
    assert (RotaChange.objects.count(), PushNews.objects.count()) == (changes, news)


def test_a_visit_you_may_not_see_is_not_there(personas):
    visit = _todays_visit(personas)
    for who in ("other_carer", "family", "person_user", "outsider"):
        actor = personas.all_users()[who]
        with pytest.raises(Http404):
            lateness.visit_running_late(actor=actor, visit_id=visit.pk, minutes=20)
        with pytest.raises(Http404):
            lateness.visit_cant_make_it(actor=actor, visit_id=visit.pk)
        with pytest.raises(Http404):
            lateness.visit_mark_done(actor=actor, visit_id=visit.pk)
    visit.refresh_from_db()
    assert visit.carer == personas.carer and visit.late_minutes is None


# I can't make it --------------------------------------------------------------------------------


def test_cant_make_it_offers_the_visit_to_the_team_at_once_marked_urgent(personas):
    bea = teammate(personas)
    for user in (bea, personas.family):
        _phone(user)
    visit = _todays_visit(personas)
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    later = open_visit(personas, day=local_today())  # open, not urgent, earlier in the list

    with published() as sent:
        lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk)

    visit.refresh_from_db()
    assert (visit.status, visit.carer, visit.urgent) == (Visit.Status.OPEN, None, True)
    assert visit.cant_make_it_by == personas.carer
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    # Urgent first on the team's list of visits to take.
    listed = selectors.open_visits_in_teams([personas.team.pk], today=local_today(), days=7)
    assert [v.pk for v in listed][:2] == [visit.pk, later.pk]
    team_frames = [e.html for e in sent if e.audience == "team" and e.stream.startswith("team-")]
    # The offer leaves the team's open pages, and the visit arrives on them, urgent.
    assert any(f'<li id="offer-{offer.pk}" hx-swap-oob="delete">' in f for f in team_frames)
    [visit_frame] = [f for f in team_frames if f'id="open-visit-{visit.pk}"' in f]
    assert "Urgent" in visit_frame
    covering = (
        "Angela can't come this morning, between 8 and 10, so the team is finding someone "
        "else. You'll see who here."
    )
    assert covering in _sentences(personas.person)
    [team_push] = _pushed(bea, kind="rota")[-1:]
    assert team_push["title"] == "Urgent: a visit needs someone"
    assert team_push["url"] == f"/rota/visits/{visit.pk}/"
    [family_push] = _pushed(personas.family)
    assert family_push["title"] == "Jean's visit is being covered"
    change = RotaChange.objects.get(kind=RotaChange.Kind.VISIT_CANT_MAKE_IT)
    assert change.before["carer_id"] == personas.carer.pk and change.after["carer_id"] is None


def test_saying_it_twice_is_told_plainly_and_changes_nothing(personas):
    visit = _todays_visit(personas)
    lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk)
    changes = RotaChange.objects.count()
    with pytest.raises(ValidationError, match="already said you can't make it"):
        lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk)
    with pytest.raises(ValidationError, match="already said you can't make it"):
        lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=10)
    assert RotaChange.objects.count() == changes


def test_of_two_carers_going_the_other_keeps_the_visit(personas):
    bea = teammate(personas)
    visit = _todays_visit(personas)
    Visit.objects.filter(pk=visit.pk).update(second_carer=bea)
    lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk)
    visit.refresh_from_db()
    assert (visit.carer, visit.second_carer, visit.status) == (bea, None, Visit.Status.ASSIGNED)


def test_whoever_takes_the_urgent_visit_first_gets_it_and_the_family_hears_who(personas):
    kasia, mei = teammate(personas, "Kasia Nowicka"), teammate(personas, "Mei Chen")
    _phone(personas.family)
    visit = _todays_visit(personas)
    lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk)

    services.visit_claim(actor=kasia, visit_id=visit.pk)
    with pytest.raises(services.AlreadyTaken, match="Kasia Nowicka has already taken") as lost:
        services.visit_claim(actor=mei, visit_id=visit.pk)

    assert lost.value.taken_by == kasia
    assert _sentences(personas.person) == ["Kasia is coming this morning, between 8 and 10."]
    pushed = _pushed(personas.family)
    assert [p["title"] for p in pushed] == [
        "Jean's visit is being covered",
        "Kasia is coming instead",
    ]


# Done -------------------------------------------------------------------------------------------


def test_a_visit_marked_done_tells_the_family_when_it_was(personas, time_machine):
    _share_check_ins(personas)
    visit = _todays_visit(personas)
    time_machine.move_to(EIGHT_AM_LONDON + dt.timedelta(minutes=5), tick=False)
    services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    time_machine.move_to(EIGHT_AM_LONDON + dt.timedelta(minutes=110), tick=False)
    with published() as sent:
        lateness.visit_mark_done(actor=personas.carer, visit_id=visit.pk)

    visited = "Angela visited this morning, 8.05 to 9.50."
    assert _sentences(personas.person) == [visited]
    assert any(visited in e.html for e in sent if e.audience == "circle")
    assert RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_DONE).count() == 1
    # Pressed again (or sent again from a phone that was offline): nothing more.
    lateness.visit_mark_done(actor=personas.carer, visit_id=visit.pk)
    assert RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_DONE).count() == 1


def test_without_check_ins_shared_the_family_is_told_only_that_it_happened(personas):
    visit = _todays_visit(personas)
    services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    lateness.visit_mark_done(actor=personas.carer, visit_id=visit.pk)
    assert _sentences(personas.person) == ["Angela visited this morning."]


def test_a_visit_is_marked_done_only_after_saying_you_are_there(personas):
    visit = _todays_visit(personas)
    with pytest.raises(ValidationError, match="say you are there first"):
        lateness.visit_mark_done(actor=personas.carer, visit_id=visit.pk)
    with pytest.raises(ValidationError, match="not your visit"):
        lateness.visit_mark_done(actor=teammate(personas), visit_id=visit.pk)
    visit.refresh_from_db()
    assert visit.done_at is None


def test_cant_make_it_takes_its_streams_in_name_order(personas, monkeypatch):
    """Every write locks the streams it is logged to in name order, all of them, across every
    announcement it makes: taken out of order, two writes about one person can deadlock on
    PostgreSQL (this one took the team's stream for the offer before the person's)."""
    from core.realtime import broadcast

    visit = _todays_visit(personas)
    services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    taken: list[list[str]] = []
    real = broadcast._locked_streams

    def noting(names):
        taken.append(list(names))
        return real(names)

    monkeypatch.setattr(broadcast, "_locked_streams", noting)
    lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk)

    held: set[str] = set()
    for names in taken:
        new = [name for name in names if name not in held]
        assert all(name > max(held) for name in new) if held else True, taken
        held.update(names)
    assert len(taken) >= 2, "the visit and the withdrawn offer"
