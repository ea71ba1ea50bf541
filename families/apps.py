from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"

    def ready(self) -> None:
        from core.metrics import QUEUE_READERS
        from families.metrics import export_queue

        QUEUE_READERS.append(export_queue)
