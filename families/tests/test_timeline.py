"""The timeline read: newest first, a cursor that never skips or repeats, constant queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from families import services
from families.access import person_access_or_404
from families.models import Note, NotePhoto, Reaction, Reply
from families.outcome_progress import progress_by_week, progress_svg
from families.timeline import decode_cursor, timeline_page

pytestmark = pytest.mark.django_db


def _bulk_notes(personas, count: int, *, audience=Note.Audience.CIRCLE, same_time=False):
    """Notes written straight to the table: many, fast, with photos, replies and reactions."""
    now = timezone.now()
    notes = Note.objects.bulk_create(
        Note(
            person=personas.person,
            author=personas.carer,
            kind=Note.Kind.VISIT,
            body=f"Visit {n}",
            audience=audience,
            # Some notes share a moment, so the cursor must break ties by id.
            created_at=now if same_time else now - timedelta(minutes=n // 2),
        )
        for n in range(count)
    )
    NotePhoto.objects.bulk_create(NotePhoto(note=n, image=f"notes/{n.pk}.jpg") for n in notes)
    Reply.objects.bulk_create(Reply(note=n, author=personas.family, body="Thanks") for n in notes)
    Reaction.objects.bulk_create(
        Reaction(note=n, user=personas.family, kind="heart") for n in notes
    )
    return notes


def _queries_for_page(access, limit: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = timeline_page(access, limit=limit)
        for note in page.notes:
            # Everything the note partial touches.
            _ = (note.author.display_name, list(note.photos.all()), list(note.outcomes.all()))
            _ = [(r.author.display_name, r.body) for r in note.replies.all()]
            note.reaction_summary()
    return len(queries)


# One page of notes costs the same for everyone who may read it: the notes, then one query
# each for their photos, replies, reactions and goals. A count that grows with the page is a
# query per note: 5,000 notes would mean 5,000 queries.
PAGE_QUERIES = {"carer": 5, "family": 5, "professional": 5, "person_user": 5}


@pytest.mark.parametrize("who", PAGE_QUERIES)
def test_a_page_costs_the_same_queries_whatever_its_size(personas, who):
    _bulk_notes(personas, 60)
    access = person_access_or_404(getattr(personas, who), personas.person.pk)

    small = _queries_for_page(access, 5)
    large = _queries_for_page(access, 50)

    assert (small, large) == (PAGE_QUERIES[who],) * 2, (
        f"a page of the timeline as {who} must cost {PAGE_QUERIES[who]} queries, never one per note"
    )


def test_walking_the_cursor_shows_every_note_once_newest_first(personas):
    notes = _bulk_notes(personas, 23)
    access = person_access_or_404(personas.family, personas.person.pk)

    seen, cursor = [], None
    while True:
        page = timeline_page(access, cursor=cursor, limit=5)
        seen += page.notes
        cursor = page.next_cursor
        if cursor is None:
            break

    assert len(seen) == len({n.pk for n in seen}) == len(notes)
    assert [(n.created_at, n.pk) for n in seen] == sorted(
        ((n.created_at, n.pk) for n in seen), reverse=True
    )


def test_notes_written_at_the_same_moment_are_neither_skipped_nor_repeated(personas):
    notes = _bulk_notes(personas, 7, same_time=True)
    access = person_access_or_404(personas.carer, personas.person.pk)

    first = timeline_page(access, limit=3)
    second = timeline_page(access, cursor=first.next_cursor, limit=3)
    third = timeline_page(access, cursor=second.next_cursor, limit=3)

    shown = [n.pk for n in first.notes + second.notes + third.notes]
    assert shown == sorted((n.pk for n in notes), reverse=True)
    assert third.next_cursor is None


def test_a_new_note_does_not_shift_the_pages_already_being_read(personas):
    _bulk_notes(personas, 6)
    access = person_access_or_404(personas.carer, personas.person.pk)
    first = timeline_page(access, limit=3)

    services.note_create(
        actor=personas.carer, person_id=personas.person.pk, kind="moment", body="New"
    )
    second = timeline_page(access, cursor=first.next_cursor, limit=3)

    assert not {n.pk for n in first.notes} & {n.pk for n in second.notes}


def test_the_circle_sees_only_what_is_shared_with_it(personas):
    _bulk_notes(personas, 3, audience=Note.Audience.TEAM)
    shared = _bulk_notes(personas, 2, audience=Note.Audience.CIRCLE)

    family_page = timeline_page(person_access_or_404(personas.family, personas.person.pk))
    team_page = timeline_page(person_access_or_404(personas.carer, personas.person.pk))

    assert {n.pk for n in family_page.notes} == {n.pk for n in shared}
    assert len(team_page.notes) == 5


def test_deleted_notes_leave_the_timeline(personas):
    note = services.note_create(
        actor=personas.carer, person_id=personas.person.pk, kind="visit", body="Oops"
    )
    services.note_delete(actor=personas.carer, note_id=note.pk)

    assert timeline_page(person_access_or_404(personas.carer, personas.person.pk)).notes == []


def test_filters_by_kind_and_by_outcome(personas):
    choir = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Choir"
    )
    sang = services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="moment",
        body="Sang along",
        outcome_ids=[choir.pk],
    )
    visit = services.note_create(
        actor=personas.carer, person_id=personas.person.pk, kind="visit", body="Tea"
    )
    access = person_access_or_404(personas.carer, personas.person.pk)

    assert [n.pk for n in timeline_page(access, kind="visit").notes] == [visit.pk]
    assert [n.pk for n in timeline_page(access, outcome_id=choir.pk).notes] == [sang.pk]


@pytest.mark.parametrize("cursor", ["nonsense", "12", "1.x", "-5.3"])
def test_a_cursor_not_made_here_is_refused(cursor):
    with pytest.raises(ValueError):
        decode_cursor(cursor)


# Progress over the weeks -----------------------------------------------------------------------


def test_progress_counts_visible_notes_per_week(personas):
    choir = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Choir"
    )
    for audience in (Note.Audience.CIRCLE, Note.Audience.CIRCLE, Note.Audience.TEAM):
        services.note_create(
            actor=personas.carer,
            person_id=personas.person.pk,
            kind="moment",
            body="Practised a song",
            audience=audience,
            outcome_ids=[choir.pk],
        )
    today = timezone.localdate()

    team = progress_by_week(
        person_access_or_404(personas.carer, personas.person.pk), choir, today=today
    )
    circle = progress_by_week(
        person_access_or_404(personas.family, personas.person.pk), choir, today=today
    )

    assert len(team) == 12
    assert team[-1].count == 3
    # The circle's picture never hints at a team-only note.
    assert circle[-1].count == 2
    assert sum(w.count for w in team[:-1]) == 0


def test_the_progress_picture_is_plain_accessible_svg(personas):
    choir = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Choir"
    )
    weeks = progress_by_week(
        person_access_or_404(personas.carer, personas.person.pk), choir, today=date(2026, 11, 23)
    )

    svg = progress_svg(weeks, title="<Progress & more>")

    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert svg.count('class="progress-bar"') == 12
    assert "&lt;Progress &amp; more&gt;" in svg
    assert "0 notes marked progress in the last 12 weeks." in svg
