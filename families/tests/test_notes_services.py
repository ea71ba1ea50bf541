"""Notes, replies, reactions and concerns, walked through as each persona."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from core.models import AuditEntry, Event
from core.tests.factories import CircleMemberFactory, PersonFactory
from core.tests.sockets import published
from families import services
from families.access import Audience, person_access_or_404
from families.models import Note, NotePhoto, NoteVersion, Outcome, Reaction, Reply
from families.tests.notes_helpers import (
    decompression_bomb,
    not_an_image,
    photo_upload,
    too_large_file,
)
from families.timeline import note_access, timeline_page
from frontend.live.notes import render_note_fragments

pytestmark = pytest.mark.django_db


def _note(personas, *, author=None, kind=Note.Kind.VISIT, **extra) -> Note:
    return services.note_create(
        actor=author or personas.carer,
        person_id=personas.person.pk,
        kind=kind,
        body=extra.pop("body", "Jean and I planted sweet peas."),
        **extra,
    )


def _sees(user, note: Note) -> bool:
    return note_access(user, note.pk) is not None


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Who sees a note -------------------------------------------------------------------------------


def test_a_note_shared_with_the_circle_reaches_the_circle_and_nobody_else(personas):
    note = _note(personas, audience=Note.Audience.CIRCLE)

    seen = {name: _sees(user, note) for name, user in personas.all_users().items()}

    assert seen == {
        "carer": True,
        "other_carer": False,
        "family": True,
        "professional": True,
        "person_user": True,
        "outsider": False,
    }


def test_a_team_only_note_stays_with_the_team(personas):
    note = _note(personas, audience=Note.Audience.TEAM)

    seen = {name: _sees(user, note) for name, user in personas.all_users().items()}

    assert seen == {
        "carer": True,
        "other_carer": False,
        "family": False,
        "professional": False,
        "person_user": False,
        "outsider": False,
    }


def test_the_persons_sharing_choice_sets_the_default_audience(personas):
    shared = _note(personas)
    personas.person.notes_shared_with_circle_by_default = False
    personas.person.save()

    private = _note(personas)

    assert shared.audience == Note.Audience.CIRCLE
    assert private.audience == Note.Audience.TEAM


def test_the_person_sets_their_sharing_choice_and_it_is_audited(personas):
    from core.models import AuditEntry

    services.person_set_note_sharing(
        actor=personas.person_user, person_id=personas.person.pk, shared_with_circle=False
    )

    assert _note(personas).audience == Note.Audience.TEAM
    entry = AuditEntry.objects.get(action="sharing_changed")
    assert entry.actor == personas.person_user


@pytest.mark.parametrize("who", ["family", "professional", "other_carer", "outsider"])
def test_only_the_person_and_their_team_set_the_sharing_choice(personas, who):
    with pytest.raises(Http404):
        services.person_set_note_sharing(
            actor=getattr(personas, who), person_id=personas.person.pk, shared_with_circle=False
        )
    personas.person.refresh_from_db()
    assert personas.person.notes_shared_with_circle_by_default is True


@pytest.mark.parametrize("kind", [Note.Kind.CONCERN, Note.Kind.HANDOVER])
def test_concerns_and_handovers_are_team_only_whatever_is_asked(personas, kind):
    note = _note(personas, kind=kind, audience=Note.Audience.CIRCLE)

    assert note.audience == Note.Audience.TEAM
    assert not _sees(personas.family, note)


def test_a_family_update_is_shared_with_the_circle(personas):
    note = _note(
        personas,
        author=personas.family,
        kind=Note.Kind.FAMILY_UPDATE,
        audience=Note.Audience.TEAM,
        body="Mum enjoyed the phone call with her sister.",
    )

    assert note.audience == Note.Audience.CIRCLE
    assert _sees(personas.carer, note)
    assert _sees(personas.family, note)


def test_the_circle_cannot_write_team_kinds_of_note(personas):
    with pytest.raises(ValidationError) as caught:
        _note(personas, author=personas.family, kind=Note.Kind.HANDOVER)

    assert "kind" in caught.value.message_dict
    assert not Note.objects.exists()


@pytest.mark.parametrize("who", ["other_carer", "outsider"])
def test_nobody_outside_can_write_about_the_person(personas, who):
    with pytest.raises(Http404):
        _note(personas, author=getattr(personas, who))

    assert not Note.objects.exists()


# Idempotency -----------------------------------------------------------------------------------


def test_the_same_client_key_twice_gives_one_note(personas):
    key = uuid.uuid4()

    first = _note(personas, client_key=key)
    second = _note(personas, client_key=str(key), body="Sent again by the outbox.")

    assert first.pk == second.pk
    assert Note.objects.count() == 1
    assert Event.objects.filter(kind="note.created", audience="circle").count() == 1


def test_a_key_used_before_is_answered_with_its_note_and_nothing_else_is_written(personas):
    key = uuid.uuid4()
    first = _note(personas, client_key=key)
    audited = AuditEntry.objects.count()
    events = Event.objects.count()

    again, created = services.note_create_once(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind=Note.Kind.VISIT,
        body="Sent again by the outbox.",
        client_key=key,
    )

    assert (again.pk, created) == (first.pk, False)
    assert (AuditEntry.objects.count(), Event.objects.count()) == (audited, events)


def test_a_retry_the_checks_would_now_refuse_still_gets_its_note(personas):
    key = uuid.uuid4()
    first = _note(personas, client_key=key)

    # Whatever has changed since (here, the kind it names), the note was saved the first time.
    again = _note(personas, kind="no-such-kind", client_key=key)

    assert again.pk == first.pk
    assert Note.objects.count() == 1


def test_another_author_may_use_the_same_key(personas):
    key = uuid.uuid4()

    mine = _note(personas, client_key=key)
    theirs = _note(personas, author=personas.family, kind=Note.Kind.FAMILY_UPDATE, client_key=key)

    assert mine.pk != theirs.pk


def test_a_key_reused_for_another_person_is_refused(personas):
    key = uuid.uuid4()
    _note(personas, client_key=key)

    with pytest.raises(ValidationError) as caught:
        services.note_create(
            actor=personas.carer,
            person_id=personas.neighbour.pk,
            kind=Note.Kind.VISIT,
            body="Hello",
            client_key=key,
        )

    assert "client_key" in caught.value.message_dict
    assert Note.objects.count() == 1


def test_a_malformed_key_is_refused_clearly(personas):
    with pytest.raises(ValidationError) as caught:
        _note(personas, client_key="not-a-uuid")

    assert "client_key" in caught.value.message_dict


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_note_is_refused(personas, body):
    with pytest.raises(ValidationError) as caught:
        _note(personas, body=body)

    assert caught.value.message_dict["body"] == ["Please write something first."]
    assert not Note.objects.exists()


def test_an_over_long_note_is_refused_with_the_limit(personas):
    with pytest.raises(ValidationError) as caught:
        _note(personas, body="a" * 5001)

    assert "5,000" in caught.value.message_dict["body"][0]
    assert "5,001" in caught.value.message_dict["body"][0]
    assert not Note.objects.exists()


def test_a_note_of_exactly_the_limit_is_kept(personas):
    assert len(_note(personas, body="a" * 5000).body) == 5000


def test_wellbeing_outside_the_scale_is_refused(personas):
    with pytest.raises(ValidationError) as caught:
        _note(personas, wellbeing=6)

    assert "wellbeing" in caught.value.message_dict


def test_photos_are_cleaned_and_kept_in_order(personas):
    note = _note(personas, photos=[photo_upload("a.jpg"), photo_upload("b.jpg", (20, 20))])

    photos = list(note.photos.all())
    assert [p.position for p in photos] == [0, 1]
    assert all((p.image.name or "").startswith("notes/") for p in photos)
    assert len(_media_files()) == 2


@pytest.mark.parametrize(
    "bad",
    [not_an_image, too_large_file, decompression_bomb],
    ids=["not an image", "over 10 MB", "decompression bomb"],
)
def test_a_bad_third_photo_means_no_note_at_all(personas, bad):
    with pytest.raises(ValidationError) as caught:
        _note(personas, photos=[photo_upload(), photo_upload(), bad()])

    assert caught.value.message_dict["photos"][0].startswith("Photo 3:")
    assert not Note.objects.exists()
    assert not NotePhoto.objects.exists()
    assert not Event.objects.exists()
    assert _media_files() == []


def test_five_photos_are_refused(personas):
    with pytest.raises(ValidationError) as caught:
        _note(personas, photos=[photo_upload() for _ in range(5)])

    assert "up to 4" in caught.value.message_dict["photos"][0]
    assert not Note.objects.exists()


def test_every_problem_is_reported_at_once(personas):
    with pytest.raises(ValidationError) as caught:
        _note(personas, body="", wellbeing=9, photos=[not_an_image()])

    assert set(caught.value.message_dict) == {"body", "wellbeing", "photos"}


def test_an_outcome_of_another_person_is_refused(personas):
    theirs = services.outcome_create(
        actor=personas.carer, person_id=personas.neighbour.pk, title="Walk to the park"
    )

    with pytest.raises(ValidationError) as caught:
        _note(personas, outcome_ids=[theirs.pk])

    assert "outcomes" in caught.value.message_dict
    assert not Note.objects.exists()


def test_a_note_can_mark_progress_on_the_persons_outcomes(personas):
    choir = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Go back to the choir"
    )
    shop = services.outcome_create(
        actor=personas.person_user, person_id=personas.person.pk, title="Walk to the shop"
    )

    note = _note(personas, outcome_ids=[choir.pk, shop.pk])

    assert set(note.outcomes.all()) == {choir, shop}


# Editing and deleting --------------------------------------------------------------------------


def test_the_author_can_edit_and_the_earlier_words_are_kept(personas):
    note = _note(personas, body="First words", wellbeing=3)

    services.note_edit(actor=personas.carer, note_id=note.pk, body="Better words", wellbeing=4)

    note.refresh_from_db()
    assert (note.body, note.wellbeing) == ("Better words", 4)
    assert note.edited_at is not None
    version = NoteVersion.objects.get(note=note)
    assert (version.body, version.wellbeing) == ("First words", 3)
    assert Event.objects.filter(kind="note.edited", audience="circle").count() == 1


def test_nobody_else_can_edit_a_note(personas):
    note = _note(personas, audience=Note.Audience.CIRCLE)

    with pytest.raises(ValidationError):
        services.note_edit(actor=personas.family, note_id=note.pk, body="Changed")
    assert Note.objects.get(pk=note.pk).body == note.body


def test_a_circle_member_cannot_even_find_a_team_note_to_edit(personas):
    note = _note(personas, audience=Note.Audience.TEAM)

    with pytest.raises(Http404):
        services.note_edit(actor=personas.family, note_id=note.pk, body="Changed")


def test_editing_closes_after_24_hours(personas):
    note = _note(personas)
    Note.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=25))

    with pytest.raises(ValidationError) as caught:
        services.note_edit(actor=personas.carer, note_id=note.pk, body="Too late")

    assert "24 hours" in caught.value.messages[0]
    assert not NoteVersion.objects.exists()


def test_deleting_hides_the_note_from_everyone_and_keeps_it(personas):
    note = _note(personas)

    services.note_delete(actor=personas.carer, note_id=note.pk)

    for user in personas.all_users().values():
        assert not _sees(user, note)
    kept = Note.objects.get(pk=note.pk)
    assert kept.deleted_by == personas.carer
    assert Event.objects.filter(kind="note.deleted", audience="circle").count() == 1
    with pytest.raises(Http404):
        services.reply_create(actor=personas.family, note_id=note.pk, body="Lovely")


def test_writing_editing_and_deleting_are_in_the_audit_trail(personas):
    from core.models import AuditEntry

    note = _note(personas)
    services.note_edit(actor=personas.carer, note_id=note.pk, body="Changed")
    services.note_delete(actor=personas.carer, note_id=note.pk)

    trail = AuditEntry.objects.filter(target=f"note:{note.pk}").order_by("pk")
    assert [(e.action, e.actor_id, e.person_id) for e in trail] == [
        ("note_created", personas.carer.pk, personas.person.pk),
        ("note_edited", personas.carer.pk, personas.person.pk),
        ("note_deleted", personas.carer.pk, personas.person.pk),
    ]
    assert all("Changed" not in str(e.detail) for e in trail)


def test_only_the_author_can_delete(personas):
    note = _note(personas, author=personas.family, kind=Note.Kind.FAMILY_UPDATE)

    with pytest.raises(ValidationError):
        services.note_delete(actor=personas.carer, note_id=note.pk)
    assert Note.objects.get(pk=note.pk).deleted_at is None


# Replies and reactions -------------------------------------------------------------------------


def test_anyone_who_sees_a_note_can_reply(personas):
    note = _note(personas, audience=Note.Audience.CIRCLE)

    reply = services.reply_create(actor=personas.professional, note_id=note.pk, body="Thank you")

    assert reply.note == note
    assert Event.objects.filter(kind="note.replied", audience="circle").count() == 1


def test_a_reply_to_a_note_you_cannot_see_is_not_found(personas):
    note = _note(personas, audience=Note.Audience.TEAM)

    with pytest.raises(Http404):
        services.reply_create(actor=personas.family, note_id=note.pk, body="Hello")
    assert not Reply.objects.exists()


def test_an_empty_reply_is_refused(personas):
    note = _note(personas)

    with pytest.raises(ValidationError) as caught:
        services.reply_create(actor=personas.family, note_id=note.pk, body="  ")
    assert "body" in caught.value.message_dict


def _react(personas, note, kind="heart", *, active=True, key=None, who="family") -> bool:
    return services.reaction_set(
        actor=getattr(personas, who), note_id=note.pk, kind=kind, active=active, client_key=key
    )


def test_a_reaction_is_given_and_taken_back_and_counts_once_per_person(personas):
    note = _note(personas)

    assert _react(personas, note, "heart")
    assert _react(personas, note, "thanks")
    assert _react(personas, note, "heart"), "giving it again leaves it given, never takes it back"
    assert Reaction.objects.filter(note=note).count() == 2
    assert not _react(personas, note, "heart", active=False)
    assert not _react(personas, note, "heart", active=False)
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["thanks"]


def test_a_reaction_change_sent_again_late_does_not_undo_a_newer_one(personas):
    note = _note(personas)
    given, taken_back = uuid.uuid4(), uuid.uuid4()
    _react(personas, note, active=True, key=given)
    _react(personas, note, active=False, key=taken_back)

    # The first request's answer was lost and the page sends it again, after the second.
    assert not _react(personas, note, active=True, key=given)

    assert not Reaction.objects.filter(note=note).exists()


def test_a_reply_sent_again_with_its_key_is_saved_once(personas):
    note = _note(personas)
    key = uuid.uuid4()

    first = services.reply_create(
        actor=personas.family, note_id=note.pk, body="Thank you", client_key=key
    )
    again = services.reply_create(
        actor=personas.family, note_id=note.pk, body="Thank you", client_key=key
    )

    assert first.pk == again.pk
    assert Reply.objects.count() == 1


def test_other_words_with_a_used_reply_key_are_refused_not_swallowed(personas):
    note = _note(personas)
    key = uuid.uuid4()
    services.reply_create(actor=personas.family, note_id=note.pk, body="First", client_key=key)

    with pytest.raises(ValidationError) as caught:
        services.reply_create(actor=personas.family, note_id=note.pk, body="Other", client_key=key)

    assert "client_key" in caught.value.message_dict
    assert list(Reply.objects.values_list("body", flat=True)) == ["First"]


def test_an_unknown_reaction_is_refused(personas):
    note = _note(personas)

    with pytest.raises(ValidationError):
        _react(personas, note, "thumbs_down")


def test_a_circle_member_cannot_react_to_a_team_note(personas):
    note = _note(personas, kind=Note.Kind.HANDOVER)

    with pytest.raises(Http404):
        _react(personas, note, who="professional")


# Concerns --------------------------------------------------------------------------------------


def test_the_team_marks_a_concern_handled_saying_what_was_done(personas):
    concern = _note(personas, kind=Note.Kind.CONCERN, body="Jean seemed breathless.")

    services.concern_mark_handled(
        actor=personas.carer, note_id=concern.pk, handled_note="Called the GP; visit tomorrow."
    )

    concern.refresh_from_db()
    assert not concern.is_open_concern
    assert concern.handled_by == personas.carer
    assert concern.handled_note == "Called the GP; visit tomorrow."
    with pytest.raises(ValidationError):
        services.concern_mark_handled(actor=personas.carer, note_id=concern.pk, handled_note="x")


def test_handling_needs_words(personas):
    concern = _note(personas, kind=Note.Kind.CONCERN)

    with pytest.raises(ValidationError) as caught:
        services.concern_mark_handled(actor=personas.carer, note_id=concern.pk, handled_note="")
    assert "handled_note" in caught.value.message_dict


@pytest.mark.parametrize("who", ["family", "professional", "other_carer"])
def test_nobody_outside_the_team_can_handle_a_concern(personas, who):
    concern = _note(personas, kind=Note.Kind.CONCERN)

    with pytest.raises(Http404):
        services.concern_mark_handled(
            actor=getattr(personas, who), note_id=concern.pk, handled_note="Done"
        )


# Outcomes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["carer", "person_user"])
def test_the_team_and_the_person_set_goals(personas, who):
    outcome = services.outcome_create(
        actor=getattr(personas, who),
        person_id=personas.person.pk,
        title="  Walk to the shop with Angela ",
        who_helps="Angela",
    )

    assert outcome.title == "Walk to the shop with Angela"
    assert outcome.status == Outcome.Status.WORKING_ON


@pytest.mark.parametrize("who", ["family", "professional", "other_carer", "outsider"])
def test_others_cannot_set_goals(personas, who):
    with pytest.raises(Http404):
        services.outcome_create(
            actor=getattr(personas, who), person_id=personas.person.pk, title="Something"
        )


def test_a_goal_can_be_achieved(personas):
    outcome = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Go back to the choir"
    )

    services.outcome_update(actor=personas.carer, outcome_id=outcome.pk, status="achieved")

    outcome.refresh_from_db()
    assert outcome.status == Outcome.Status.ACHIEVED
    assert outcome.title == "Go back to the choir"


def test_a_goal_needs_words_and_a_known_status(personas):
    with pytest.raises(ValidationError) as caught:
        services.outcome_create(
            actor=personas.carer, person_id=personas.person.pk, title="", status="finished"
        )
    assert set(caught.value.message_dict) == {"title", "status"}


def test_another_teams_carer_cannot_change_a_goal(personas):
    outcome = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Choir"
    )

    with pytest.raises(Http404):
        services.outcome_update(actor=personas.other_carer, outcome_id=outcome.pk, title="Mine")


# Telling open pages ----------------------------------------------------------------------------


def test_a_team_only_note_is_never_given_a_circle_fragment(personas):
    with published() as events:
        note = _note(personas, kind=Note.Kind.HANDOVER, body="Key safe code changed.")

    assert [e.audience for e in events] == ["team"]
    assert f'id="note-{note.pk}"' in events[0].html
    assert [e.audience for e in Event.objects.filter(person=personas.person)] == ["team"]


def test_a_shared_note_is_rendered_once_for_the_circle_which_the_team_also_hears(personas):
    note = _note(personas, audience=Note.Audience.CIRCLE)
    with published() as edited:
        services.note_edit(actor=personas.carer, note_id=note.pk, body="Changed words")

    fragments = render_note_fragments(note.pk)

    # Rendered once; the team's log and group get the very same fragment.
    assert list(fragments) == [Audience.CIRCLE]
    assert 'hx-swap-oob="outerHTML"' in fragments[Audience.CIRCLE]
    assert sorted(e.audience for e in edited) == ["circle", "team"]
    assert len({e.html for e in edited}) == 1


def test_a_fragment_is_the_same_for_every_viewer(personas):
    """Nothing about the writer or any viewer leaks into the shared bytes beyond the note."""
    note = _note(personas, audience=Note.Audience.CIRCLE)
    _react(personas, note)

    html = render_note_fragments(note.pk)[Audience.CIRCLE]

    assert f'data-reactors="|{personas.family.pk}|"' in html
    assert 'aria-pressed="true"' not in html
    assert "csrfmiddlewaretoken" not in html


def _create_and_count_queries(personas, django_capture_on_commit_callbacks, viewers: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = PersonFactory.create(team=personas.team)
    for _ in range(viewers):
        CircleMemberFactory(person=person)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.note_create(
            actor=personas.carer,
            person_id=person.pk,
            kind=Note.Kind.MOMENT,
            body="A lovely afternoon",
        )
    return len(queries)


def test_one_fan_out_costs_the_same_queries_for_1_or_30_viewers(
    personas, django_capture_on_commit_callbacks
):
    one = _create_and_count_queries(personas, django_capture_on_commit_callbacks, 1)
    many = _create_and_count_queries(personas, django_capture_on_commit_callbacks, 30)

    assert one == many, "rendering and sending a note must not grow with its audience"


def test_a_new_note_is_shown_live_exactly_as_a_fresh_read_of_it_would_be(personas):
    walk = Outcome.objects.create(
        person=personas.person, title="Walk to the shop", created_by=personas.carer
    )
    with published() as events:
        note = _note(
            personas,
            kind=Note.Kind.MOMENT,
            audience=Note.Audience.CIRCLE,
            wellbeing=4,
            photos=[photo_upload("a.jpg")],
            outcome_ids=[walk.pk],
        )
    sent = {e.html for e in events}

    fresh = render_note_fragments(note.pk, created=True)

    assert sent == {fresh[Audience.CIRCLE]}


def test_a_new_note_is_not_read_back_before_open_pages_are_told(
    personas, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _note(personas, kind=Note.Kind.MOMENT, audience=Note.Audience.CIRCLE)

    read_back = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and any(t in q["sql"] for t in ("families_reply", "families_reaction", "notephoto"))
    ]
    assert read_back == [], "a note nobody has answered yet needs no replies or reactions read"


def test_the_timeline_shows_a_created_note_to_its_readers(personas):
    note = _note(personas, audience=Note.Audience.CIRCLE)

    page = timeline_page(person_access_or_404(personas.professional, personas.person.pk))

    assert [n.pk for n in page.notes] == [note.pk]
