from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"

    def ready(self) -> None:
        from django.urls import reverse

        from teams.rota import links

        # Notifications from the rota open these pages.
        links.register(
            person=lambda pk: reverse("person", args=[pk]),
            visit=lambda pk: reverse("rota_visit", args=[pk]),
        )
