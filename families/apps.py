from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"

    def ready(self) -> None:
        from core import audience
        from core.metrics import QUEUE_READERS
        from families import access
        from families.metrics import export_queue

        # Core's plumbing (push) asks the access layer who hears a person's news through this.
        audience.register(
            audience.AccessAnswers(
                audience_users=access.audience_users,
                in_a_team=access.in_a_team,
                first_family_contact_id=access.first_family_contact_id,
                is_first_family_contact=access.is_first_family_contact,
                around_someone=access.around_someone,
            )
        )
        QUEUE_READERS.append(export_queue)
