from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"

    def ready(self) -> None:
        from core.realtime import catch_up
        from teams.rota.live import rota_caught_up

        # A rota page catching up is sent each visit and offer as it is now.
        for thing in ("visit", "offer", "rota"):
            catch_up.register(thing, rota_caught_up)
