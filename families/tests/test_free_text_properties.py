"""Whatever people type or upload, the services either keep it exactly or refuse it politely.

Hypothesis generates the text (any Unicode, control characters, markup, huge strings) and the
files (any bytes). The promise: a ValidationError with a message, or the value saved as given
(trimmed) and shown escaped; never a crash, never markup that runs.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.images import clean_photo
from families import services
from families.models import NOTE_MAX_CHARS, CircleMember, Note
from families.services.sharing import Agreement, circle_member_sharing_update
from frontend.live.notes import render_note_fragments

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Markup and control characters turn up far more often than chance would bring them.
TRICKY = st.sampled_from(["<script>alert(1)</script>", "\x00", "\u202e", "&amp;", "{{ x }}", " "])
# Half of a UTF-16 pair: JSON can spell one, no database can store it.
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
FREE_TEXT = st.lists(st.one_of(st.text(max_size=60), TRICKY, SURROGATE), max_size=6).map("".join)


def _unstorable(*texts: str) -> bool:
    return any("\x00" in t or any(0xD800 <= ord(c) <= 0xDFFF for c in t) for t in texts)


def _refused_politely(error: ValidationError) -> None:
    assert error.messages and all(isinstance(m, str) and m for m in error.messages)


@EXAMPLES
@given(body=st.one_of(FREE_TEXT, st.text(min_size=NOTE_MAX_CHARS - 2, max_size=NOTE_MAX_CHARS + 2)))
def test_a_note_body_is_kept_exactly_or_refused(personas, body):
    try:
        note = services.note_create(
            actor=personas.carer,
            person_id=personas.person.pk,
            kind="moment",
            body=body,
            audience="circle",
        )
    except ValidationError as error:
        _refused_politely(error)
        assert not body.strip() or _unstorable(body) or len(body.strip()) > NOTE_MAX_CHARS
        return
    assert Note.objects.get(pk=note.pk).body == body.strip()
    html = render_note_fragments(note.pk)
    assert "<script>alert(1)</script>" not in "".join(html.values())


@EXAMPLES
@given(name=FREE_TEXT, relationship=FREE_TEXT)
def test_a_circle_members_name_is_kept_exactly_or_refused(personas, name, relationship):
    try:
        member = services.circle_member_add(
            actor=personas.carer,
            person_id=personas.person.pk,
            name=name,
            kind=CircleMember.Kind.FRIEND,
            relationship=relationship,
        )
    except ValidationError as error:
        _refused_politely(error)
        return
    assert member.name == name.strip() and member.name
    client = Client()
    client.force_login(personas.carer)
    page = client.get(reverse("person", args=[personas.person.pk]))
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content


@EXAMPLES
@given(about_me=FREE_TEXT, preferred_name=FREE_TEXT)
def test_profile_words_are_kept_exactly_or_refused(personas, about_me, preferred_name):
    try:
        services.person_update_profile(
            actor=personas.person_user,
            person_id=personas.person.pk,
            preferred_name=preferred_name,
        )
        version = services.about_me_write(
            actor=personas.person_user,
            person_id=personas.person.pk,
            sections={"story": about_me, "called": preferred_name},
        )
    except ValidationError as error:
        _refused_politely(error)
        return
    assert version.story == about_me.strip()
    client = Client()
    client.force_login(personas.person_user)
    page = client.get(reverse("person", args=[personas.person.pk]))
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content


@EXAMPLES
@given(by=FREE_TEXT, how=FREE_TEXT)
def test_how_the_person_agreed_is_kept_exactly_or_refused(personas, by, how):
    try:
        circle_member_sharing_update(
            actor=personas.carer,
            circle_member_id=personas.family_place.pk,
            kinds=["moment"] if personas.family_place.note_kinds is None else None,
            agreement=Agreement(by=by, how=how, at=timezone.now()),
        )
    except ValidationError as error:
        _refused_politely(error)
        assert not by.strip() or not how.strip() or len(by.strip()) > 150 or _unstorable(by, how)
        return
    personas.family_place.refresh_from_db()


def _image_bytes(width: int, height: int, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format=fmt)
    return buffer.getvalue()


UPLOADS = st.one_of(
    st.binary(max_size=2048),
    st.builds(
        _image_bytes,
        st.integers(1, 64),
        st.integers(1, 64),
        st.sampled_from(["PNG", "JPEG", "WEBP", "GIF", "BMP"]),
    ),
    # A real image cut short or with bytes flipped.
    st.builds(
        lambda data, cut: data[:cut],
        st.builds(_image_bytes, st.just(32), st.just(32), st.sampled_from(["PNG", "JPEG"])),
        st.integers(0, 400),
    ),
)


@EXAMPLES
@given(data=UPLOADS, name=st.sampled_from(["a.jpg", "b.png", "c.webp", "d", "../../e.jpg"]))
def test_an_upload_becomes_a_clean_photo_or_is_refused(data, name):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    try:
        cleaned = clean_photo(upload)
    except ValidationError as error:
        _refused_politely(error)
        return
    # Whatever came in, what is kept is a picture Pillow reads back, with a safe name.
    cleaned.seek(0)
    with Image.open(cleaned) as image:
        image.load()
    assert cleaned.name is not None
    assert "/" not in cleaned.name and ".." not in cleaned.name


@pytest.mark.parametrize("bad", ["\x00", "Hello\x00there", "\ud800", "Lovely walk \udc00"])
def test_a_nul_character_or_half_a_character_is_refused_not_stored(personas, bad):
    """Databases disagree about NUL (PostgreSQL refuses it): it never reaches them."""
    with pytest.raises(ValidationError):
        services.note_create(
            actor=personas.carer, person_id=personas.person.pk, kind="moment", body=bad
        )


# Through the forms: whatever is typed into a page, the answer is a page, never a crash. ---------

# A browser cannot send half a character (test_bad_input_pages sends the bytes of one).
PAGE_TEXT = st.lists(st.one_of(st.text(max_size=60), TRICKY), max_size=6).map("".join)


def _poster(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@EXAMPLES
@given(body=PAGE_TEXT)
def test_the_note_form_answers_any_text_with_a_page(personas, body):
    response = _poster(personas.carer).post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "moment", "body": body, "audience": "circle"},
    )
    assert response.status_code in (200, 302, 422)
    assert b"<script>alert(1)</script>" not in response.content


@EXAMPLES
@given(name=PAGE_TEXT, relationship=PAGE_TEXT)
def test_the_circle_form_answers_any_text_with_a_page(personas, name, relationship):
    response = _poster(personas.carer).post(
        reverse("circle_add", args=[personas.person.pk]),
        {"name": name, "kind": "friend", "relationship": relationship},
    )
    assert response.status_code in (200, 302, 422)
    assert b"<script>alert(1)</script>" not in response.content


@EXAMPLES
@given(full_name=PAGE_TEXT, about_me=PAGE_TEXT, pronouns=PAGE_TEXT)
def test_the_profile_form_answers_any_text_with_a_page(personas, full_name, about_me, pronouns):
    response = _poster(personas.person_user).post(
        reverse("person_edit", args=[personas.person.pk]),
        {"full_name": full_name, "pronouns": pronouns},
    )
    assert response.status_code in (200, 302, 422)
    assert b"<script>alert(1)</script>" not in response.content
    response = _poster(personas.person_user).post(
        reverse("about_me_edit", args=[personas.person.pk]),
        {"story": about_me, "called": full_name, "written_with": pronouns},
    )
    assert response.status_code in (200, 302, 422)
    assert b"<script>alert(1)</script>" not in response.content
