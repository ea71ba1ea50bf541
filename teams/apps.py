from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"

    def ready(self) -> None:
        from core import second_factor
        from teams.sign_in import team_requires_second_factor

        # A team may require codes of its members: sign-in (core) asks the team's rule.
        second_factor.register_requirement(team_requires_second_factor)
