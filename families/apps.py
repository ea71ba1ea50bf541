from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"

    def ready(self) -> None:
        from core import audience
        from core.metrics import QUEUE_READERS
        from core.realtime import catch_up
        from families import access
        from families.live import notes_caught_up
        from families.metrics import export_queue

        # Core's plumbing (push) asks the access layer who hears a person's news through this.
        audience.register(
            audience.AccessAnswers(audience_users=access.audience_users, in_a_team=access.in_a_team)
        )
        # A page catching up is sent each note as it is now, never as it was.
        catch_up.register("note", notes_caught_up)
        QUEUE_READERS.append(export_queue)
