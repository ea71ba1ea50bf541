"""The timeline, note and goal pages, as each persona sees them."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Note, NotePhoto, NoteVersion, Outcome, Reaction, Reply, TimelineVisit
from families.tests.notes_helpers import decompression_bomb, not_an_image, photo_upload

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def _note(personas, **extra) -> Note:
    values = {"kind": "moment", "body": "Jean sang in the garden.", **extra}
    return services.note_create(actor=personas.carer, person_id=personas.person.pk, **values)


def _timeline_url(personas) -> str:
    return reverse("timeline", args=[personas.person.pk])


# The timeline page -----------------------------------------------------------------------------


def test_the_team_sees_every_note_and_a_live_socket(personas, as_user):
    _note(personas, body="Shared with everyone", audience="circle")
    _note(personas, kind="handover", body="Key safe code changed")

    response = as_user(personas.carer).get(_timeline_url(personas))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Shared with everyone" in html
    assert "Key safe code changed" in html
    assert f'ws-connect="/ws/people/{personas.person.pk}/?after=' in html
    assert "Write a note" in html


@pytest.mark.parametrize("who", ["family", "professional", "person_user"])
def test_the_circle_never_sees_a_team_only_note(personas, as_user, who):
    _note(personas, body="Shared with everyone", audience="circle")
    _note(personas, kind="handover", body="Key safe code changed")

    html = as_user(getattr(personas, who)).get(_timeline_url(personas)).content.decode()

    assert "Shared with everyone" in html
    assert "Key safe code changed" not in html


@pytest.mark.parametrize("who", ["other_carer", "outsider"])
def test_others_get_not_found(personas, as_user, who):
    response = as_user(getattr(personas, who)).get(_timeline_url(personas))

    assert response.status_code == 404


def test_the_person_page_links_to_the_timeline(personas, as_user):
    html = as_user(personas.family).get(reverse("person", args=[personas.person.pk])).content

    assert _timeline_url(personas).encode() in html


# What one look at the timeline costs, by who is looking, whatever the number of notes: the
# session and user, the person and the viewer's place in their circle (the team has none), one
# query per kind of thing a note shows (notes, photos, replies, reactions, goals), the goals to
# filter by, when they last looked (read, then moved on), the newest note, where the page's
# socket resumes, and the team's memberships. A number that grows with the notes is a page
# that gets slower the longer someone is cared for.
TIMELINE_QUERIES = {"carer": 15, "family": 15, "professional": 15, "person_user": 14}


@pytest.mark.parametrize("who", TIMELINE_QUERIES)
def test_the_page_costs_the_same_queries_with_5_or_40_notes(
    personas,
    as_user,
    who,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    within_one_read_period,
):
    client = as_user(getattr(personas, who))
    for n in range(5):
        _note(personas, body=f"Note {n}", audience="circle", photos=[photo_upload()])
    # Records when they looked, and writes the look down for this period (after commit, as a
    # real request does): the counts below are for every further look in the period.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(_timeline_url(personas)).status_code == 200
    info = (
        f"the timeline page as {who} must cost {TIMELINE_QUERIES[who]} queries, never one per note"
    )
    with django_assert_num_queries(TIMELINE_QUERIES[who], info=info):
        assert client.get(_timeline_url(personas)).status_code == 200
    for n in range(35):
        note = _note(personas, body=f"More {n}", audience="circle")
        services.reply_create(actor=personas.family, note_id=note.pk, body="Lovely")
    with django_assert_num_queries(TIMELINE_QUERIES[who], info=info):
        response = client.get(_timeline_url(personas))
    assert response.status_code == 200
    assert response.content.decode().count("Lovely") >= 20, "the replies are on the page"


def test_every_page_costs_the_same_queries_whichever_kinds_of_team_note_it_holds(
    personas, as_user, django_capture_on_commit_callbacks, within_one_read_period
):
    """Who sees a team note (its "Seen by" line) is asked once per page, not once per kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(personas.carer)

    def queries() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            client.get(_timeline_url(personas))  # records the look; the next one is counted
        with CaptureQueriesContext(connection) as counted:
            assert client.get(_timeline_url(personas)).status_code == 200
        return len(counted)

    _note(personas, kind="handover", body="Key safe code changed")
    one_kind = queries()
    _note(personas, kind="concern", body="A bruise on her arm")
    _note(personas, kind="visit", body="Helped with lunch", audience="team")
    assert queries() == one_kind


def test_older_notes_load_as_a_fragment(personas, as_user):
    for n in range(25):
        _note(personas, body=f"Note number {n}")
    client = as_user(personas.carer)
    first = client.get(_timeline_url(personas)).content.decode()
    more = first.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "cursor=" in more

    response = client.get(more, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Note number 0" in html
    assert "Note number 24" not in html
    assert response["Vary"].count("HX-Request") == 1


def test_a_broken_cursor_is_not_a_server_error(personas, as_user):
    response = as_user(personas.carer).get(_timeline_url(personas) + "?cursor=bad", **HTMX)

    assert response.status_code == 404


def test_new_since_you_last_looked(personas, as_user):
    client = as_user(personas.family)
    _note(personas, body="Seen before")
    client.get(_timeline_url(personas))
    TimelineVisit.objects.update(seen_at=timezone.now() - timedelta(seconds=1))
    Note.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    _note(personas, body="Written since")

    html = client.get(_timeline_url(personas)).content.decode()

    assert "new since you last looked" in html
    assert html.index("Written since") < html.index("new since you last looked")
    assert html.index("new since you last looked") < html.index("Seen before")


# Writing a note --------------------------------------------------------------------------------


def test_writing_a_note_without_scripts(personas, as_user):
    response = as_user(personas.carer).post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "visit", "body": "Made soup together", "wellbeing": "4", "audience": "team"},
    )

    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.body, note.wellbeing, note.audience) == ("Made soup together", 4, "team")


def test_writing_a_note_with_htmx_gives_a_fresh_form_and_the_note(personas, as_user):
    response = as_user(personas.carer).post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "moment", "body": "Laughed at the radio", "audience": "circle"},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="note-form"' in html
    assert 'hx-swap-oob="afterbegin:#timeline"' in html
    assert "Laughed at the radio" in html


@pytest.mark.parametrize(
    ("page", "query", "links_to_it"),
    [("timeline", "", False), ("timeline", "?kind=moment", False), ("person", "", True)],
    ids=["timeline", "filtered timeline", "person"],
)
def test_a_shared_note_is_said_to_be_shared_where_the_writer_wrote_it(
    personas, as_user, page, query, links_to_it
):
    person_id = personas.person.pk
    current = f"http://testserver{reverse(page, args=[person_id])}{query}"
    response = as_user(personas.family).post(
        reverse("note_create", args=[person_id]),
        {"kind": "moment", "body": "Brought daffodils", "audience": "circle"},
        HTTP_HX_CURRENT_URL=current,
        **HTMX,
    )

    html = response.content.decode()
    note = Note.objects.get()
    said = html.split('<p id="note-shared"', 1)[1].split("</p>", 1)[0]
    assert 'role="status" hx-swap-oob="innerHTML"' in said
    assert "Your note is shared. Thank you." in said
    link = f'href="{reverse("timeline", args=[person_id])}#note-{note.pk}"'
    assert (link in said) is links_to_it


def test_a_note_refused_is_never_said_to_be_shared(personas, as_user):
    response = as_user(personas.family).post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "moment", "body": "", "audience": "circle"},
        **HTMX,
    )

    html = response.content.decode()
    assert "Please write something first." in html
    assert "note-shared" not in html and "is shared" not in html


def test_a_welsh_writer_is_told_in_welsh(personas, as_user):
    personas.family.language = "cy"
    personas.family.save(update_fields=["language"])
    response = as_user(personas.family).post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "moment", "body": "Daeth â chennin Pedr", "audience": "circle"},
        HTTP_HX_CURRENT_URL=f"http://testserver{reverse('person', args=[personas.person.pk])}",
        **HTMX,
    )

    html = response.content.decode()
    assert "Mae'ch nodyn wedi'i rannu. Diolch." in html
    assert f"Ei weld yn newyddion {personas.person.name}" in html


def test_the_writer_is_answered_with_the_very_fragment_the_sockets_were_sent(
    personas, as_user, monkeypatch
):
    """Drawn once for every audience and the writer: the same bytes, rendered once."""
    from core.tests.sockets import published
    from frontend.live import notes as live_notes

    drawn = []
    # Patched where the live module looks it up; it imports the name, not re-exports it.
    real_render = live_notes.render_to_string  # type: ignore[attr-defined]

    def counting(*args, **kwargs):
        drawn.append(args[0])
        return real_render(*args, **kwargs)

    monkeypatch.setattr(live_notes, "render_to_string", counting)
    with published() as sent:
        response = as_user(personas.carer).post(
            reverse("note_create", args=[personas.person.pk]),
            {"kind": "moment", "body": "Sang along to the radio", "audience": "circle"},
            **HTMX,
        )

    assert response.status_code == 200
    frames = {event.html for event in sent}
    assert len(frames) == 1, "the team and the circle hear the same bytes"
    assert frames.pop() in response.content.decode()
    assert drawn == ["frontend/timeline/timeline.html#note_created"]


def test_the_live_frame_shows_the_writers_photo_as_a_fresh_page_does(personas, as_user):
    """The writer is the signed-in user, a lazy stand-in for her account: her photo must show
    on the frame every open page is sent, not her initial (which a fresh page then corrects)."""
    from core.tests.sockets import published

    carer = personas.carer
    carer.photo.save("face.jpg", ContentFile(b"not really a jpeg"), save=True)
    with published() as sent:
        as_user(carer).post(
            reverse("note_create", args=[personas.person.pk]),
            {"kind": "moment", "body": "Fed the birds", "audience": "circle"},
            **HTMX,
        )

    photo = reverse("user_photo", args=[carer.pk])
    (frame,) = {event.html for event in sent}
    assert f'<img src="{photo}?v=' in frame
    page = as_user(personas.family).get(reverse("timeline", args=[personas.person.pk]))
    assert f'<img src="{photo}?v=' in page.content.decode()


def test_the_same_form_sent_twice_saves_one_note(personas, as_user):
    client = as_user(personas.carer)
    data = {
        "kind": "visit",
        "body": "Once only",
        "client_key": "5b0c8d0e-3f5e-4a59-9f5e-2f6f8f3a1a11",
    }

    client.post(reverse("note_create", args=[personas.person.pk]), data)
    client.post(reverse("note_create", args=[personas.person.pk]), data)

    assert Note.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "visit", "body": ""}, "Please write something first."),
        ({"kind": "visit", "body": "x" * 5001}, "Please keep this under 5,000 characters."),
        ({"kind": "nonsense", "body": "Hello"}, "Please choose what kind of note this is."),
    ],
)
def test_bad_notes_are_explained_and_nothing_is_saved(personas, as_user, data, message):
    response = as_user(personas.carer).post(
        reverse("note_create", args=[personas.person.pk]), data, **HTMX
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.parametrize("bad", [not_an_image, decompression_bomb])
def test_a_bad_photo_is_explained_and_nothing_is_saved(personas, as_user, bad):
    response = as_user(personas.carer).post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "visit", "body": "With photos", "photos": [photo_upload(), bad()]},
    )

    assert response.status_code == 422
    assert "Photo 2:" in response.content.decode()
    assert not Note.objects.exists()
    assert not NotePhoto.objects.exists()


def test_the_circle_form_offers_circle_kinds_only(personas, as_user):
    html = as_user(personas.family).get(_timeline_url(personas)).content.decode()

    assert 'value="family_update"' in html
    assert 'value="handover"' not in html
    assert 'name="audience"' not in html


# Photos ----------------------------------------------------------------------------------------


def test_note_photos_are_served_only_to_those_who_see_the_note(personas, as_user, client):
    team_photo = _note(personas, kind="handover", photos=[photo_upload()]).photos.get()
    shared_photo = _note(personas, audience="circle", photos=[photo_upload()]).photos.get()

    def status(user, photo):
        client.force_login(user)
        return client.get(reverse("note_photo", args=[photo.pk])).status_code

    assert status(personas.carer, team_photo) == 200
    assert status(personas.family, shared_photo) == 200
    assert status(personas.family, team_photo) == 404
    assert status(personas.outsider, shared_photo) == 404


def test_a_photo_response_is_private(personas, as_user):
    photo = _note(personas, photos=[photo_upload()]).photos.get()

    response = as_user(personas.carer).get(reverse("note_photo", args=[photo.pk]))

    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]


# One note: reply, react, edit, delete, handle --------------------------------------------------


def test_a_reply_by_htmx_comes_back_as_the_changed_note(personas, as_user):
    note = _note(personas, audience="circle")

    response = as_user(personas.family).post(
        reverse("note_reply", args=[note.pk]), {"body": "Thank you so much"}, **HTMX
    )

    assert response.status_code == 200
    assert 'hx-swap-oob="outerHTML"' in response.content.decode()
    assert Reply.objects.get().body == "Thank you so much"


def test_an_empty_reply_is_explained(personas, as_user):
    note = _note(personas, audience="circle")

    response = as_user(personas.family).post(
        reverse("note_reply", args=[note.pk]), {"body": ""}, **HTMX
    )

    assert "Please write something first." in response.content.decode()
    assert not Reply.objects.exists()


def test_replying_to_a_hidden_note_is_not_found(personas, as_user):
    note = _note(personas, kind="concern")

    response = as_user(personas.family).post(
        reverse("note_reply", args=[note.pk]), {"body": "Hello"}
    )

    assert response.status_code == 404


def test_reacting(personas, as_user):
    note = _note(personas, audience="circle")
    client = as_user(personas.family)
    url = reverse("note_react", args=[note.pk])

    response = client.post(url, {"kind": "heart", "active": "true"}, **HTMX)
    again = client.post(url, {"kind": "heart", "active": "true"}, **HTMX)

    assert (response.status_code, again.status_code) == (200, 200)
    assert Reaction.objects.filter(user=personas.family, kind="heart").count() == 1
    client.post(url, {"kind": "heart", "active": "false"})
    assert not Reaction.objects.exists()
    assert client.post(url, {"kind": "x", "active": "true"}).status_code == 422
    assert client.post(url, {"kind": "heart"}).status_code == 422, "never a toggle"


def test_every_form_on_the_timeline_posts_and_carries_its_token(personas, as_user):
    """Without scripts (or tapped before htmx loads) a form must not send its words in the
    address; a GET would put them in the history and the server log, and save nothing."""
    _note(personas, audience="circle")

    for url in (_timeline_url(personas), reverse("note_detail", args=[Note.objects.get().pk])):
        html = as_user(personas.family).get(url).content.decode()
        forms = re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S)
        writes = [f for f in forms if "timeline-filter" not in f]
        assert writes
        for form in writes:
            tag = form.split(">", 1)[0]
            assert 'method="post"' in tag, tag
            assert "csrfmiddlewaretoken" in form, tag


def test_a_reaction_form_without_scripts_says_what_it_will_do(personas, as_user):
    note = _note(personas, audience="circle")
    services.reaction_set(actor=personas.family, note_id=note.pk, kind="heart", active=True)

    html = as_user(personas.family).get(_timeline_url(personas)).content.decode()

    heart = re.search(r'name="kind" value="heart">\s*.*?name="active" value="(\w+)"', html, re.S)
    thanks = re.search(r'name="kind" value="thanks">\s*.*?name="active" value="(\w+)"', html, re.S)
    assert heart is not None and thanks is not None
    assert (heart.group(1), thanks.group(1)) == ("false", "true")


def test_a_reply_without_scripts_is_saved_once_however_often_it_is_sent(personas, as_user):
    note = _note(personas, audience="circle")
    client = as_user(personas.family)
    page = client.get(reverse("note_detail", args=[note.pk])).content.decode()
    found = re.search(r'name="client_key" value="([0-9a-f-]{36})"', page)
    assert found is not None
    key = found.group(1)

    for _ in range(2):
        response = client.post(
            reverse("note_reply", args=[note.pk]), {"body": "Lovely", "client_key": key}
        )
        assert response.status_code == 302

    assert Reply.objects.count() == 1


def test_a_refused_reply_without_scripts_keeps_its_words(personas, as_user):
    note = _note(personas, audience="circle")
    client = as_user(personas.family)
    key = "5b0c8d0e-3f5e-4a59-9f5e-2f6f8f3a1a11"
    client.post(reverse("note_reply", args=[note.pk]), {"body": "First", "client_key": key})

    response = client.post(
        reverse("note_reply", args=[note.pk]), {"body": "Words worth keeping", "client_key": key}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert ">Words worth keeping</textarea>" in html
    assert "could not be matched up" in html
    assert key not in html, "the form comes back with a fresh key, so sending again works"


def test_the_author_edits_and_the_team_sees_what_it_said_before(personas, as_user):
    note = _note(personas, body="Frist words", audience="circle")
    client = as_user(personas.carer)

    response = client.post(reverse("note_edit", args=[note.pk]), {"body": "First words"})

    assert response.status_code == 302
    assert NoteVersion.objects.get().body == "Frist words"
    team_view = client.get(reverse("note_detail", args=[note.pk])).content.decode()
    assert "What it said before" in team_view
    family_view = as_user(personas.family).get(reverse("note_detail", args=[note.pk]))
    assert "Frist words" not in family_view.content.decode()


def test_someone_else_cannot_edit(personas, as_user):
    note = _note(personas, audience="circle")

    response = as_user(personas.family).post(
        reverse("note_edit", args=[note.pk]), {"body": "Mine now"}
    )

    assert response.status_code == 422
    assert "Only the person who wrote a note can change it." in response.content.decode()


def test_deleting_a_note(personas, as_user):
    note = _note(personas, audience="circle")

    response = as_user(personas.carer).post(reverse("note_delete", args=[note.pk]))

    assert response.status_code == 302
    assert as_user(personas.family).get(reverse("note_detail", args=[note.pk])).status_code == 404


def test_marking_a_concern_handled(personas, as_user):
    concern = _note(personas, kind="concern", body="A fall in the kitchen")
    client = as_user(personas.carer)
    assert "Concerns waiting for the team" in client.get(_timeline_url(personas)).content.decode()

    empty = client.post(reverse("concern_handled", args=[concern.pk]), {"handled_note": ""})
    assert empty.status_code == 422
    done = client.post(
        reverse("concern_handled", args=[concern.pk]), {"handled_note": "Called her GP"}
    )

    assert done.status_code == 302
    assert Note.objects.get(pk=concern.pk).handled_note == "Called her GP"
    assert "Concerns waiting" not in client.get(_timeline_url(personas)).content.decode()


# Goals -----------------------------------------------------------------------------------------


def test_adding_a_goal_and_seeing_its_progress(personas, as_user):
    client = as_user(personas.person_user)

    response = client.post(
        reverse("outcome_list", args=[personas.person.pk]),
        {"title": "Go back to the choir", "who_helps": "Angela", "status": "working_on"},
    )

    assert response.status_code == 302
    outcome = Outcome.objects.get()
    _note(personas, audience="circle", outcome_ids=[outcome.pk], body="Sang two songs")
    page = client.get(reverse("outcome_detail", args=[outcome.pk])).content.decode()
    assert "<svg" in page
    assert "Sang two songs" in page


def test_a_goal_without_words_is_explained(personas, as_user):
    response = as_user(personas.carer).post(
        reverse("outcome_list", args=[personas.person.pk]), {"title": "", "status": "working_on"}
    )

    assert response.status_code == 422
    assert "Please write the goal, in their own words." in response.content.decode()


def test_the_circle_sees_goals_but_cannot_change_them(personas, as_user):
    outcome = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Choir"
    )
    client = as_user(personas.family)

    assert client.get(reverse("outcome_detail", args=[outcome.pk])).status_code == 200
    assert (
        client.post(reverse("outcome_detail", args=[outcome.pk]), {"title": "x"}).status_code == 404
    )
    assert (
        as_user(personas.outsider).get(reverse("outcome_detail", args=[outcome.pk])).status_code
        == 404
    )


# The person's sharing choice -------------------------------------------------------------------


def test_the_person_chooses_that_new_notes_stay_with_the_team(personas, as_user):
    client = as_user(personas.person_user)

    response = client.post(
        reverse("note_sharing", args=[personas.person.pk]), {"shared_with_circle": "no"}
    )

    assert response.status_code == 302
    personas.person.refresh_from_db()
    assert personas.person.notes_shared_with_circle_by_default is False
    page = as_user(personas.carer).get(_timeline_url(personas)).content.decode()
    assert "New notes are shown to the team only" in page
    assert re.search(r'<input type="radio" name="audience" value="team"[^>]*checked', page)


def test_a_sharing_choice_must_be_made(personas, as_user):
    response = as_user(personas.carer).post(reverse("note_sharing", args=[personas.person.pk]), {})

    assert response.status_code == 422
    assert "Please choose one." in response.content.decode()


# Every timeline address, for every persona -----------------------------------------------------

SEES_PERSON = {"carer", "family", "professional", "person_user"}
TEAM = {"carer"}


@pytest.fixture
def notes_world(personas):
    goal = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Choir"
    )
    shared = _note(personas, audience="circle", photos=[photo_upload()], outcome_ids=[goal.pk])
    concern = _note(personas, kind="concern", photos=[photo_upload()])
    return personas, {
        "shared": shared.pk,
        "concern": concern.pk,
        "shared_photo": shared.photos.get().pk,
        "concern_photo": concern.photos.get().pk,
        "goal": goal.pk,
    }


# (address name, which object, method, data, who may use it)
ADDRESSES = [
    ("timeline", "person", "get", {}, SEES_PERSON),
    ("outcome_list", "person", "get", {}, SEES_PERSON),
    ("outcome_detail", "goal", "get", {}, SEES_PERSON),
    ("note_detail", "shared", "get", {}, SEES_PERSON),
    ("note_detail", "concern", "get", {}, TEAM),
    ("note_photo", "shared_photo", "get", {}, SEES_PERSON),
    ("note_photo", "concern_photo", "get", {}, TEAM),
    ("note_photo_view", "shared_photo", "get", {}, SEES_PERSON),
    ("note_photo_view", "concern_photo", "get", {}, TEAM),
    ("note_react", "shared", "post", {"kind": "heart", "active": "true"}, SEES_PERSON),
    ("note_react", "concern", "post", {"kind": "heart", "active": "true"}, TEAM),
    ("note_reply", "concern", "post", {"body": "Seen"}, TEAM),
    ("concern_handled", "concern", "post", {"handled_note": "Done"}, TEAM),
    ("note_sharing", "person", "get", {}, {"carer", "person_user"}),
]


@pytest.mark.parametrize(
    ("name", "target", "method", "data", "allowed"),
    ADDRESSES,
    ids=[f"{a[0]}-{a[1]}" for a in ADDRESSES],
)
@pytest.mark.parametrize(
    "who", ["carer", "other_carer", "family", "professional", "person_user", "outsider"]
)
def test_each_persona_gets_exactly_what_is_theirs(
    notes_world, client, name, target, method, data, allowed, who
):
    personas, ids = notes_world
    ids["person"] = personas.person.pk
    client.force_login(personas.all_users()[who])

    response = getattr(client, method)(reverse(name, args=[ids[target]]), data)

    if who in allowed:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 404
        missing = getattr(client, method)(reverse(name, args=[999999]), data)
        assert missing.status_code == 404
        assert missing.content == response.content, "forbidden must look like missing"


def test_every_timeline_address_is_checked_above():
    from frontend import urls

    here = {"frontend.views.timeline", "frontend.views.outcomes"}
    mine = {p.name for p in urls.urlpatterns if p.callback.__module__ in here}

    assert mine - {"note_create", "note_edit", "note_delete"} == {a[0] for a in ADDRESSES}
