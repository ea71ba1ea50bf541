"""The person decides who sees what: per kind of note, for the circle and for each member."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from core.models import AuditEntry
from core.tests.factories import CircleMemberFactory, UserFactory
from families import services
from families.access import audience_users, person_access_or_404
from families.models import CircleMember, SharingChange
from families.services.sharing import (
    Agreement,
    circle_member_sharing_update,
    sharing_update,
)
from families.timeline import note_access, timeline_page


def _agreed(**overrides) -> Agreement:
    values = {"by": "Jean", "how": "said so at a visit", "at": timezone.now()}
    return Agreement(**{**values, **overrides})


@pytest.fixture
def nephew(personas):
    user = UserFactory(email="ned@example.org", display_name="Ned Nephew")
    place = CircleMemberFactory(person=personas.person, user=user, relationship="nephew")
    return user, place


@pytest.fixture
def notes(personas):
    """One of each kind the circle might see, written by Angela."""

    def write(kind, audience=None):
        return services.note_create(
            actor=personas.carer,
            person_id=personas.person.pk,
            kind=kind,
            body=f"A {kind} note",
            audience=audience,
        )

    return {
        "visit": write("visit", "circle"),
        "moment": write("moment", "circle"),
        "concern": write("concern"),
        "handover": write("handover"),
        "team_visit": write("visit", "team"),
    }


def _seen(user, personas) -> set[int]:
    access = person_access_or_404(user, personas.person.pk)
    return {n.pk for n in timeline_page(access, limit=100).notes}


def _choose_nurse_and_nephew(personas, nephew):
    circle_member_sharing_update(
        actor=personas.person_user,
        circle_member_id=personas.professional_place.pk,
        kinds=["concern", "visit"],
    )
    circle_member_sharing_update(
        actor=personas.person_user, circle_member_id=nephew[1].pk, kinds=["moment"]
    )


def test_by_default_the_circle_sees_every_shared_note_and_no_concern(personas, nephew, notes):
    expected = {notes["visit"].pk, notes["moment"].pk}
    for user in (personas.family, personas.professional, nephew[0], personas.person_user):
        assert _seen(user, personas) == expected
    assert _seen(personas.carer, personas) == {n.pk for n in notes.values()}


def test_the_nurse_sees_concerns_and_visits_and_the_nephew_moments_only(personas, nephew, notes):
    _choose_nurse_and_nephew(personas, nephew)

    assert _seen(personas.professional, personas) == {notes["visit"].pk, notes["concern"].pk}
    assert _seen(nephew[0], personas) == {notes["moment"].pk}
    # The rest of the circle keeps the circle's choice.
    assert _seen(personas.family, personas) == {notes["visit"].pk, notes["moment"].pk}
    # One note at a time answers the same: a hidden note is a missing note.
    assert note_access(nephew[0], notes["visit"].pk) is None
    assert note_access(nephew[0], notes["moment"].pk) is not None
    assert note_access(personas.professional, notes["concern"].pk) is not None
    # Handovers and notes the writer kept for the team never leave the team.
    for user in (personas.professional, nephew[0]):
        assert note_access(user, notes["handover"].pk) is None
        assert note_access(user, notes["team_visit"].pk) is None
    with pytest.raises(Http404):
        services.reply_create(actor=nephew[0], note_id=notes["visit"].pk, body="Hello")


def test_what_the_circle_sees_by_default_applies_to_members_without_their_own_choice(
    personas, nephew, notes
):
    circle_member_sharing_update(
        actor=personas.person_user, circle_member_id=nephew[1].pk, kinds=["visit"]
    )
    sharing_update(
        actor=personas.person_user,
        person_id=personas.person.pk,
        shared_with_circle=True,
        circle_kinds=["moment"],
        share_check_ins=False,
    )

    assert _seen(personas.family, personas) == {notes["moment"].pk}
    assert _seen(nephew[0], personas) == {notes["visit"].pk}
    # Back to the circle's choice.
    circle_member_sharing_update(
        actor=personas.person_user, circle_member_id=nephew[1].pk, kinds=None
    )
    assert _seen(nephew[0], personas) == {notes["moment"].pk}


def test_the_whole_circle_may_be_shown_no_concern(personas):
    with pytest.raises(ValidationError) as raised:
        sharing_update(
            actor=personas.person_user,
            person_id=personas.person.pk,
            shared_with_circle=True,
            circle_kinds=["moment", "concern"],
            share_check_ins=False,
        )
    assert "circle_kinds" in raised.value.message_dict
    with pytest.raises(ValidationError):
        circle_member_sharing_update(
            actor=personas.person_user,
            circle_member_id=personas.family_place.pk,
            kinds=["handover"],
        )


def test_what_someone_wrote_stays_in_front_of_them(personas, nephew):
    circle_member_sharing_update(
        actor=personas.person_user, circle_member_id=nephew[1].pk, kinds=["moment"]
    )
    update = services.note_create(
        actor=nephew[0], person_id=personas.person.pk, kind="family_update", body="I visited"
    )
    assert update.pk in _seen(nephew[0], personas)
    assert note_access(nephew[0], update.pk) is not None


def test_the_person_changes_it_themself_and_it_is_kept_and_audited(personas):
    person = sharing_update(
        actor=personas.person_user,
        person_id=personas.person.pk,
        shared_with_circle=False,
        circle_kinds=["moment", "visit"],
        share_check_ins=True,
    )

    assert person.notes_shared_with_circle_by_default is False
    assert person.circle_note_kinds == ["visit", "moment"]
    assert person.share_check_ins is True
    change = SharingChange.objects.get()
    assert change.agreed_by == "Jean Person"
    assert change.changed_by == personas.person_user
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SHARING_CHANGED)
    assert entry.actor == personas.person_user
    assert entry.person_id == personas.person.pk
    assert entry.detail["circle_note_kinds"] == ["visit", "moment"]
    assert entry.detail["check_ins_shared_with_circle"] is True


def test_saving_the_same_choice_again_records_nothing(personas):
    circle_member_sharing_update(
        actor=personas.person_user, circle_member_id=personas.family_place.pk, kinds=["moment"]
    )
    circle_member_sharing_update(
        actor=personas.person_user, circle_member_id=personas.family_place.pk, kinds=["moment"]
    )
    assert SharingChange.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SHARING_CHANGED).count() == 1


def test_the_team_records_who_agreed_when_and_how(personas):
    agreed_at = timezone.now() - dt.timedelta(days=2)
    circle_member_sharing_update(
        actor=personas.carer,
        circle_member_id=personas.professional_place.pk,
        kinds=["concern", "visit"],
        agreement=_agreed(at=agreed_at),
    )

    change = SharingChange.objects.get()
    assert (change.agreed_by, change.agreed_how, change.agreed_at) == (
        "Jean",
        "said so at a visit",
        agreed_at,
    )
    assert change.circle_member == personas.professional_place
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SHARING_CHANGED)
    assert entry.actor == personas.carer
    assert entry.target == f"circle:{personas.professional_place.pk}"
    assert entry.detail["agreed_how"] == "said so at a visit"
    assert entry.detail["note_kinds"] == ["visit", "concern"]


@pytest.mark.parametrize(
    ("agreement", "field"),
    [
        (None, "agreed_by"),
        (Agreement(by="", how="at a visit", at=timezone.now()), "agreed_by"),
        (Agreement(by="Jean", how="  ", at=timezone.now()), "agreed_how"),
        (Agreement(by="Jean", how="x" * 201, at=timezone.now()), "agreed_how"),
        (
            Agreement(by="Jean", how="at a visit", at=timezone.now() + dt.timedelta(days=1)),
            "agreed_at",
        ),
    ],
)
def test_the_team_cannot_change_it_without_the_persons_agreement(personas, agreement, field):
    with pytest.raises(ValidationError) as raised:
        circle_member_sharing_update(
            actor=personas.carer,
            circle_member_id=personas.family_place.pk,
            kinds=["moment"],
            agreement=agreement,
        )
    assert field in raised.value.message_dict
    personas.family_place.refresh_from_db()
    assert personas.family_place.note_kinds is None
    assert not SharingChange.objects.exists()


@pytest.mark.parametrize("who", ["family", "professional", "other_carer", "outsider"])
def test_only_the_person_and_their_team_choose(personas, who):
    actor = personas.all_users()[who]
    with pytest.raises(Http404):
        sharing_update(
            actor=actor,
            person_id=personas.person.pk,
            shared_with_circle=True,
            circle_kinds=[],
            share_check_ins=True,
            agreement=_agreed(),
        )
    with pytest.raises(Http404):
        circle_member_sharing_update(
            actor=actor,
            circle_member_id=personas.professional_place.pk,
            kinds=["concern"],
            agreement=_agreed(),
        )
    assert not SharingChange.objects.exists()


def test_someone_removed_from_the_circle_has_no_choices_left_to_change(personas):
    services.circle_member_remove(actor=personas.carer, circle_member_id=personas.family_place.pk)
    with pytest.raises(Http404):
        circle_member_sharing_update(
            actor=personas.person_user, circle_member_id=personas.family_place.pk, kinds=[]
        )


def test_the_api_obeys_the_same_choice(personas, nephew, notes):
    _choose_nurse_and_nephew(personas, nephew)
    client = Client()
    client.force_login(nephew[0])

    listed = client.get(f"/api/v1/people/{personas.person.pk}/notes").json()
    assert [n["id"] for n in listed["items"]] == [notes["moment"].pk]
    base = f"/api/v1/people/{personas.person.pk}/notes"
    reply: dict[str, Any] = {"data": '{"body": "Lovely"}', "content_type": "application/json"}
    assert client.post(f"{base}/{notes['moment'].pk}/replies", **reply).status_code == 201
    assert client.post(f"{base}/{notes['visit'].pk}/replies", **reply).status_code == 404


def test_push_reaches_only_those_shown_that_kind(personas, nephew):
    _choose_nurse_and_nephew(personas, nephew)
    circle = "circle"

    visit_readers = set(audience_users(personas.person.pk, circle, topic="visit"))
    moment_readers = set(audience_users(personas.person.pk, circle, topic="moment"))
    concern_readers = set(audience_users(personas.person.pk, circle, topic="concern"))

    assert nephew[0] not in visit_readers
    assert {personas.professional, personas.family, personas.person_user} <= visit_readers
    assert nephew[0] in moment_readers and personas.professional not in moment_readers
    assert concern_readers == {personas.carer, personas.professional}


def test_check_ins_follow_the_persons_choice(personas):
    assert personas.person.share_check_ins is False
    sharing_update(
        actor=personas.person_user,
        person_id=personas.person.pk,
        shared_with_circle=True,
        circle_kinds=["visit", "moment", "family_update"],
        share_check_ins=True,
    )
    personas.person.refresh_from_db()
    assert personas.person.share_check_ins is True


def test_a_circle_member_without_a_choice_has_none_stored(personas):
    assert CircleMember.objects.get(pk=personas.family_place.pk).note_kinds is None
    # The circle's own choice starts as everything written for it.
    assert personas.person.circle_note_kinds == ["visit", "moment", "family_update"]
