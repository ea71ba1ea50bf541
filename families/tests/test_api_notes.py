"""/api/v1/people/{id}/notes and /outcomes, for every persona."""

import json
import uuid

import pytest
from django.test import Client

from core.models import User
from families import services
from families.models import Note, Reply
from families.tests.notes_helpers import (
    decompression_bomb,
    not_an_image,
    photo_upload,
    too_large_file,
)

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "message": "We could not find that.", "fields": {}}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(user: User, method: str, url: str, body: dict | None = None):
    return getattr(signed_in(user), method)(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


def notes_url(person_id: int, *rest: object) -> str:
    return "/".join([f"/api/v1/people/{person_id}/notes", *map(str, rest)])


def _note(personas, **extra) -> Note:
    values = {"kind": "moment", "body": "Jean fed the birds.", "audience": "circle", **extra}
    return services.note_create(actor=personas.carer, person_id=personas.person.pk, **values)


# Listing ---------------------------------------------------------------------------------------


def test_the_team_lists_every_note_newest_first(personas):
    older = _note(personas, body="Older")
    handover = _note(personas, kind="handover", body="Newer, team only")

    response = signed_in(personas.carer).get(notes_url(personas.person.pk))

    assert response.status_code == 200
    body = response.json()
    assert [n["id"] for n in body["items"]] == [handover.pk, older.pk]
    assert body["next_cursor"] is None
    assert body["items"][0]["audience"] == "team"
    assert body["items"][0]["can_edit"] is True


def test_the_circle_lists_only_what_is_shared_with_it(personas):
    shared = _note(personas)
    _note(personas, kind="concern", body="Team only")

    body = signed_in(personas.professional).get(notes_url(personas.person.pk)).json()

    assert [n["id"] for n in body["items"]] == [shared.pk]
    assert body["items"][0]["can_edit"] is False


@pytest.mark.parametrize("who", ["other_carer", "outsider"])
def test_others_are_told_nothing_exists(personas, who):
    _note(personas)

    response = signed_in(getattr(personas, who)).get(notes_url(personas.person.pk))

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert signed_in(personas.outsider).get(notes_url(999999)).json() == NOT_FOUND


def test_the_cursor_walks_every_note_once(personas):
    made = {_note(personas, body=f"Note {n}").pk for n in range(7)}
    client = signed_in(personas.family)

    seen = []
    url: str | None = notes_url(personas.person.pk) + "?limit=3"
    while url:
        body = client.get(url).json()
        seen += [n["id"] for n in body["items"]]
        cursor = body["next_cursor"]
        url = f"{notes_url(personas.person.pk)}?limit=3&cursor={cursor}" if cursor else None

    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == made


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=garbage", "cursor"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("kind=x", "kind"),
    ],
)
def test_bad_list_queries_are_explained(personas, query, field):
    response = signed_in(personas.carer).get(f"{notes_url(personas.person.pk)}?{query}")

    assert response.status_code == 422
    assert field in response.json()["fields"]


# The notes list costs the same for everyone who may read it, whatever the number of notes:
# the session and user, the access check (the viewer's place in the circle, for the circle),
# the notes, and one query each for what a note carries. More would be a query per note.
LIST_QUERIES = {"carer": 8, "family": 9, "professional": 9, "person_user": 8}


@pytest.mark.parametrize("who", LIST_QUERIES)
def test_listing_costs_the_same_queries_for_3_or_30_notes(
    personas,
    who,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    within_one_read_period,
):
    client = signed_in(getattr(personas, who))
    for n in range(3):
        services.reply_create(
            actor=personas.family,
            note_id=_note(personas, body=f"{n}", audience="circle").pk,
            body="Lovely",
        )
    # Warm the session, and write down the look for this period (after commit, as a real
    # request does): the counts below are for every further look.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(notes_url(personas.person.pk)).status_code == 200

    info = f"GET notes as {who} must cost {LIST_QUERIES[who]} queries, never one per note"
    with django_assert_num_queries(LIST_QUERIES[who], info=info):
        few = client.get(notes_url(personas.person.pk) + "?limit=50")
    for n in range(27):
        _note(personas, body=f"more {n}", audience="circle")
    with django_assert_num_queries(LIST_QUERIES[who], info=info):
        many = client.get(notes_url(personas.person.pk) + "?limit=50")

    assert (few.status_code, many.status_code) == (200, 200)
    assert (len(few.json()["items"]), len(many.json()["items"])) == (3, 30)


# Writing ---------------------------------------------------------------------------------------


def test_the_same_client_key_twice_gives_one_note(personas):
    key = str(uuid.uuid4())
    body = {"kind": "visit", "body": "Queued while offline", "client_key": key}

    first = send(personas.carer, "post", notes_url(personas.person.pk), body)
    again = send(personas.carer, "post", notes_url(personas.person.pk), body)

    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Note.objects.count() == 1


# A note written through the API, as the outbox and the fan-out bench send it: the session and
# user; the transaction's start and commit; the access check (one precompiled query); the note
# and its audit entry; which languages are listening; the event log (its streams locked, one
# INSERT for every stream's event, one UPDATE moving the streams on); the push news. The key
# sent with it costs no query of its own: the unique constraint is what finds a key used before.
WRITE_QUERIES = 12


def test_writing_a_note_costs_a_fixed_number_of_queries(
    personas, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = signed_in(personas.carer)
    url = notes_url(personas.person.pk)

    def write(n: int):
        body = {"kind": "moment", "body": f"Jean fed the birds ({n}).", "audience": "circle"}
        return client.post(
            url,
            data=json.dumps({**body, "client_key": str(uuid.uuid4())}),
            content_type="application/json",
        )

    with django_capture_on_commit_callbacks(execute=True):
        assert write(0).status_code == 201  # the session is warm, the streams exist

    info = "one note written through the API"
    with (
        django_assert_num_queries(WRITE_QUERIES, info=info),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert write(1).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "visit", "body": ""}, "body"),
        ({"kind": "visit", "body": "x" * 5001}, "body"),
        ({"kind": "visit", "body": "Hi", "wellbeing": 7}, "wellbeing"),
        ({"kind": "cheese", "body": "Hi"}, "kind"),
        ({"kind": "visit", "body": "Hi", "client_key": "nope"}, "client_key"),
        ({"kind": "visit", "body": "Hi", "audience": "everyone"}, "audience"),
        ({"kind": "visit", "body": "Hi", "surprise": 1}, "surprise"),
    ],
)
def test_bad_notes_are_explained_and_nothing_is_saved(personas, body, field):
    response = send(personas.carer, "post", notes_url(personas.person.pk), body)

    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert not Note.objects.exists()


def test_an_outcome_of_another_person_is_refused(personas):
    theirs = services.outcome_create(
        actor=personas.carer, person_id=personas.neighbour.pk, title="Bowls"
    )

    response = send(
        personas.carer,
        "post",
        notes_url(personas.person.pk),
        {"kind": "visit", "body": "Hi", "outcome_ids": [theirs.pk]},
    )

    assert response.status_code == 422
    assert "outcomes" in response.json()["fields"]


def test_a_circle_member_writes_a_family_update(personas):
    response = send(
        personas.family,
        "post",
        notes_url(personas.person.pk),
        {"kind": "family_update", "body": "Mum loved the flowers"},
    )

    assert response.status_code == 201
    assert response.json()["audience"] == "circle"


def test_editing_and_deleting_my_note(personas):
    note = _note(personas)

    edited = send(
        personas.carer, "patch", notes_url(personas.person.pk, note.pk), {"body": "Better"}
    )
    deleted = signed_in(personas.carer).delete(notes_url(personas.person.pk, note.pk))

    assert edited.status_code == 200
    assert edited.json()["body"] == "Better"
    assert edited.json()["edited_at"] is not None
    assert deleted.status_code == 204
    assert signed_in(personas.carer).get(notes_url(personas.person.pk)).json()["items"] == []


def test_editing_only_the_words_keeps_the_wellbeing(personas):
    note = _note(personas, wellbeing=4)
    url = notes_url(personas.person.pk, note.pk)

    kept = send(personas.carer, "patch", url, {"body": "New words"})
    cleared = send(personas.carer, "patch", url, {"body": "New words", "wellbeing": None})

    assert kept.json()["wellbeing"] == 4
    assert cleared.json()["wellbeing"] is None


def test_someone_elses_note_cannot_be_edited(personas):
    note = _note(personas)

    response = send(
        personas.family, "patch", notes_url(personas.person.pk, note.pk), {"body": "Mine"}
    )

    assert response.status_code == 422
    assert Note.objects.get().body == "Jean fed the birds."


def test_a_note_reached_through_the_wrong_person_is_not_found(personas):
    note = _note(personas)

    response = send(
        personas.carer,
        "post",
        notes_url(personas.neighbour.pk, note.pk, "replies"),
        {"body": "Hello"},
    )

    assert response.status_code == 404
    assert not Reply.objects.exists()


def test_replies_and_reactions(personas):
    note = _note(personas)

    reply = send(
        personas.family, "post", notes_url(personas.person.pk, note.pk, "replies"), {"body": "Aw"}
    )
    react = send(
        personas.family,
        "post",
        notes_url(personas.person.pk, note.pk, "reactions"),
        {"kind": "thanks", "active": True},
    )
    listed = signed_in(personas.family).get(notes_url(personas.person.pk)).json()["items"][0]

    assert reply.status_code == 201
    assert react.json() == {"kind": "thanks", "active": True}
    assert [r["body"] for r in listed["replies"]] == ["Aw"]
    thanks = next(r for r in listed["reactions"] if r["kind"] == "thanks")
    assert (thanks["count"], thanks["mine"]) == (1, True)


def test_a_reply_to_a_note_you_cannot_see_is_not_found(personas):
    note = _note(personas, kind="handover")

    response = send(
        personas.family,
        "post",
        notes_url(personas.person.pk, note.pk, "replies"),
        {"body": "Hello"},
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_marking_a_concern_handled(personas):
    concern = _note(personas, kind="concern")

    response = send(
        personas.carer,
        "post",
        notes_url(personas.person.pk, concern.pk, "handled"),
        {"handled_note": "Rang the GP"},
    )

    assert response.status_code == 200
    assert response.json()["needs_attention"] is False
    assert response.json()["handled_note"] == "Rang the GP"


# Outcomes --------------------------------------------------------------------------------------


def test_outcomes_are_listed_added_and_changed(personas):
    url = f"/api/v1/people/{personas.person.pk}/outcomes"

    created = send(personas.person_user, "post", url, {"title": "Go back to the choir"})
    outcome_id = created.json()["id"]
    changed = send(personas.carer, "patch", f"{url}/{outcome_id}", {"status": "achieved"})
    listed = signed_in(personas.family).get(url)

    assert created.status_code == 201
    assert changed.json()["status"] == "achieved"
    assert changed.json()["title"] == "Go back to the choir"
    assert [o["id"] for o in listed.json()] == [outcome_id]


def test_the_circle_cannot_add_goals(personas):
    response = send(
        personas.family, "post", f"/api/v1/people/{personas.person.pk}/outcomes", {"title": "X"}
    )

    assert response.status_code == 404


def test_an_outcome_through_another_person_is_not_found(personas):
    outcome = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Choir"
    )

    response = send(
        personas.carer,
        "patch",
        f"/api/v1/people/{personas.neighbour.pk}/outcomes/{outcome.pk}",
        {"status": "paused"},
    )

    assert response.status_code == 404


def test_signed_out_callers_are_asked_to_sign_in(personas):
    assert Client().get(notes_url(personas.person.pk)).status_code == 401


# Photos, as a multipart form -------------------------------------------------------------------


def _with_photos(personas, user, data):
    return signed_in(user).post(f"{notes_url(personas.person.pk)}/with-photos", data)


def test_a_note_with_photos_and_goals(personas):
    goal = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Choir"
    )
    response = _with_photos(
        personas,
        personas.carer,
        {
            "kind": "moment",
            "body": "At the choir",
            "audience": "circle",
            "outcome_ids": [goal.pk],
            "photos": [photo_upload("a.jpg"), photo_upload("b.jpg")],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert len(body["photo_urls"]) == 2
    assert body["outcome_ids"] == [goal.pk]
    photo = signed_in(personas.family).get(body["photo_urls"][0])
    assert photo.status_code == 200
    assert signed_in(personas.outsider).get(body["photo_urls"][0]).status_code == 404


@pytest.mark.parametrize(
    "bad",
    [not_an_image, too_large_file, decompression_bomb],
    ids=["not an image", "over 10 MB", "decompression bomb"],
)
def test_a_bad_photo_means_no_note_at_all(personas, bad):
    response = _with_photos(
        personas,
        personas.carer,
        {"kind": "visit", "body": "Hello", "photos": [photo_upload(), bad()]},
    )

    assert response.status_code == 422
    assert response.json()["fields"]["photos"][0].startswith("Photo 2:")
    assert not Note.objects.exists()


def test_five_photos_are_too_many(personas):
    response = _with_photos(
        personas,
        personas.carer,
        {"kind": "visit", "body": "Hello", "photos": [photo_upload() for _ in range(5)]},
    )

    assert response.status_code == 422
    assert "photos" in response.json()["fields"]


def test_a_note_without_photos_through_the_form(personas):
    response = _with_photos(personas, personas.carer, {"kind": "visit", "body": "Just words"})

    assert response.status_code == 201
    assert response.json()["photo_urls"] == []
