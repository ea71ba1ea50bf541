"""Each open page hears a live note in its own user's language, rendered once per language."""

import re

import pytest
from channels.db import database_sync_to_async
from django.template.loader import render_to_string

from core.tests.sockets import connect
from families import services

pytestmark = pytest.mark.django_db(transaction=True)

CURSOR = re.compile(r'<span id="kith-cursor"[^>]*></span>')


@database_sync_to_async
def _speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])


@database_sync_to_async
def _write(personas, **values):
    values = {"kind": "moment", "body": "Jean laughed at the radio.", "audience": "circle"}
    return services.note_create(actor=personas.carer, person_id=personas.person.pk, **values)


async def test_an_english_and_a_welsh_page_each_hear_the_note_in_their_own_words(personas):
    await _speaks(personas.professional, "cy")
    path = f"/ws/people/{personas.person.pk}/"
    english, *_ = await connect(personas.family, path)
    welsh, *_ = await connect(personas.professional, path)

    await _write(personas)

    in_english, in_welsh = await english.receive_from(), await welsh.receive_from()
    assert isinstance(in_english, str) and isinstance(in_welsh, str)
    assert "A good moment" in in_english and "Eiliad dda" not in in_english
    assert "Eiliad dda" in in_welsh and "A good moment" not in in_welsh
    # The words the carer wrote stay as written, in both.
    assert "Jean laughed at the radio." in in_english and "Jean laughed at the radio." in in_welsh
    # Same event, same cursor: only Kith's own words differ.
    english_cursor, welsh_cursor = CURSOR.search(in_english), CURSOR.search(in_welsh)
    assert english_cursor is not None and welsh_cursor is not None
    assert english_cursor.group(0) == welsh_cursor.group(0)
    for socket in (english, welsh):
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()


async def test_a_language_nobody_is_listening_in_is_not_rendered(personas, monkeypatch):
    from frontend.live import notes as notes_module

    languages = []
    real_render = render_to_string  # what notes_module imported

    def counting_render(*args, **kwargs):
        from django.utils import translation

        languages.append(translation.get_language())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(notes_module, "render_to_string", counting_render)
    path = f"/ws/people/{personas.person.pk}/"
    sockets = [(await connect(personas.family, path))[0] for _ in range(3)]
    await _write(personas)
    assert languages == ["en-gb"]

    await _speaks(personas.professional, "cy")
    sockets += [(await connect(personas.professional, path))[0] for _ in range(3)]
    languages.clear()
    await _write(personas)
    assert languages == ["en-gb", "cy"]  # once per language listening, never per viewer
    for socket in sockets:
        await socket.disconnect()
