from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"

    def ready(self) -> None:
        from django.urls import reverse

        from teams.rota import links

        # Notifications from the rota open these pages.
        links.register(
            # The id of the panel in frontend/rota/_whos_coming.html.
            whos_coming=lambda pk: f"{reverse('person', args=[pk])}#whos-coming-{pk}",
            visit=lambda pk: reverse("rota_visit", args=[pk]),
        )
