"""A hundred pages reconnecting at once (a process died) cost the server a rendering per note,
not one per note per page, and one access check per page, not one per note.

Kept renderings are keyed by the note's state, so a change since is never answered from one.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.models import Event
from core.realtime.catch_up import frames_for
from core.realtime.groups import person_group, person_topic_group
from families import services
from families.access import Audience, person_access
from families.models import Note
from frontend.live import notes as live

pytestmark = pytest.mark.django_db


def _write(personas, body: str) -> Note:
    return services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind=Note.Kind.MOMENT,
        body=body,
        audience=Note.Audience.CIRCLE,
    )


def _catch_up(personas, user) -> list[str]:
    """What a reconnecting page about the person is sent, as the socket asks for it."""
    access = person_access(user, personas.person.pk)
    assert access is not None
    stream = person_group(personas.person.pk, access.live_audience)
    if access.live_audience is Audience.CIRCLE:
        stream = person_topic_group(personas.person.pk, Note.Kind.MOMENT)
    events = list(Event.objects.filter(stream=stream).order_by("pk"))
    assert events, f"nothing was logged in {stream}"
    with translation.override("en-gb"):
        return frames_for(
            user=user,
            audience=access.live_audience,
            person_id=personas.person.pk,
            team_id=None,
            events=events,
            access=access,
        )


def _counting_renders(monkeypatch) -> list[int]:
    rendered: list[int] = []
    render = live.render_note_fragments

    def counting(note_id: int, **kwargs):
        rendered.append(note_id)
        return render(note_id, **kwargs)

    monkeypatch.setattr(live, "render_note_fragments", counting)
    return rendered


def test_many_pages_catching_up_render_each_note_once(personas, monkeypatch):
    notes = [_write(personas, f"Jean sang in the garden, verse {n}") for n in range(10)]
    rendered = _counting_renders(monkeypatch)

    first = _catch_up(personas, personas.family)
    for _page in range(20):
        assert _catch_up(personas, personas.family) == first

    # A new note and its current state, once each, for all 21 pages.
    assert sorted(rendered) == sorted([note.pk for note in notes] * 2)
    assert all(f"verse {n}" in "".join(first) for n in range(10))


def test_a_page_catching_up_reads_its_access_once_however_many_notes(personas):
    for n in range(3):
        _write(personas, f"A walk to the shop, number {n}")
    with CaptureQueriesContext(connection) as few:
        _catch_up(personas, personas.family)
    live.rendered_clear()
    for n in range(3, 12):
        _write(personas, f"A walk to the shop, number {n}")
    with CaptureQueriesContext(connection) as many:
        _catch_up(personas, personas.family)
    assert len(many) == len(few), (
        "catching up on 12 notes must cost what catching up on 3 does: one access check, "
        "one read of the notes, one of what they show"
    )


def test_an_edit_after_a_catch_up_is_never_answered_from_the_kept_rendering(personas):
    note = _write(personas, "Jean ate nothing at lunch")
    assert "ate nothing" in "".join(_catch_up(personas, personas.family))

    services.note_edit(actor=personas.carer, note_id=note.pk, body="Jean ate a little soup")
    frames = "".join(_catch_up(personas, personas.family))
    assert "a little soup" in frames
    assert "ate nothing" not in frames


def test_a_reply_after_a_catch_up_is_shown_by_the_next(personas):
    note = _write(personas, "Jean planted tulips")
    _catch_up(personas, personas.family)
    services.reply_create(actor=personas.carer, note_id=note.pk, body="Red ones, she says")
    assert "Red ones, she says" in "".join(_catch_up(personas, personas.family))


def test_a_deletion_after_a_catch_up_is_a_removal(personas):
    note = _write(personas, "Jean went to the coast")
    _catch_up(personas, personas.family)
    services.note_delete(actor=personas.carer, note_id=note.pk)
    frames = _catch_up(personas, personas.family)
    assert frames == [f'<article id="note-{note.pk}" hx-swap-oob="delete"></article>']


def test_each_language_gets_its_own_rendering(personas, monkeypatch):
    _write(personas, "Jean had a lovely afternoon")
    rendered = _counting_renders(monkeypatch)
    access = person_access(personas.family, personas.person.pk)
    assert access is not None
    stream = person_topic_group(personas.person.pk, Note.Kind.MOMENT)
    events = list(Event.objects.filter(stream=stream))
    for language in ("en-gb", "cy", "en-gb", "cy"):
        with translation.override(language):
            frames_for(
                user=personas.family,
                audience=access.live_audience,
                person_id=personas.person.pk,
                team_id=None,
                events=events,
                access=access,
            )
    assert len(rendered) == 4  # new and current, in each of two languages
