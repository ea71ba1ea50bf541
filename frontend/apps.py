import functools
from typing import Any

from django.apps import AppConfig


def _address(name: str, key: int | str) -> str:
    from django.urls import reverse

    return reverse(name, args=[key])


class FrontendConfig(AppConfig):
    name = "frontend"

    def ready(self) -> None:
        from django.template.loader import render_to_string
        from django.urls import reverse

        from core import links
        from core.realtime import catch_up, register_frames
        from families import record_export
        from frontend.live import notes, rota

        # What happens is announced by the services; the web layer draws what pages are sent,
        # live and for a page catching up (each thing as it is now, never as it was).
        register_frames("note", notes.note_frames)
        catch_up.register("note", notes.notes_caught_up)
        register_frames("visit", rota.visit_frames)
        register_frames("offer", rota.offer_frames)
        register_frames("rota", rota.rota_frames)
        for thing in ("visit", "offer", "rota"):
            catch_up.register(thing, rota.rota_caught_up)
        # The pages a notification, an invitation or the API links to.
        links.register(links.PERSON_NOTES, lambda person_id: reverse("timeline", args=[person_id]))
        links.register(links.VISIT, lambda visit_id: reverse("rota_visit", args=[visit_id]))
        # The id of the panel in frontend/rota/_whos_coming.html.
        links.register(
            links.WHOS_COMING,
            lambda person_id: f"{reverse('person', args=[person_id])}#whos-coming-{person_id}",
        )
        links.register(links.INVITATION, lambda token: reverse("invitation", args=[token]))
        # Photos, for the API's answers.
        for page, name in (
            (links.USER_PHOTO, "user_photo"),
            (links.PERSON_PHOTO, "person_photo"),
            (links.CIRCLE_PHOTO, "circle_photo"),
            (links.NOTE_PHOTO, "note_photo"),
        ):
            links.register(page, functools.partial(_address, name))

        # The readable copy inside a person's record export.
        def readable_copy(record: dict[str, Any], person: Any) -> str:
            return render_to_string(
                "frontend/export/record.html", {"record": record, "person": person}
            )

        record_export.register_readable_copy(readable_copy)
