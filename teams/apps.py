from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"

    def ready(self) -> None:
        from core import second_factor
        from core.realtime import catch_up
        from teams.rota.live import rota_caught_up
        from teams.sign_in import team_requires_second_factor

        # A team may require codes of its members: sign-in (core) asks the team's rule.
        second_factor.register_requirement(team_requires_second_factor)

        # A rota page catching up is sent each visit and offer as it is now.
        for thing in ("visit", "offer", "rota"):
            catch_up.register(thing, rota_caught_up)
